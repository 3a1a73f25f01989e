"""A small city whose report figures are worked out by hand below: the `small_city` fixture (a
pytest plugin loaded by tests/conftest.py) and the constants the report tests import.

Period 2024-01-01 – 2024-06-30 (by the classes' end date), default settings (a job counts
when it starts within 6 months of the end, with a contract of 12 months or more, or is
self-employment; retention is the 6-month follow-up). All follow-ups are long due.

紫阳县 610924, course 足部修护 (X): class ZY-1, ended 2024-02-10, directed to 远元 (3 committed)
  a1 completed, 脱贫人口, valid certificate; directed at 远元 from 2024-02-20, 12 months, 6000, out of province;
     6-month follow-up: still employed                                   → placed, retained
  a2 completed, 易地搬迁, certificate REVOKED; at 远元 from 2024-03-01, 24 months, 5000, in province;
     6-month follow-up: not employed                                     → placed, not retained
  a3 completed, 脱贫人口 + 易地搬迁, valid; self-employed from 2024-05-01, no contract, 3000, same county;
     follow-up never done                                                → placed, due, not retained
  a4 completed, valid; self-found from 2024-03-01 with a 6-month contract, 4000 → not placed (contract too short)
  a5 failed, a6 withdrawn; a7 applied and a8 waitlisted are not admissions
紫阳县, course 母婴 (Y): class ZY-2, ended 2024-04-10
  b1 completed, valid; community factory from 2024-11-01 (more than 6 months later), 3500 → not placed
  b2 completed, no certificate; public-welfare post from 2024-05-01, 12 months, 2000, same county; still employed
  b3 still "enrolled" (results not finalised)
汉滨区 610902, course X: class HB-1, ended 2024-03-10
  c1 completed, valid; self-found from 2024-04-01, 12 months, 7000, out of province; still employed
  c2 failed
紫阳县, course X: class ZY-0 ended 2023-12-20, outside the period: d1 completed and placed.

City: trained 11, completed 7, certified 5 (a1 a3 a4 b1 c1), placed 5 (a1 a2 a3 b2 c1),
retention due 5, retained 3 (a1 b2 c1); wages 6000 5000 3000 2000 7000: average 4600, median 5000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from training.extensions import db
from training.models import CohortStatus, EnrollmentStatus

PERIOD = {"date_from": "2024-01-01", "date_to": "2024-06-30"}
ZIYANG, HANBIN = "610924", "610902"


@dataclass
class SmallCity:
    course_x: object
    course_y: object
    zy1: object
    zy2: object
    hb1: object
    employer: object
    people: dict


@pytest.fixture
def small_city(make) -> SmallCity:
    x = make.course(name="足部修护师（五级）", code="RX")
    y = make.course(name="母婴护理员（五级）", code="RY")
    yuanyuan = make.employer(name="上海远元足部修护连锁有限公司")
    zy1 = make.cohort(
        course=x,
        county_code=ZIYANG,
        code="ZY-1",
        start_date=date(2024, 2, 1),
        end_date=date(2024, 2, 10),
        status=CohortStatus.FINISHED,
        employer_id=yuanyuan.id,
        committed_placements=3,
    )
    zy2 = make.cohort(
        course=y,
        county_code=ZIYANG,
        code="ZY-2",
        start_date=date(2024, 4, 1),
        end_date=date(2024, 4, 10),
        status=CohortStatus.FINISHED,
    )
    hb1 = make.cohort(
        course=x,
        county_code=HANBIN,
        code="HB-1",
        start_date=date(2024, 3, 1),
        end_date=date(2024, 3, 10),
        status=CohortStatus.FINISHED,
    )
    zy0 = make.cohort(
        course=x,
        county_code=ZIYANG,
        code="ZY-0",
        start_date=date(2023, 12, 10),
        end_date=date(2023, 12, 20),
        status=CohortStatus.CLOSED,
    )
    people = {}

    def admit(key, cohort, status=EnrollmentStatus.COMPLETED, categories=(), certificate=None, **trainee):
        person = make.trainee(county_code=cohort.county_code, name=trainee.pop("name", f"学员{key}"), **trainee)
        for category in categories:
            from training.models import TraineeCategory

            db.session.add(TraineeCategory(trainee=person, category=category))
        enrollment = make.enrollment(trainee=person, cohort=cohort, status=status)
        if certificate:
            make.certificate(enrollment, status=certificate)
        people[key] = enrollment
        return enrollment

    def job(enrollment, start, wage, months=12, kind="self_found", scope="same_county", employer=None, answer=None):
        placement = make.placement(
            enrollment=enrollment,
            start_date=start,
            monthly_wage=Decimal(wage),
            contract_months=months,
            kind=kind,
            scope=scope,
            employer=employer if kind != "self_employed" else None,
        )
        if answer is not None:
            make.follow_up_answer(placement, 6, still_employed=answer)
        return placement

    job(
        admit("a1", zy1, categories=["poverty_alleviated"], certificate="valid"),
        date(2024, 2, 20),
        6000,
        kind="directed",
        scope="out_of_province",
        employer=yuanyuan,
        answer=True,
    )
    job(
        admit("a2", zy1, categories=["relocated"], certificate="revoked"),
        date(2024, 3, 1),
        5000,
        months=24,
        kind="directed",
        scope="in_province",
        employer=yuanyuan,
        answer=False,
    )
    job(
        admit("a3", zy1, categories=["poverty_alleviated", "relocated"], certificate="valid"),
        date(2024, 5, 1),
        3000,
        months=None,
        kind="self_employed",
        scope="same_county",
    )
    job(admit("a4", zy1, certificate="valid"), date(2024, 3, 1), 4000, months=6)
    admit("a5", zy1, EnrollmentStatus.FAILED)
    admit("a6", zy1, EnrollmentStatus.WITHDRAWN)
    admit("a7", zy1, EnrollmentStatus.APPLIED)
    admit("a8", zy1, EnrollmentStatus.WAITLISTED)
    job(admit("b1", zy2, certificate="valid"), date(2024, 11, 1), 3500, kind="community_factory")
    job(admit("b2", zy2), date(2024, 5, 1), 2000, kind="public_welfare", answer=True)
    admit("b3", zy2, EnrollmentStatus.ENROLLED)
    job(admit("c1", hb1, certificate="valid"), date(2024, 4, 1), 7000, scope="out_of_province", answer=True)
    admit("c2", hb1, EnrollmentStatus.FAILED)
    job(admit("d1", zy0, certificate="valid"), date(2024, 1, 5), 8000, answer=True)
    db.session.commit()
    return SmallCity(x, y, zy1, zy2, hb1, yuanyuan, people)
