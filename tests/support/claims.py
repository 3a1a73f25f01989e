"""A claim written straight into the tables, for the tests of what comes after preparing one
(the life of a claim, its documents and pack): the lines are of real graduates of a real
finished cohort, their snapshots in the form services.prepare writes (see SNAPSHOT_KEYS)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from training.extensions import db
from training.models import Claim, ClaimLine, CohortStatus

# What ClaimLine.snapshot holds: the documents and pages read these and nothing else.
SNAPSHOT_KEYS = (
    "name",
    "gender",  # "M" / "F"
    "id_number",
    "categories",  # household category values
    "occupation",
    "level",
    "certificate_kind",  # "own" (our 结业证书) or an ExternalCertificateKind value; None: none counts
    "certificate_number",
    "certificate_issued_on",  # ISO date
    "hours_attended",  # decimal as a string
    "hours_scheduled",
    "attended_pct",  # decimal as a string, one decimal place
    "employer",  # name, or None
    "employment_kind",  # PlacementKind value, or None
    "employment_start",  # ISO date, or None
)


# The reason services.prepare gives a line whose attendance fell short (rules._completion's facts).
NOT_COMPLETED = {
    "rule": "not_completed",
    "params": {
        "status": "failed",
        "attended_hours": "20.0",
        "held_hours": "40.0",
        "min_attendance_pct": 80,
        "theory_score": "75.0",
        "practical_score": "80.0",
        "pass_score": 60,
    },
}


def snapshot_of(enrollment, *, employed: bool = True, certificate_number: str | None = None) -> dict:
    trainee, course = enrollment.trainee, enrollment.cohort.course
    return {
        "name": trainee.name,
        "gender": trainee.gender,
        "id_number": trainee.id_number,
        "categories": sorted(trainee.category_set),
        "occupation": course.occupation,
        "level": course.level,
        "certificate_kind": "own",
        "certificate_number": certificate_number or f"AK-2026-610924-{enrollment.id:06d}",
        "certificate_issued_on": enrollment.cohort.end_date.isoformat(),
        "hours_attended": "40.0",
        "hours_scheduled": "40.0",
        "attended_pct": "100.0",
        "employer": "上海足部修护连锁" if employed else None,
        "employment_kind": "directed" if employed else None,
        "employment_start": (enrollment.cohort.end_date + timedelta(days=10)).isoformat() if employed else None,
    }


def build_claim(
    make,
    *,
    cohort=None,
    trainees: int = 3,
    ineligible: int = 0,
    status: str = "draft",
    prepared_by=None,
    tier_pct: int = 100,
    standard_yuan: Decimal = Decimal("4500.00"),
) -> Claim:
    """A claim of `trainees` graduates, the last `ineligible` of them not eligible (not completed)."""
    cohort = cohort or make.cohort(
        status=CohortStatus.FINISHED, start_date=date(2026, 5, 1), standard_yuan=standard_yuan, standard_min_hours=40
    )
    prepared_by = prepared_by or make.user("coordinator", county_code=cohort.county_code)
    amount = (standard_yuan * tier_pct / 100).quantize(Decimal("0.01"))
    claim = Claim(
        cohort=cohort,
        status=status,
        measured_on=cohort.end_date + timedelta(days=61),
        completed_count=trainees - ineligible,
        employed_count=trainees - ineligible,
        tier_pct=tier_pct,
        standard_yuan=standard_yuan,
        total_yuan=Decimal("0"),
        prepared_by_id=prepared_by.id,
    )
    for position in range(1, trainees + 1):
        eligible = position <= trainees - ineligible
        enrollment = make.graduate(cohort=cohort, name=f"王秀英{position}")
        claim.lines.append(
            ClaimLine(
                enrollment=enrollment,
                position=position,
                eligible=eligible,
                reasons=[] if eligible else [NOT_COMPLETED],
                amount_yuan=amount if eligible else Decimal("0.00"),
                snapshot=snapshot_of(enrollment, employed=eligible),
            )
        )
    claim.total_yuan = sum((line.amount_yuan for line in claim.lines), Decimal("0.00"))
    db.session.add(claim)
    db.session.flush()
    return claim
