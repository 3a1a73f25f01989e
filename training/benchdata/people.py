"""Bench people: staff accounts, trainees with their household categories, trainee accounts.

PeopleRows is the part of BenchData that plans and writes them; it relies on the shared
state (training.benchdata.state): the random stream, ids(), counties and plans of cohorts and
enrollments.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from training.auth.services import hash_password
from training.benchdata.catalog import COHORT_SIZE, TOWNS
from training.benchdata.state import BenchState
from training.identity import make_id_number
from training.models import CohortStatus, EnrollmentStatus, HouseholdCategory, Role, User
from training.orm import table_of

BENCH_PASSWORD = "bench-password-2026"
CATEGORY_SHARE = 0.4
TRAINEE_ACCOUNTS = 10
VILLAGES = ["金川", "新村", "和平", "东风", "双河", "莲花", "红岩", "青龙", "桂花", "枫树"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "秀英桂兰玉梅德林伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华红建文辉力永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发"
EDUCATION = ["小学", "初中", "初中", "初中", "高中", "中专", "大专"]


class PeopleRows(BenchState):
    """Accounts of staff and of a few trainees, the trainees themselves and their categories."""

    def plan_accounts(self) -> None:
        """Bench admin, city and county coordinators and trainers: the staff of every county."""
        self.password_hash = hash_password(self.password)  # once: argon2 per account would take minutes
        n_trainers = len(self.codes) + math.ceil(self.n_fill / 20)
        staff: list[tuple[str, Role, str | None, str]] = [
            ("bench_admin", Role.ADMIN, None, "基准测试管理员"),
            ("bench_city", Role.COORDINATOR, None, "市就业服务中心"),
        ]
        staff += [
            (f"bench_coord_{code}", Role.COORDINATOR, code, f"{name}协调员") for code, name in self.counties.items()
        ]
        staff += [
            (
                f"bench_trainer_{k + 1}",
                Role.TRAINER,
                self.codes[k % len(self.codes)],
                f"{self.counties[self.codes[k % len(self.codes)]]}培训老师{k + 1}",
            )
            for k in range(n_trainers)
        ]
        ids = self.ids(table_of(User), len(staff))
        self.staff_rows = [self.account(i, *person) for i, person in zip(ids, staff, strict=False)]
        self.coordinator = {
            row["county_code"]: row["id"]
            for row in self.staff_rows
            if row["role"] == Role.COORDINATOR and row["county_code"]
        }
        self.trainers = {code: [] for code in self.codes}
        for row in self.staff_rows:
            if row["role"] == Role.TRAINER:
                self.trainers[row["county_code"]].append(row["id"])

    def account(
        self, user_id: int, username: str, role: str, county: str | None, name: str, trainee_id: int | None = None
    ) -> dict:
        created = self.now - timedelta(days=1300)
        return dict(
            id=user_id,
            username=username,
            display_name=name,
            password_hash=self.password_hash,
            role=str(role),
            county_code=county,
            trainee_id=trainee_id,
            active=True,
            locale=None,
            created_at=created,
            password_changed_at=created,
            last_login_at=None,
        )

    def trainee_rows(self) -> Iterator[dict]:
        """People, from their own random stream so the plan above does not depend on them."""
        rng, taken = random.Random(self.seed * 7919 + 1), set()
        first_day, span = date(1966, 1, 1), (date(2006, 12, 31) - date(1966, 1, 1)).days
        created: dict[int, datetime] = {}
        for cohort in self.cohorts:
            for trainee in cohort.members:
                created.setdefault(trainee, self.opened(cohort) + timedelta(minutes=17 * (trainee % 2000)))
        for index, trainee_id in enumerate(self.trainee_ids):
            county, male = self.trainee_county[index], rng.random() < 0.35
            while True:
                birth = first_day + timedelta(days=rng.randrange(span))
                id_number = make_id_number(county, birth, rng.randrange(0, 1000, 2) + male)
                if id_number not in taken:
                    taken.add(id_number)
                    break
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            yield dict(
                id=trainee_id,
                id_number=id_number,
                name=name,
                gender="M" if male else "F",
                birth_date=birth,
                phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                county_code=county,
                town=rng.choice(TOWNS) + "镇",
                village=rng.choice(VILLAGES) + "村",
                education=rng.choice(EDUCATION),
                created_at=created[index],
                updated_at=created[index],
            )

    def category_rows(self) -> Iterator[dict]:
        rng = random.Random(self.seed * 7919 + 2)
        common = (
            [HouseholdCategory.POVERTY_ALLEVIATED] * 4 + [HouseholdCategory.RELOCATED] * 3 + list(HouseholdCategory)
        )
        for trainee_id in self.trainee_ids:
            if rng.random() < CATEGORY_SHARE:
                chosen = {rng.choice(common) for _ in range(rng.choice((1, 1, 1, 2)))}
                for category in sorted(chosen):
                    yield dict(trainee_id=trainee_id, category=str(category))

    def trainee_account_rows(self) -> Iterator[dict]:
        """bench_trainee_1… : enrolled in running cohorts first, then completed ones."""
        running = [
            e
            for e in self.enrollments
            if e.cohort.status == CohortStatus.RUNNING and e.status == EnrollmentStatus.ENROLLED
        ]
        completed = [e for e in self.enrollments if e.status == EnrollmentStatus.COMPLETED]
        chosen: list[int] = []
        for plan in running[::COHORT_SIZE][: TRAINEE_ACCOUNTS // 2] + completed[::COHORT_SIZE] + completed:
            if plan.trainee not in chosen and len(chosen) < TRAINEE_ACCOUNTS:
                chosen.append(plan.trainee)
        ids = self.ids(table_of(User), len(chosen))
        for k, (user_id, trainee) in enumerate(zip(ids, chosen, strict=False)):
            yield self.account(
                user_id, f"bench_trainee_{k + 1}", Role.TRAINEE, None, f"学员{k + 1}", self.trainee_ids[trainee]
            )
