"""Bench catalog: courses and their subsidy standards, cohorts in every county with their trainers and
members, and their sessions. Every cohort past draft has frozen its course's standard, as opening it would.

CatalogRows is the part of BenchData that plans and writes them; it relies on the shared
state (training.benchdata.state): the random stream, ids(), counties, trainers and employers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app

from training.benchdata.state import BenchState
from training.catalog.schedule import Slot, plan_sessions
from training.models import ClassSession, Cohort, CohortStatus, Course, SubsidyStandard, Trainee, TrainingType
from training.orm import table_of

COHORT_SIZE = 60
REPEAT_SHARE = 0.3  # trainees enrolled in a second cohort
SLOTS = [Slot(time(8, 0), time(12, 0), "theory"), Slot(time(14, 0), time(18, 0), "practice")]
SESSION_DAYS = 8  # two slots a day: 16 sessions, 64 hours
STANDARD_MIN_HOURS = 60
# Share of cohort blocks (one cohort per county) in each status; the rest are finished.
STATUS_SHARES = [(CohortStatus.RUNNING, 0.08), (CohortStatus.OPEN, 0.06), (CohortStatus.CLOSED, 0.16)]

COURSES = [  # code, name, occupation, level, labour brand, subsidy standard (项目制, yuan per person)
    ("BN-ZBXH-5", "足部修护师（五级）", "足部修护师", 5, "紫阳修脚", 4500),
    ("BN-ZBXH-4", "足部修护师（四级）", "足部修护师", 4, "紫阳修脚", 5000),
    ("BN-MYHL-5", "母婴护理员（五级）", "母婴护理员", 5, "安康月嫂", 4000),
    ("BN-MYHL-4", "母婴护理员（四级）", "母婴护理员", 4, "安康月嫂", 4500),
    ("BN-YYY-5", "育婴员（五级）", "育婴员", 5, "安康月嫂", 3500),
    ("BN-YLHL-5", "养老护理员（五级）", "养老护理员", 5, "", 3500),
    ("BN-CYS-5", "茶艺师（五级）", "茶艺师", 5, "紫阳富硒茶", 3000),
    ("BN-PCY-5", "评茶员（五级）", "评茶员", 5, "紫阳富硒茶", 3000),
    ("BN-GJG-5", "钢筋工（五级）", "钢筋工", 5, "旬阳建工", 3500),
    ("BN-DG-5", "电工（五级）", "电工", 5, "", 3500),
    ("BN-ZSPT-5", "中式烹调师（五级）", "中式烹调师", 5, "", 3000),
    ("BN-HLWYX-5", "互联网营销师（五级）", "互联网营销师", 5, "", 2500),
]
SITES = [
    ("新社区工厂", "community_factory"),
    ("安置社区培训室", "resettlement_community"),
    ("集镇培训中心", "town_centre"),
    ("职业技能培训学校", "training_school"),
]
TOWNS = ["城关", "蒿坪", "双桥", "洞河", "涧池", "宋家", "平梁", "两河", "池河", "大河", "长安", "石梯"]


@dataclass
class CohortPlan:
    id: int
    index: int
    county: str
    course: int  # index into COURSES
    status: CohortStatus
    start: date
    trainers: list[int] = field(default_factory=list)
    employer_id: int | None = None
    sessions: list[tuple[int, datetime, datetime]] = field(default_factory=list)
    members: list[int] = field(default_factory=list)  # trainee indexes, newcomers first

    @property
    def end(self) -> date:
        return self.start + timedelta(days=SESSION_DAYS - 1)


class CatalogRows(BenchState):
    """Courses, then cohorts by blocks of one per county, their sessions and who joins them."""

    def plan_courses(self) -> None:
        """A dozen courses, one row each."""
        created = self.now - timedelta(days=1200)
        self.course_ids = list(self.ids(table_of(Course), len(COURSES)))
        self.course_rows = [
            dict(
                id=i,
                code=code,
                name=name,
                occupation=occupation,
                level=level,
                labour_brand=brand,
                total_hours=len(SLOTS) * SESSION_DAYS * 4,
                min_attendance_pct=80,
                pass_score=60,
                active=True,
                created_at=created,
            )
            for i, (code, name, occupation, level, brand, _yuan) in zip(self.course_ids, COURSES, strict=False)
        ]

    def plan_standards(self) -> None:
        """One 项目制 standard per course, in force since before the oldest cohort, with no end."""
        since = date(self.today.year - 5, 1, 1)  # the oldest cohorts start some 1,100 days ago
        self.standard_ids = list(self.ids(table_of(SubsidyStandard), len(COURSES)))
        self.standard_rows = [
            dict(
                id=i,
                occupation=occupation,
                level=level,
                training_type=str(TrainingType.PROJECT),
                yuan=Decimal(yuan),
                min_hours=STANDARD_MIN_HOURS,
                valid_from=since,
                valid_to=None,
                created_at=self.now,
                updated_at=self.now,
            )
            for i, (_code, _name, occupation, level, _brand, yuan) in zip(self.standard_ids, COURSES, strict=True)
        ]

    def plan_cohorts(self) -> None:
        """Cohorts in blocks of one per county, a status per block; newcomers, then returning trainees."""
        rng, n_counties = self.rng, len(self.codes)
        blocks = math.ceil(self.n_fill / n_counties)
        statuses: list[CohortStatus] = []
        for status, share in STATUS_SHARES:
            statuses += [status] * max(1 if blocks >= 4 else 0, round(blocks * share))
        statuses += [CohortStatus.FINISHED] * (blocks - len(statuses))
        rng.shuffle(statuses)
        n_draft = max(1, self.n_fill // 50)
        ids = self.ids(table_of(Cohort), self.n_fill + n_draft)
        self.cohorts = []
        for index, cohort_id in enumerate(ids):
            status = statuses[index // n_counties] if index < self.n_fill else CohortStatus.DRAFT
            self.cohorts.append(
                CohortPlan(
                    id=cohort_id,
                    index=index,
                    county=self.codes[index % n_counties],
                    course=rng.randrange(len(COURSES)),
                    status=status,
                    start=self.today + timedelta(days=self.start_offset(status)),
                )
            )
        turn = {code: 0 for code in self.codes}
        for cohort in self.cohorts:
            own = self.trainers[cohort.county]
            cohort.trainers.append(own[turn[cohort.county] % len(own)])
            turn[cohort.county] += 1
            if len(own) > 1 and rng.random() < 0.2:
                cohort.trainers.append(own[turn[cohort.county] % len(own)])
            if rng.random() < 0.15:
                cohort.employer_id = rng.choice(self.employer_ids)
        running = [c for c in self.cohorts if c.status == CohortStatus.RUNNING and c.county == self.codes[0]]
        first_trainer = self.trainers[self.codes[0]][0]
        if running and not any(first_trainer in c.trainers for c in running):
            running[0].trainers.append(first_trainer)  # bench_trainer_1 has a class today
        session_ids = iter(self.ids(table_of(ClassSession), len(self.cohorts) * len(SLOTS) * SESSION_DAYS))
        tz = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        for cohort in self.cohorts:
            planned = plan_sessions(cohort.start, cohort.end, range(7), SLOTS, tz)
            cohort.sessions = [(next(session_ids), p.starts_at, p.ends_at) for p in planned]
        self.assign_members()

    def start_offset(self, status: CohortStatus) -> int:
        """Days from today to a cohort's first day, by status."""
        low, high = {
            CohortStatus.RUNNING: (-(SESSION_DAYS - 2), 0),
            CohortStatus.OPEN: (2, 45),
            CohortStatus.DRAFT: (30, 90),
            CohortStatus.CLOSED: (-1100, -400),
            CohortStatus.FINISHED: (-800, -(SESSION_DAYS + 5)),
        }[status]
        return self.rng.randint(low, high)

    def assign_members(self) -> None:
        """Each trainee joins one cohort; spare seats go to earlier trainees of the county, another course."""
        rng, fill = self.rng, self.cohorts[: self.n_fill]
        base, extra = divmod(self.n, len(fill))
        self.trainee_county = []
        self.trainee_course = []
        pools: dict[str, list[int]] = {code: [] for code in self.codes}
        for cohort in fill:
            for _ in range(base + (cohort.index < extra)):
                trainee = len(self.trainee_county)
                county = cohort.county if rng.random() < 0.92 else rng.choice(self.codes)
                self.trainee_county.append(county)
                self.trainee_course.append(cohort.course)
                cohort.members.append(trainee)
                pools[cohort.county].append(trainee)
        for pool in pools.values():
            rng.shuffle(pool)
        cursor = {code: 0 for code in self.codes}
        for cohort in fill:
            pool, tries = pools[cohort.county], 0
            while len(cohort.members) < COHORT_SIZE and cursor[cohort.county] < len(pool) and tries < COHORT_SIZE:
                trainee = pool[cursor[cohort.county]]
                cursor[cohort.county] += 1
                if self.trainee_course[trainee] == cohort.course or trainee in cohort.members:
                    pool.append(trainee)  # try them in a later cohort
                    tries += 1
                else:
                    cohort.members.append(trainee)
        self.trainee_ids = list(self.ids(table_of(Trainee), self.n))

    def cohort_rows(self) -> Iterator[dict]:
        for c in self.cohorts:
            town = self.rng.choice(TOWNS)
            site, kind = SITES[c.index % len(SITES)]
            code = f"BN{c.start:%Y}-{c.county[-3:]}-{c.index + 1:05d}"
            standard = None if c.status == CohortStatus.DRAFT else self.standard_rows[c.course]
            yield dict(
                id=c.id,
                code=code,
                course_id=self.course_ids[c.course],
                county_code=c.county,
                site_name=f"{self.counties[c.county]}{town}镇{site}",
                site_kind=kind,
                start_date=c.start,
                end_date=c.end,
                capacity=COHORT_SIZE,
                status=str(c.status),
                employer_id=c.employer_id,
                committed_placements=20 if c.employer_id else None,
                training_type=str(TrainingType.PROJECT),
                standard_id=standard["id"] if standard else None,
                standard_yuan=standard["yuan"] if standard else None,
                standard_min_hours=standard["min_hours"] if standard else None,
                created_at=self.opened(c),
            )

    def session_rows(self) -> Iterator[dict]:
        hours = Decimal("4.0")
        for c in self.cohorts:
            for n, (session_id, starts, ends) in enumerate(c.sessions):
                kind = SLOTS[n % len(SLOTS)].kind
                yield dict(
                    id=session_id,
                    cohort_id=c.id,
                    starts_at=starts,
                    ends_at=ends,
                    hours=hours,
                    topic=f"{'理论授课' if kind == 'theory' else '实操训练'} {n // 2 + 1}",
                    kind=kind,
                    location="",
                )
