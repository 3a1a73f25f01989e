"""Preparing a cohort's subsidy claim: preview() judges every line and writes nothing; prepare()
writes the draft Claim with one ClaimLine per subsidised admission (ineligible ones kept at 0, with
their reasons) and a snapshot of what each line was judged on, audited. Neither commits.

A claim is prepared once the cohort has finished, with its frozen standard, on or after its
measuring date (CLAIM_MEASURE_MONTHS after the end: the employment rate that picks the tier is
taken then, with the reports' definition of employment over that window; see employment.py).

One standing claim per cohort, whatever two coordinators do at the same moment: the partial
unique index uq_subsidy_claim_standing_cohort decides. The rows are flushed in a SAVEPOINT, so
that the loser's IntegrityError rolls back only the claim and the caller's transaction stays
usable; the loser is told who won.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from training import audit
from training.claims import queries, rules
from training.claims.rules import LineVerdict
from training.claims.settings import ClaimRules
from training.exceptions import DomainError
from training.extensions import db
from training.labels import COHORT_STATUSES
from training.models import STANDING, Claim, ClaimLine, ClaimStatus, Cohort, CohortStatus, Role, User
from training.orm import begin_on_sqlite
from training.reports.definitions import Settings

CLAIMABLE = (CohortStatus.FINISHED, CohortStatus.CLOSED)
PREPARERS = (Role.COORDINATOR,)
TENTH = Decimal("0.1")


class ClaimRefused(DomainError):
    """A claim cannot be previewed or prepared; str() is the user's message, translated."""


@dataclass(frozen=True)
class PreviewLine:
    enrollment_id: int
    position: int
    eligible: bool
    reasons: list[dict]  # [{"rule": …, "params": {…}}]: reasons.describe() gives the words
    amount_yuan: Decimal
    snapshot: dict  # keys: tests/support/claims.SNAPSHOT_KEYS


@dataclass(frozen=True)
class ClaimPreview:
    cohort_id: int
    cohort_code: str
    lines: list[PreviewLine]
    measured_on: date
    completed_count: int
    employed_count: int
    rate: Decimal | None  # employed ÷ completed in %, rounded down to 0.01; None when nobody completed
    tier_pct: int
    standard_yuan: Decimal
    total_yuan: Decimal
    standing_claim_id: int | None  # the cohort's claim that still stands, if it has one

    @property
    def eligible_count(self) -> int:
        return sum(1 for line in self.lines if line.eligible)


def claim_rules() -> ClaimRules:
    return ClaimRules.from_config(current_app.config)


def _refuse_unless_claimable(cohort: Cohort | None, measured_on: date | None, today: date) -> None:
    if cohort is None:
        raise ClaimRefused(_("No such class."))
    if cohort.status not in CLAIMABLE:
        raise ClaimRefused(
            _(
                "The class %(code)s has not finished (it is “%(status)s”); its claim is prepared after it has.",
                code=cohort.code,
                status=COHORT_STATUSES.get(cohort.status, cohort.status),
            )
        )
    if cohort.standard_yuan is None:
        raise ClaimRefused(
            _("The class %(code)s has no frozen subsidy standard, so there is nothing to claim.", code=cohort.code)
        )
    if measured_on is not None and today < measured_on:
        raise ClaimRefused(
            _(
                "The claim of %(code)s can be prepared from %(date)s: its employment rate is measured then, "
                "%(months)d months after the class ended on %(end)s.",
                code=cohort.code,
                date=measured_on.isoformat(),
                months=claim_rules().measure_months,
                end=cohort.end_date.isoformat(),
            )
        )


def _judge(cohort_id: int, today: date) -> tuple[queries.ClaimData, ClaimPreview]:
    settings = claim_rules()
    cohort = queries.cohort(cohort_id)
    measured_on = rules.measuring_date(cohort.end_date, settings.measure_months) if cohort else None
    _refuse_unless_claimable(cohort, measured_on, today)
    assert cohort is not None and measured_on is not None and cohort.standard_yuan is not None
    timezone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    definition = Settings.from_config(current_app.config).employment(within_months=settings.measure_months)
    data = queries.load(
        cohort,
        definition=definition,
        measured_on=measured_on,
        now=datetime.combine(today + timedelta(days=1), time.min, tzinfo=ZoneInfo(timezone)),
        timezone=timezone,
    )
    rate = rules.rate_pct(data.employment.employed, data.employment.completed)
    tier = rules.tier_for(rate, settings.tiers)
    lines = []
    for position, line in enumerate(data.lines, start=1):
        verdict = rules.judge(line.facts, data.cohort_facts, settings, today)
        lines.append(
            PreviewLine(
                enrollment_id=line.facts.enrollment_id,
                position=position,
                eligible=verdict.eligible,
                reasons=list(verdict.reasons),
                amount_yuan=rules.amount(cohort.standard_yuan, tier, verdict.eligible),
                snapshot=snapshot(line, verdict, data.cohort_facts),
            )
        )
    standing = data.standing_claim
    preview = ClaimPreview(
        cohort_id=cohort.id,
        cohort_code=cohort.code,
        lines=lines,
        measured_on=measured_on,
        completed_count=data.employment.completed,
        employed_count=data.employment.employed,
        rate=rate,
        tier_pct=tier,
        standard_yuan=cohort.standard_yuan,
        total_yuan=rules.total(line.amount_yuan for line in lines),
        standing_claim_id=standing.id if standing else None,
    )
    return data, preview


def _tenths(value: Decimal) -> str:
    return str(Decimal(value).quantize(TENTH, rounding=ROUND_FLOOR))


def snapshot(line: queries.Line, verdict: LineVerdict, facts: rules.CohortFacts) -> dict:
    """What a line was judged on, as its claim keeps it (tests/support/claims.SNAPSHOT_KEYS)."""
    trainee, certificate, job = line.enrollment.trainee, verdict.certificate, line.job
    attended, held = Decimal(line.facts.attended_hours), Decimal(facts.held_hours)
    return {
        "name": trainee.name,
        "gender": trainee.gender,
        "id_number": trainee.id_number,
        "categories": sorted(line.facts.categories),
        "occupation": facts.occupation,
        "level": facts.level,
        "certificate_kind": certificate.kind if certificate else None,
        "certificate_number": certificate.number if certificate else None,
        "certificate_issued_on": certificate.issued_on.isoformat() if certificate else None,
        "hours_attended": _tenths(attended),
        "hours_scheduled": _tenths(held),
        "attended_pct": _tenths(attended * 100 / held if held else Decimal(0)),
        "employer": job.employer if job else None,
        "employment_kind": job.kind if job else None,
        "employment_start": job.start_date.isoformat() if job else None,
    }


def preview(cohort_id: int, *, today: date) -> ClaimPreview:
    """Every line of the cohort's claim judged on `today`, with the rate, tier and total; nothing written."""
    return _judge(cohort_id, today)[1]


def _refuse_unless_preparer(user: User | None, cohort: Cohort) -> User:
    if user is None or not user.is_active or user.role not in PREPARERS:
        raise ClaimRefused(_("Only a coordinator can prepare a subsidy claim."))
    if user.county_code and user.county_code != cohort.county_code:
        raise ClaimRefused(_("The class %(code)s is not in your county.", code=cohort.code))
    return user


def prepare(cohort_id: int, *, user_id: int, today: date) -> Claim:
    """The cohort's claim as a draft prepared by `user_id` on `today`: added, flushed and audited."""
    data, preview = _judge(cohort_id, today)
    cohort = data.cohort
    _refuse_unless_preparer(db.session.get(User, user_id), cohort)
    standing = data.standing_claim
    if standing is not None:
        raise ClaimRefused(
            _(
                "The class %(code)s already has a claim that stands (No. %(id)d); "
                "a new one is made only when it is returned.",
                code=cohort.code,
                id=standing.id,
            )
        )
    if not preview.lines:
        raise ClaimRefused(
            _("The class %(code)s has no subsidised trainees: there is nothing to claim.", code=cohort.code)
        )
    latest = data.claims[-1] if data.claims else None
    claim = Claim(
        cohort_id=cohort.id,
        version=latest.version + 1 if latest else 1,
        previous_id=latest.id if latest else None,
        status=ClaimStatus.DRAFT,
        measured_on=preview.measured_on,
        completed_count=preview.completed_count,
        employed_count=preview.employed_count,
        tier_pct=preview.tier_pct,
        standard_yuan=preview.standard_yuan,
        total_yuan=preview.total_yuan,
        prepared_by_id=user_id,
    )
    begin_on_sqlite(db.session)
    try:
        with db.session.begin_nested():
            db.session.add(claim)
            db.session.flush()
            _insert_lines(claim, preview.lines)
    except IntegrityError:
        raise ClaimRefused(_lost_the_race(cohort)) from None
    audit.record("claim_prepared", "subsidy_claim", claim.id, after=_summary(claim, preview), actor_id=user_id)
    return claim


def _insert_lines(claim: Claim, lines: list[PreviewLine]) -> None:
    """The lines in one INSERT whatever their number (the unit of work would send one per line on
    SQLite, which cannot return the ids of many rows in order); claim.lines loads them when read."""
    db.session.execute(
        insert(ClaimLine),
        [
            {
                "claim_id": claim.id,
                "enrollment_id": line.enrollment_id,
                "position": line.position,
                "standing": True,
                "eligible": line.eligible,
                "reasons": line.reasons,
                "amount_yuan": line.amount_yuan,
                "snapshot": line.snapshot,
            }
            for line in lines
        ],
    )


def _lost_the_race(cohort: Cohort) -> str:
    """Who prepared the claim first, now that their commit is visible (or that they are still at it)."""
    winner = db.session.execute(
        select(Claim.id, User.display_name, User.username)
        .join(User, User.id == Claim.prepared_by_id)
        .where(Claim.cohort_id == cohort.id, Claim.status.in_(STANDING))
    ).first()
    if winner is None:
        return _(
            "Someone else is preparing the claim of %(code)s at this moment; nothing was written. Try again shortly.",
            code=cohort.code,
        )
    return _(
        "%(name)s prepared the claim of %(code)s a moment ago (No. %(id)d); nothing was written. Open that claim.",
        name=winner.display_name or winner.username,
        code=cohort.code,
        id=winner.id,
    )


def _summary(claim: Claim, preview: ClaimPreview) -> dict:
    return {
        "cohort_id": claim.cohort_id,
        "cohort": preview.cohort_code,
        "version": claim.version,
        "measured_on": preview.measured_on.isoformat(),
        "completed": preview.completed_count,
        "employed": preview.employed_count,
        "tier_pct": preview.tier_pct,
        "standard_yuan": str(preview.standard_yuan),
        "total_yuan": str(preview.total_yuan),
        "lines": len(preview.lines),
        "eligible": preview.eligible_count,
    }
