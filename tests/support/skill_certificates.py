"""A finished class in 紫阳县 with a graduate, for the tests of skill certificates issued elsewhere,
and the form a coordinator fills in to record one."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from training.extensions import db

HERE, THERE = "610924", "610929"
ISSUED = date(2025, 4, 10)


def number(serial: int = 123, level: int = 5, year: int = 25, first: str = "S") -> str:
    """A 职业技能等级证书 number of the national form: S, 0000, 61, 610924, year, level, serial."""
    return f"{first}000061610924{year:02d}{level}{serial:06d}"


def finished_class(make, county: str = HERE, name: str = "陈秀英"):
    cohort = make.cohort(county_code=county, start_date=date(2025, 3, 1), end_date=date(2025, 3, 20), status="finished")
    enrollment = make.graduate(cohort=cohort, name=name)
    db.session.commit()
    return SimpleNamespace(cohort=cohort, enrollment=enrollment, trainee=enrollment.trainee)


def typed(world, **changes) -> dict:
    """The recording form as a coordinator fills it in (a 职业技能等级证书 of level 5)."""
    values = {
        "enrollment_id": str(world.enrollment.id),
        "kind": "skill_level",
        "number": number(),
        "issuer": "紫阳县足部修护协会",
        "level": "5",
        "issued_on": ISSUED.isoformat(),
    }
    values.update(changes)
    return values


def new_url(world) -> str:
    return f"/trainees/{world.trainee.id}/skill-certificates/new"
