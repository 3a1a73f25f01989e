"""What a filing holds: the class as the records give it when the filing is prepared or submitted,
with what the coordinator types that no record holds (the site's address, the trainers'
qualifications, the assessment plan). A plain JSON dict, so that it stays as it was filed:

    course      code, name, occupation, level, hours, labour brand
    standard    the subsidy standard the cohort froze when it opened (or None)
    class       county, site (name, kind, address, the sessions' places), dates, daily hours, capacity
    timetable   each session: date, start and end (local time), hours, theory or practice, topic, place
    trainers    name and qualification
    roster      the seated enrollments (models.SEATED): name, sex, birth date, ID number, phone,
                education, where they live, categories, and why they were enrolled although another
                class of theirs overlaps (Enrollment.overlap_reason)
    assessment  method and the evaluation body (评价机构)
    employer    for directed training: the employer, its credit code and the places it committed

Loaded in four statements whatever the class's size. The parts a change after approval compares
are COMPARED (filing/changes.py); the typed parts are carried over from the filing being compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from training.extensions import db
from training.models import SEATED, Cohort, Enrollment, SessionKind, Trainee

COMPARED = ("class", "timetable", "trainers", "roster")
# Each compared list's rows are told apart by this key.
KEYS = {"timetable": "id", "trainers": "id", "roster": "enrollment_id"}


@dataclass(frozen=True)
class FilingDetails:
    """What the coordinator types on the filing form."""

    site_address: str = ""
    assessment_method: str = ""
    assessor: str = ""
    qualifications: Mapping[int, str] = field(default_factory=dict)  # trainer's user id → qualification

    @classmethod
    def of(cls, snapshot: Mapping | None) -> FilingDetails:
        """The details a snapshot was taken with (empty for none): to prepare or compare it again."""
        if not snapshot:
            return cls()
        return cls(
            site_address=snapshot["class"].get("site_address", ""),
            assessment_method=snapshot["assessment"].get("method", ""),
            assessor=snapshot["assessment"].get("assessor", ""),
            qualifications={t["id"]: t.get("qualification", "") for t in snapshot["trainers"]},
        )


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _class_cohort(cohort_id: int) -> Cohort:
    return db.session.scalars(
        select(Cohort)
        .where(Cohort.id == cohort_id)
        .options(
            joinedload(Cohort.course),
            joinedload(Cohort.county),
            joinedload(Cohort.standard),
            joinedload(Cohort.employer),
            selectinload(Cohort.trainers),
            selectinload(Cohort.sessions),
        )
        .execution_options(populate_existing=True)
    ).one()


def _roster(cohort_id: int) -> list[Enrollment]:
    return list(
        db.session.scalars(
            select(Enrollment)
            .where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(SEATED))
            .options(joinedload(Enrollment.trainee).selectinload(Trainee.categories))
            .order_by(Enrollment.id)
        ).unique()
    )


def _timetable(cohort: Cohort, zone: ZoneInfo) -> list[dict]:
    rows = []
    for session in sorted(cohort.sessions, key=lambda s: s.starts_at):
        starts: datetime = session.starts_at.astimezone(zone)
        rows.append(
            {
                "id": session.id,
                "date": starts.date().isoformat(),
                "starts": f"{starts:%H:%M}",
                "ends": f"{session.ends_at.astimezone(zone):%H:%M}",
                "hours": _hours(session.hours),
                "kind": session.kind,
                "topic": session.topic,
                "location": session.location,
            }
        )
    return rows


def _class(cohort: Cohort, timetable: list[dict], details: FilingDetails) -> dict:
    by_day: dict[str, Decimal] = {}
    kinds = {SessionKind.THEORY.value: Decimal(0), SessionKind.PRACTICE.value: Decimal(0)}
    for row in timetable:
        by_day[row["date"]] = by_day.get(row["date"], Decimal(0)) + Decimal(row["hours"])
        kinds[row["kind"]] = kinds.get(row["kind"], Decimal(0)) + Decimal(row["hours"])
    daily = sorted(set(by_day.values()))
    return {
        "code": cohort.code,
        "county_code": cohort.county_code,
        "county": cohort.county.name if cohort.county else cohort.county_code,
        "site_name": cohort.site_name,
        "site_kind": cohort.site_kind,
        "site_address": details.site_address,
        "locations": sorted({row["location"] for row in timetable if row["location"]}),
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "capacity": cohort.capacity,
        "training_type": cohort.training_type,
        "days": len(by_day),
        "daily_hours": [_hours(daily[0]), _hours(daily[-1])] if daily else [],
        "theory_hours": _hours(kinds[SessionKind.THEORY.value]),
        "practice_hours": _hours(kinds[SessionKind.PRACTICE.value]),
        "total_hours": _hours(sum(kinds.values(), Decimal(0))),
    }


def _person(enrollment: Enrollment) -> dict:
    trainee = enrollment.trainee
    return {
        "enrollment_id": enrollment.id,
        "trainee_id": trainee.id,
        "name": trainee.name,
        "gender": trainee.gender,
        "birth_date": trainee.birth_date.isoformat(),
        "id_number": trainee.id_number,
        "phone": trainee.phone or "",
        "education": trainee.education,
        "town": trainee.town,
        "village": trainee.village,
        "categories": sorted(c.category for c in trainee.categories),
        "overlap_reason": enrollment.overlap_reason or "",
    }


def take(cohort_id: int, details: FilingDetails, timezone: str) -> dict:
    """The cohort's snapshot as the records give it now, with the typed details."""
    cohort = _class_cohort(cohort_id)
    course, standard = cohort.course, cohort.standard
    timetable = _timetable(cohort, ZoneInfo(timezone))
    employer = cohort.employer
    return {
        "course": {
            "code": course.code,
            "name": course.name,
            "occupation": course.occupation,
            "level": course.level,
            "total_hours": course.total_hours,
            "labour_brand": course.labour_brand,
        },
        "standard": None
        if standard is None
        else {
            "occupation": standard.occupation,
            "level": standard.level,
            "training_type": standard.training_type,
            "yuan": str(cohort.standard_yuan if cohort.standard_yuan is not None else standard.yuan),
            "min_hours": cohort.standard_min_hours or standard.min_hours,
            "valid_from": standard.valid_from.isoformat(),
        },
        "class": _class(cohort, timetable, details),
        "timetable": timetable,
        "trainers": [
            {
                "id": trainer.id,
                "name": trainer.display_name or trainer.username,
                "qualification": (details.qualifications.get(trainer.id) or "").strip(),
            }
            for trainer in sorted(cohort.trainers, key=lambda t: t.id)
        ],
        "roster": [_person(e) for e in _roster(cohort.id)],
        "assessment": {"method": details.assessment_method.strip(), "assessor": details.assessor.strip()},
        "employer": None
        if employer is None
        else {"name": employer.name, "uscc": employer.uscc, "places": cohort.committed_placements or 0},
    }
