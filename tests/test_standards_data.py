"""The demo and the bench data hold a catalogue of standards, and their cohorts past draft the standard
they froze; the demo stays idempotent."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from training import benchdata, demo
from training.extensions import db
from training.models import AuditEvent, Cohort, CohortStatus, Course, SubsidyStandard


def _demo_cohorts() -> dict[str, tuple]:
    rows = db.session.execute(
        select(Cohort.code, Cohort.status, Cohort.standard_id, Cohort.standard_yuan).where(
            Cohort.code.in_([row[0] for row in demo.COHORTS])
        )
    )
    return {code: (status, standard_id is not None, yuan) for code, status, standard_id, yuan in rows}


def test_the_demo_cohorts_past_draft_hold_their_frozen_standard(app):
    demo.seed()
    db.session.commit()

    assert _demo_cohorts() == {
        "ZY-2026-01": ("finished", True, Decimal("4500.00")),  # 足部修护师 五级: Shaanxi's 4,500 yuan
        "BH-2026-02": ("running", True, Decimal("4000.00")),
        "HY-2026-03": ("open", True, Decimal("3000.00")),
        "XY-2026-04": ("draft", False, None),
    }


def test_seeding_the_demo_twice_adds_no_standard_and_freezes_nothing_again(app):
    demo.seed()
    db.session.commit()
    standards = db.session.scalar(select(func.count()).select_from(SubsidyStandard))
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))

    demo.seed()
    db.session.commit()

    assert db.session.scalar(select(func.count()).select_from(SubsidyStandard)) == standards == len(demo.STANDARDS)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_every_bench_cohort_past_draft_froze_its_courses_standard(app):
    benchdata.seed(60)

    rows = db.session.execute(
        select(Cohort.status, Cohort.standard_yuan, SubsidyStandard.yuan, SubsidyStandard.occupation, Course.occupation)
        .join(Course, Course.id == Cohort.course_id)
        .outerjoin(SubsidyStandard, SubsidyStandard.id == Cohort.standard_id)
    ).all()

    assert db.session.scalar(select(func.count()).select_from(SubsidyStandard)) == db.session.scalar(
        select(func.count()).select_from(Course)
    )
    assert any(row[0] == CohortStatus.DRAFT for row in rows)
    for status, frozen_yuan, standard_yuan, standard_occupation, course_occupation in rows:
        if status == CohortStatus.DRAFT:
            assert frozen_yuan is None
        else:
            assert frozen_yuan == standard_yuan and standard_occupation == course_occupation
