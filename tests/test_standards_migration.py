"""Migration 0011 drops course.subsidy_yuan and carries its figures into the catalogue of standards,
on the backend under test (JFW_TEST_DB), both ways."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.conftest import BACKEND, base_config, drop_postgres_database, new_postgres_database
from training import create_app
from training.extensions import db
from training.orm import UTCDateTime

CREATED = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def at_0010(tmp_path):
    """An app on a database migrated to 0010, inside its app context."""
    url = new_postgres_database() if BACKEND == "postgresql" else f"sqlite:///{tmp_path}/fresh.sqlite"
    app = create_app(base_config(url))
    with app.app_context():
        upgrade(revision="0010")
        yield app
        db.session.remove()
        db.engine.dispose()
    if BACKEND == "postgresql":
        drop_postgres_database(url)


COURSE = sa.table(
    "course",
    *(sa.column(name, sa.String) for name in ("code", "name", "occupation", "labour_brand")),
    *(sa.column(name, sa.Integer) for name in ("id", "level", "total_hours", "min_attendance_pct", "pass_score")),
    sa.column("subsidy_yuan", sa.Numeric(10, 2)),
    sa.column("active", sa.Boolean),
    sa.column("created_at", UTCDateTime),
)
COHORT = sa.table(
    "cohort",
    *(sa.column(name, sa.String) for name in ("code", "county_code", "site_name", "site_kind", "status")),
    sa.column("training_type", sa.String),
    *(sa.column(name, sa.Integer) for name in ("id", "course_id", "capacity")),
    sa.column("start_date", sa.Date),
    sa.column("end_date", sa.Date),
    sa.column("created_at", UTCDateTime),
)
STANDARD = sa.table(
    "subsidy_standard",
    *(sa.column(name, sa.String) for name in ("occupation", "training_type")),
    *(sa.column(name, sa.Integer) for name in ("level", "min_hours")),
    sa.column("yuan", sa.Numeric(10, 2)),
    sa.column("valid_from", sa.Date),
    sa.column("created_at", UTCDateTime),
    sa.column("updated_at", UTCDateTime),
)


def _course(code: str, occupation: str, level: int, subsidy: str, hours: int = 120) -> int:
    values = dict(code=code, name=code, occupation=occupation, labour_brand="", level=level, total_hours=hours)
    values.update(min_attendance_pct=80, pass_score=60, subsidy_yuan=Decimal(subsidy), active=True, created_at=CREATED)
    return db.session.execute(sa.insert(COURSE).values(values).returning(COURSE.c.id)).scalar_one()


def _cohort(code: str, course_id: int, start: date, status: str, training_type: str = "project") -> int:
    values = dict(code=code, course_id=course_id, county_code="610924", site_name="金川社区", capacity=30)
    values.update(site_kind="community_factory", start_date=start, end_date=start, status=status)
    values.update(training_type=training_type, created_at=CREATED)
    return db.session.execute(sa.insert(COHORT).values(values).returning(COHORT.c.id)).scalar_one()


def _standard(occupation: str, yuan: str, min_hours: int, valid_from: date) -> None:
    values = dict(occupation=occupation, level=5, training_type="project", yuan=Decimal(yuan), min_hours=min_hours)
    db.session.execute(
        sa.insert(STANDARD).values(valid_from=valid_from, created_at=CREATED, updated_at=CREATED, **values)
    )


def _standards() -> list[tuple]:
    rows = db.session.execute(
        text(
            "SELECT occupation, level, training_type, yuan, min_hours, valid_from, valid_to FROM subsidy_standard "
            "ORDER BY occupation, level"
        )
    ).all()
    return [(o, lv, t, Decimal(y).quantize(Decimal("0.01")), h, str(f), t2) for o, lv, t, y, h, f, t2 in rows]


def _frozen(cohort_id: int) -> tuple:
    row = db.session.execute(
        text("SELECT standard_id, standard_yuan, standard_min_hours FROM cohort WHERE id = :id"), {"id": cohort_id}
    ).one()
    return (row[0] is not None, None if row[1] is None else Decimal(row[1]).quantize(Decimal("0.01")), row[2])


def test_the_course_loses_its_subsidy_column(at_0010):
    upgrade()

    assert "subsidy_yuan" not in {column["name"] for column in inspect(db.engine).get_columns("course")}


def test_a_course_subsidy_becomes_a_project_standard_of_its_occupation_and_level(at_0010):
    first = _course("ZBXH-5", "足部修护师", 5, "1800", hours=120)
    _course("ZBXH-5B", "足部修护师", 5, "2000", hours=96)  # another course of the same occupation and level
    _cohort("ZY-01", first, date(2023, 9, 1), "finished")
    db.session.commit()

    upgrade()

    # the larger subsidy, the smaller hours, from the first day a course was created or ran
    assert _standards() == [("足部修护师", 5, "project", Decimal("2000.00"), 96, "2023-09-01", None)]


def test_a_course_without_a_subsidy_gives_no_standard(at_0010):
    _course("CYS-5", "茶艺师", 5, "0")
    db.session.commit()

    upgrade()

    assert _standards() == []


def test_an_occupation_the_catalogue_already_has_keeps_its_standard(at_0010):
    _course("MYHL-5", "母婴护理员", 5, "1500")
    _standard("母婴护理员", "4000", 90, date(2022, 1, 1))
    db.session.commit()

    upgrade()

    assert _standards() == [("母婴护理员", 5, "project", Decimal("4000.00"), 90, "2022-01-01", None)]


def test_cohorts_past_draft_freeze_the_carried_standard_and_drafts_do_not(at_0010):
    course = _course("ZBXH-5", "足部修护师", 5, "1800", hours=120)
    running = _cohort("ZY-01", course, date(2024, 5, 1), "running")
    draft = _cohort("ZY-02", course, date(2024, 6, 1), "draft")
    employee = _cohort("ZY-03", course, date(2024, 6, 1), "open", training_type="employee")
    db.session.commit()

    upgrade()

    assert _frozen(running) == (True, Decimal("1800.00"), 120)
    assert _frozen(draft) == (False, None, None)
    assert _frozen(employee) == (False, None, None)


def test_going_down_gives_a_course_the_newest_project_standard_of_its_occupation(at_0010):
    _course("ZBXH-5", "足部修护师", 5, "1800")
    _course("CYS-5", "茶艺师", 5, "0")
    db.session.commit()
    upgrade()
    _standard("足部修护师", "4500", 100, date(2030, 1, 1))
    db.session.commit()

    downgrade(revision="0010")

    subsidies = dict(db.session.execute(text("SELECT code, subsidy_yuan FROM course")).tuples().all())
    assert {code: Decimal(value).quantize(Decimal("0.01")) for code, value in subsidies.items()} == {
        "ZBXH-5": Decimal("4500.00"),
        "CYS-5": Decimal("0.00"),
    }
