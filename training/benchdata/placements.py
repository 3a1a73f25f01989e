"""Bench placements: partner employers, jobs found after completion and their 3/6/12-month follow-ups.

PlacementRows is the part of BenchData that plans and writes them; it relies on the shared
state (training.benchdata.state): the random stream, ids(), counties, coordinators and
enrollment plans.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator
from datetime import date, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from stdnum.cn import uscc

from training.benchdata.catalog import COURSES
from training.benchdata.people import SURNAMES
from training.benchdata.state import BenchState, _local
from training.extensions import db
from training.models import Employer, EnrollmentStatus, FollowUp, Placement
from training.orm import table_of

PLACEMENT_SHARE = 0.6
EMPLOYERS = [  # name, region code, province, city, industry
    ("上海远元足部修护连锁有限公司", "310112", "上海市", "上海市", "居民服务业"),
    ("安康金牌月嫂家政服务有限公司", "610902", "陕西省", "安康市", "居民服务业"),
    ("紫阳县富硒茶业有限公司", "610924", "陕西省", "安康市", "农副食品加工业"),
    ("旬阳市建工劳务有限公司", "610981", "陕西省", "安康市", "建筑业"),
    ("西安华佳养老服务有限公司", "610113", "陕西省", "西安市", "社会工作"),
    ("深圳市足康连锁管理有限公司", "440300", "广东省", "深圳市", "居民服务业"),
    ("汉阴县新社区毛绒玩具厂", "610921", "陕西省", "安康市", "制造业"),
    ("白河县电子元件新社区工厂", "610929", "陕西省", "安康市", "制造业"),
    ("杭州禾润母婴护理服务有限公司", "330106", "浙江省", "杭州市", "居民服务业"),
    ("安康汉江酒店管理有限公司", "610902", "陕西省", "安康市", "住宿和餐饮业"),
    ("平利县电商产业园运营有限公司", "610926", "陕西省", "安康市", "批发和零售业"),
    ("北京优护家政服务有限公司", "110105", "北京市", "北京市", "居民服务业"),
]


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class PlacementRows(BenchState):
    """Employers, then placements for about 60 % of completions, and their follow-ups."""

    def plan_employers(self) -> None:
        """The partner employers, and one branch more per 20,000 trainees."""
        created = self.now - timedelta(days=1200)
        taken = set(db.session.scalars(select(Employer.uscc)))
        n_employers = len(EMPLOYERS) + self.n // 20_000
        self.employer_rows = []
        for k, i in enumerate(self.ids(table_of(Employer), n_employers)):
            name, region, province, city, industry = EMPLOYERS[k % len(EMPLOYERS)]
            if k >= len(EMPLOYERS):
                name = f"{name}（第{k // len(EMPLOYERS) + 1}分公司）"
            while (code := self.uscc(region)) in taken:
                pass
            taken.add(code)
            self.employer_rows.append(
                dict(
                    id=i,
                    name=name,
                    uscc=code,
                    province=province,
                    city=city,
                    county="",
                    industry=industry,
                    contact_name=self.rng.choice(SURNAMES) + "经理",
                    contact_phone=self.phone(),
                    created_at=created,
                )
            )
        self.employer_ids = [row["id"] for row in self.employer_rows]

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def uscc(self, region: str) -> str:
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        base = "91" + region + "".join(self.rng.choice(alphabet) for _ in range(9))
        return base + uscc.calc_check_digit(base)

    def placement_rows(self) -> Iterator[dict]:
        """About 60 % of completions find a job (one per trainee); follow-ups are planned alongside."""
        rng, placed = random.Random(self.seed * 7919 + 4), set()
        kinds = (
            ["self_found"] * 35
            + ["community_factory"] * 25
            + ["self_employed"] * 15
            + ["public_welfare"] * 10
            + ["directed"] * 15
        )
        scopes = ["same_county"] * 40 + ["in_city"] * 15 + ["in_province"] * 20 + ["out_of_province"] * 25
        self.placed = []
        for e in self.enrollments:
            if e.status != EnrollmentStatus.COMPLETED or e.trainee in placed or rng.random() >= PLACEMENT_SHARE:
                continue
            start = e.cohort.end + timedelta(days=rng.randint(3, 60))
            if start > self.today:
                continue
            placed.add(e.trainee)
            kind = "directed" if e.cohort.employer_id and rng.random() < 0.8 else rng.choice(kinds)
            employer = (
                e.cohort.employer_id
                if kind == "directed" and e.cohort.employer_id
                else (
                    rng.choice(self.employer_ids) if kind in ("directed", "self_found", "community_factory") else None
                )
            )
            scope = "same_county" if kind in ("community_factory", "public_welfare") else rng.choice(scopes)
            wage = Decimal(rng.randrange(2200, 7500, 100))
            end = start + timedelta(days=rng.randint(30, 330)) if rng.random() < 0.12 else None
            end = end if end and end <= self.today else None
            placement_id = self.ids(table_of(Placement), 1)[0]
            self.placed.append((placement_id, start, end, wage, self.coordinator[e.cohort.county]))
            occupation = COURSES[e.cohort.course][2]
            place = self.counties[e.cohort.county] if scope == "same_county" else ""
            yield dict(
                id=placement_id,
                trainee_id=self.trainee_ids[e.trainee],
                enrollment_id=e.id,
                employer_id=employer,
                position=occupation,
                kind=kind,
                scope=scope,
                place=place,
                start_date=start,
                monthly_wage=wage,
                contract_months=rng.choice((None, 12, 12, 24, 36)),
                end_date=end,
                end_reason="合同到期或个人原因离职" if end else None,
                recorded_by_id=self.coordinator[e.cohort.county],
                created_at=_local(start, time(10), self.zone),
            )

    def follow_up_rows(self) -> Iterator[dict]:
        rng = random.Random(self.seed * 7919 + 5)
        ids = iter(self.ids(table_of(FollowUp), 3 * len(self.placed)))
        for placement_id, start, end, wage, checker in self.placed:
            for months in (3, 6, 12):
                due = _add_months(start, months)
                row: dict[str, object] = dict(
                    id=next(ids),
                    placement_id=placement_id,
                    due_months=months,
                    due_date=due,
                    done_at=None,
                    still_employed=None,
                    same_employer=None,
                    monthly_wage=None,
                    note=None,
                    checked_by_id=None,
                )
                if due <= self.today and rng.random() < 0.85:
                    employed = (end is None or end > due) and rng.random() < 0.93
                    checked_on = min(due + timedelta(days=rng.randint(0, 14)), self.today)
                    row.update(
                        done_at=_local(checked_on, time(15), self.zone),
                        still_employed=employed,
                        same_employer=employed and rng.random() < 0.85,
                        monthly_wage=wage + Decimal(rng.randrange(0, 600, 100)) if employed else None,
                        checked_by_id=checker,
                    )
                yield row
