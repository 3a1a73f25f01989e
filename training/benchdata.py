"""Synthetic data at scale for the benchmarks: `flask --app app seed-bench --trainees N`.

Never run this against a production database. It refuses when any trainee or any
`bench_` account exists, and every bench account (bench_admin, bench_city,
bench_coord_<county>, bench_trainer_<n>, bench_trainee_<n>) shares one password,
BENCH_PASSWORD unless told otherwise: acceptable only because the data are synthetic.

For N trainees: a dozen courses; cohorts of at most 60 in every county (about 1.3
enrollments per trainee, so about 1.3 N / 60 cohorts), mostly finished or closed, some
running around today, some open, a few drafts; 16 four-hour sessions per cohort;
attendance for every session that has ended; scores and completed / failed for finished
cohorts; placements with 3/6/12-month follow-ups for about 60 % of completions.
The same seed on the same day gives the same rows; dates are relative to today.

Speed: rows go in as Core executemany inserts in chunks, committed per chunk, with primary
keys assigned here so nothing needs RETURNING and the ORM unit of work stays out of it.
"""
from __future__ import annotations

import calendar
import math
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from itertools import islice
from time import perf_counter
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Table, func, insert, select, text
from stdnum.cn import uscc

from training.auth.services import hash_password
from training.catalog.schedule import Slot, plan_sessions
from training.completion import meets_completion
from training.exceptions import DomainError
from training.extensions import db
from training.identity import make_id_number
from training.models import (
    Attendance, ClassSession, Cohort, CohortStatus, County, Course, Employer, Enrollment,
    EnrollmentStatus, FollowUp, HouseholdCategory, Placement, Role, Trainee, TraineeCategory, User,
    cohort_trainer, utcnow,
)

BENCH_PASSWORD = "bench-password-2026"
COHORT_SIZE = 60
REPEAT_SHARE = 0.3  # trainees enrolled in a second cohort
CATEGORY_SHARE = 0.4
PLACEMENT_SHARE = 0.6
TRAINEE_ACCOUNTS = 10
CHUNK = 10_000
SLOTS = [Slot(time(8, 0), time(12, 0), "theory"), Slot(time(14, 0), time(18, 0), "practice")]
SESSION_DAYS = 8  # two slots a day: 16 sessions, 64 hours
# Share of cohort blocks (one cohort per county) in each status; the rest are finished.
STATUS_SHARES = [(CohortStatus.RUNNING, 0.08), (CohortStatus.OPEN, 0.06), (CohortStatus.CLOSED, 0.16)]

COURSES = [  # code, name, occupation, level, labour brand, subsidy
    ("BN-ZBXH-5", "足部修护师（五级）", "足部修护师", 5, "紫阳修脚", 1800),
    ("BN-ZBXH-4", "足部修护师（四级）", "足部修护师", 4, "紫阳修脚", 2200),
    ("BN-MYHL-5", "母婴护理员（五级）", "母婴护理员", 5, "安康月嫂", 1500),
    ("BN-MYHL-4", "母婴护理员（四级）", "母婴护理员", 4, "安康月嫂", 2000),
    ("BN-YYY-5", "育婴员（五级）", "育婴员", 5, "安康月嫂", 1500),
    ("BN-YLHL-5", "养老护理员（五级）", "养老护理员", 5, "", 1500),
    ("BN-CYS-5", "茶艺师（五级）", "茶艺师", 5, "紫阳富硒茶", 1200),
    ("BN-PCY-5", "评茶员（五级）", "评茶员", 5, "紫阳富硒茶", 1200),
    ("BN-GJG-5", "钢筋工（五级）", "钢筋工", 5, "旬阳建工", 1500),
    ("BN-DG-5", "电工（五级）", "电工", 5, "", 1600),
    ("BN-ZSPT-5", "中式烹调师（五级）", "中式烹调师", 5, "", 1500),
    ("BN-HLWYX-5", "互联网营销师（五级）", "互联网营销师", 5, "", 1200),
]
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
SITES = [("新社区工厂", "community_factory"), ("安置社区培训室", "resettlement_community"),
         ("集镇培训中心", "town_centre"), ("职业技能培训学校", "training_school")]
TOWNS = "城关 蒿坪 双桥 洞河 涧池 宋家 平梁 两河 池河 大河 长安 石梯".split()
VILLAGES = "金川 新村 和平 东风 双河 莲花 红岩 青龙 桂花 枫树".split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "秀英桂兰玉梅德林伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华红建文辉力永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发"
EDUCATION = ["小学", "初中", "初中", "初中", "高中", "中专", "大专"]
MARKS = {"P": "present", "Q": "present", "L": "late", "A": "absent", "E": "excused"}
UTC = timezone.utc


class SeedRefused(DomainError):
    """seed-bench only runs on a database without trainees and without bench accounts."""


@dataclass
class CohortPlan:
    id: int
    index: int
    county: str
    course: int  # index into COURSES
    status: str
    start: date
    trainers: list[int] = field(default_factory=list)
    employer_id: int | None = None
    sessions: list[tuple[int, datetime, datetime]] = field(default_factory=list)
    members: list[int] = field(default_factory=list)  # trainee indexes, newcomers first

    @property
    def end(self) -> date:
        return self.start + timedelta(days=SESSION_DAYS - 1)


@dataclass
class EnrollmentPlan:
    id: int
    trainee: int
    cohort: CohortPlan
    status: str
    marks: str  # one MARKS letter per session marked, in session order
    theory: Decimal | None = None
    practical: Decimal | None = None


def seed(trainees: int, seed: int = 2026, password: str = BENCH_PASSWORD,
         progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Load the bench data set for `trainees` trainees; return rows inserted per table."""
    _refuse_unless_empty()
    return BenchData(trainees, seed, password, progress or (lambda text: None)).load()


def _refuse_unless_empty() -> None:
    if not db.session.scalar(select(func.count()).select_from(County)):
        raise SeedRefused("No counties: run `flask --app app db upgrade` first.")
    if db.session.scalar(select(Trainee.id).limit(1)) is not None:
        raise SeedRefused("This database already has trainees; seed-bench only loads into an empty "
                          "database and must never run on a production one.")
    if db.session.scalar(select(User.id).where(User.username.like("bench\\_%", escape="\\")).limit(1)):
        raise SeedRefused("Bench accounts already exist in this database.")


def _local(day: date, at: time, zone) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class BenchData:
    """Plans the whole data set in memory (compactly), then streams rows table by table."""

    def __init__(self, trainees: int, seed: int, password: str, progress: Callable[[str], None]):
        self.n, self.seed, self.password, self.progress = trainees, seed, password, progress
        self.rng = random.Random(seed)
        self.zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        self.now = utcnow()
        self.today = self.now.astimezone(self.zone).date()
        self.counties = dict(db.session.execute(select(County.code, County.name).order_by(County.code)).all())
        self.codes = list(self.counties)
        # Cohorts that take trainees: enough seats for everyone once, and REPEAT_SHARE of them twice.
        self.n_fill = max(1, math.ceil(trainees * (1 + REPEAT_SHARE) / COHORT_SIZE))
        self.next_id = {t: (db.session.scalar(select(func.max(t.c.id))) or 0) + 1 for t in _ID_TABLES}
        self.counts: dict[str, int] = {}
        self.started = perf_counter()

    def ids(self, table: Table, n: int) -> range:
        start = self.next_id[table]
        self.next_id[table] = start + n
        return range(start, start + n)

    # ---- loading ------------------------------------------------------------------------

    def load(self) -> dict[str, int]:
        self.progress(f"planning {self.n:,} trainees")
        self.plan_staff()
        self.plan_cohorts()
        self.plan_enrollments()
        self.write(User.__table__, self.staff_rows)
        self.write(Course.__table__, self.course_rows)
        self.write(Employer.__table__, self.employer_rows)
        self.write(Cohort.__table__, self.cohort_rows())
        self.write(cohort_trainer, ({"cohort_id": c.id, "user_id": u} for c in self.cohorts for u in c.trainers))
        self.write(ClassSession.__table__, self.session_rows())
        self.write(Trainee.__table__, self.trainee_rows())
        self.write(TraineeCategory.__table__, self.category_rows())
        self.write(User.__table__, self.trainee_account_rows())
        self.write(Enrollment.__table__, self.enrollment_rows())
        self.write(Attendance.__table__, self.attendance_rows())
        self.write(Placement.__table__, self.placement_rows())
        self.write(FollowUp.__table__, self.follow_up_rows())
        self.finish_postgresql()
        return self.counts

    def write(self, table: Table, rows: Iterable[dict]) -> None:
        """Insert in chunks, one transaction per chunk."""
        rows = iter(rows)
        while chunk := list(islice(rows, CHUNK)):
            db.session.execute(insert(table), chunk)
            db.session.commit()
            self.counts[table.name] = self.counts.get(table.name, 0) + len(chunk)
            self.progress(f"{table.name}: {self.counts[table.name]:,} rows ({perf_counter() - self.started:.1f} s)")

    def finish_postgresql(self) -> None:
        """Move the id sequences past the ids written here, and give the planner fresh statistics."""
        if db.engine.dialect.name != "postgresql":
            return
        for table in _ID_TABLES:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"))
        db.session.execute(text("ANALYZE"))  # what autovacuum would do a little later
        db.session.commit()
        self.progress(f"sequences and statistics updated ({perf_counter() - self.started:.1f} s)")

    # ---- planning -----------------------------------------------------------------------

    def plan_staff(self) -> None:
        """Accounts, courses and employers: small tables, planned as rows."""
        self.password_hash = hash_password(self.password)  # once: argon2 per account would take minutes
        n_trainers = len(self.codes) + math.ceil(self.n_fill / 20)
        staff = [("bench_admin", Role.ADMIN, None, "基准测试管理员"), ("bench_city", Role.COORDINATOR, None, "市就业服务中心")]
        staff += [(f"bench_coord_{code}", Role.COORDINATOR, code, f"{name}协调员") for code, name in self.counties.items()]
        staff += [(f"bench_trainer_{k + 1}", Role.TRAINER, self.codes[k % len(self.codes)],
                   f"{self.counties[self.codes[k % len(self.codes)]]}培训老师{k + 1}") for k in range(n_trainers)]
        ids = self.ids(User.__table__, len(staff))
        self.staff_rows = [self.account(i, *person) for i, person in zip(ids, staff)]
        self.coordinator = {row["county_code"]: row["id"] for row in self.staff_rows
                            if row["role"] == Role.COORDINATOR and row["county_code"]}
        self.trainers: dict[str, list[int]] = {code: [] for code in self.codes}
        for row in self.staff_rows:
            if row["role"] == Role.TRAINER:
                self.trainers[row["county_code"]].append(row["id"])
        created = self.now - timedelta(days=1200)
        self.course_ids = list(self.ids(Course.__table__, len(COURSES)))
        self.course_rows = [
            dict(id=i, code=code, name=name, occupation=occupation, level=level, labour_brand=brand,
                 total_hours=len(SLOTS) * SESSION_DAYS * 4, min_attendance_pct=80, pass_score=60,
                 subsidy_yuan=Decimal(subsidy), active=True, created_at=created)
            for i, (code, name, occupation, level, brand, subsidy) in zip(self.course_ids, COURSES)
        ]
        taken = set(db.session.scalars(select(Employer.uscc)))
        n_employers = len(EMPLOYERS) + self.n // 20_000
        self.employer_rows = []
        for k, i in enumerate(self.ids(Employer.__table__, n_employers)):
            name, region, province, city, industry = EMPLOYERS[k % len(EMPLOYERS)]
            if k >= len(EMPLOYERS):
                name = f"{name}（第{k // len(EMPLOYERS) + 1}分公司）"
            while (code := self.uscc(region)) in taken:
                pass
            taken.add(code)
            self.employer_rows.append(dict(
                id=i, name=name, uscc=code, province=province, city=city, county="", industry=industry,
                contact_name=self.rng.choice(SURNAMES) + "经理", contact_phone=self.phone(), created_at=created))
        self.employer_ids = [row["id"] for row in self.employer_rows]

    def account(self, user_id: int, username: str, role: str, county: str | None, name: str,
                trainee_id: int | None = None) -> dict:
        created = self.now - timedelta(days=1300)
        return dict(id=user_id, username=username, display_name=name, password_hash=self.password_hash,
                    role=str(role), county_code=county, trainee_id=trainee_id, active=True, locale=None,
                    created_at=created, password_changed_at=created, last_login_at=None)

    def uscc(self, region: str) -> str:
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        base = "91" + region + "".join(self.rng.choice(alphabet) for _ in range(9))
        return base + uscc.calc_check_digit(base)

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def plan_cohorts(self) -> None:
        """Cohorts in blocks of one per county, a status per block; newcomers, then returning trainees."""
        rng, n_counties = self.rng, len(self.codes)
        blocks = math.ceil(self.n_fill / n_counties)
        statuses = []
        for status, share in STATUS_SHARES:
            statuses += [status] * max(1 if blocks >= 4 else 0, round(blocks * share))
        statuses += [CohortStatus.FINISHED] * (blocks - len(statuses))
        rng.shuffle(statuses)
        n_draft = max(1, self.n_fill // 50)
        ids = self.ids(Cohort.__table__, self.n_fill + n_draft)
        self.cohorts = []
        for index, cohort_id in enumerate(ids):
            status = statuses[index // n_counties] if index < self.n_fill else CohortStatus.DRAFT
            self.cohorts.append(CohortPlan(id=cohort_id, index=index, county=self.codes[index % n_counties],
                                           course=rng.randrange(len(COURSES)), status=status,
                                           start=self.today + timedelta(days=self.start_offset(status))))
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
        session_ids = iter(self.ids(ClassSession.__table__, len(self.cohorts) * len(SLOTS) * SESSION_DAYS))
        tz = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        for cohort in self.cohorts:
            planned = plan_sessions(cohort.start, cohort.end, range(7), SLOTS, tz)
            cohort.sessions = [(next(session_ids), p.starts_at, p.ends_at) for p in planned]
        self.assign_members()

    def start_offset(self, status: str) -> int:
        """Days from today to a cohort's first day, by status."""
        low, high = {CohortStatus.RUNNING: (-(SESSION_DAYS - 2), 0), CohortStatus.OPEN: (2, 45),
                     CohortStatus.DRAFT: (30, 90), CohortStatus.CLOSED: (-1100, -400),
                     CohortStatus.FINISHED: (-800, -(SESSION_DAYS + 5))}[status]
        return self.rng.randint(low, high)

    def assign_members(self) -> None:
        """Each trainee joins one cohort; spare seats go to earlier trainees of the county, another course."""
        rng, fill = self.rng, self.cohorts[: self.n_fill]
        base, extra = divmod(self.n, len(fill))
        self.trainee_county: list[str] = []
        self.trainee_course: list[int] = []
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
        self.trainee_ids = list(self.ids(Trainee.__table__, self.n))

    def plan_enrollments(self) -> None:
        """Status, attendance marks and scores of every enrollment."""
        rng, now = self.rng, self.now
        total = sum(len(c.members) for c in self.cohorts)
        ids = iter(self.ids(Enrollment.__table__, total))
        self.enrollments: list[EnrollmentPlan] = []
        for cohort in self.cohorts:
            ended = sum(1 for _, _, ends in cohort.sessions if ends <= now)
            finished = cohort.status in (CohortStatus.FINISHED, CohortStatus.CLOSED)
            course = self.course_rows[cohort.course]
            for trainee in cohort.members:
                plan = EnrollmentPlan(next(ids), trainee, cohort, EnrollmentStatus.ENROLLED, "")
                if cohort.status == CohortStatus.OPEN:
                    plan.status = EnrollmentStatus.APPLIED if rng.random() < 0.15 else EnrollmentStatus.ENROLLED
                else:
                    marked = ended
                    if rng.random() < 0.03:
                        plan.status, marked = EnrollmentStatus.WITHDRAWN, rng.randint(0, min(ended, 6))
                    plan.marks = self.marks(marked)
                    if finished and plan.status != EnrollmentStatus.WITHDRAWN:
                        plan.theory, plan.practical = self.score(), self.score()
                        attended = Decimal(4 * sum(plan.marks.count(m) for m in "PQL"))
                        scheduled = Decimal(4 * len(cohort.sessions))
                        passed = meets_completion(attended, scheduled, course["min_attendance_pct"],
                                                  plan.theory, plan.practical, course["pass_score"])
                        plan.status = EnrollmentStatus.COMPLETED if passed else EnrollmentStatus.FAILED
                self.enrollments.append(plan)

    def score(self) -> Decimal:
        """Most pass the pass score of 60; one in twelve is a weak candidate."""
        return Decimal(self.rng.randint(40, 75) if self.rng.random() < 0.08 else self.rng.randint(62, 98))

    def marks(self, count: int) -> str:
        rng = self.rng
        diligence = rng.choice((1.0, 1.0, 0.97, 0.97, 0.95, 0.95, 0.92, 0.9, 0.85, 0.6))
        return "".join(
            ("Q" if rng.random() < 0.3 else "P") if rng.random() < diligence else rng.choice("LLAAE")
            for _ in range(count)
        )

    # ---- rows ---------------------------------------------------------------------------

    def opened(self, cohort: CohortPlan) -> datetime:
        return _local(cohort.start - timedelta(days=40), time(9), self.zone)

    def cohort_rows(self) -> Iterator[dict]:
        for c in self.cohorts:
            town = self.rng.choice(TOWNS)
            site, kind = SITES[c.index % len(SITES)]
            code = f"BN{c.start:%Y}-{c.county[-3:]}-{c.index + 1:05d}"
            yield dict(id=c.id, code=code, course_id=self.course_ids[c.course],
                       county_code=c.county, site_name=f"{self.counties[c.county]}{town}镇{site}", site_kind=kind,
                       start_date=c.start, end_date=c.end, capacity=COHORT_SIZE, status=str(c.status),
                       employer_id=c.employer_id, committed_placements=20 if c.employer_id else None,
                       created_at=self.opened(c))

    def session_rows(self) -> Iterator[dict]:
        hours = Decimal("4.0")
        for c in self.cohorts:
            for n, (session_id, starts, ends) in enumerate(c.sessions):
                kind = SLOTS[n % len(SLOTS)].kind
                yield dict(id=session_id, cohort_id=c.id, starts_at=starts, ends_at=ends, hours=hours,
                           topic=f"{'理论授课' if kind == 'theory' else '实操训练'} {n // 2 + 1}", kind=kind, location="")

    def trainee_rows(self) -> Iterator[dict]:
        """People, from their own random stream so the plan above does not depend on them."""
        rng, taken = random.Random(self.seed * 7919 + 1), set()
        first_day, span = date(1966, 1, 1), (date(2006, 12, 31) - date(1966, 1, 1)).days
        created = {}
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
            yield dict(id=trainee_id, id_number=id_number, name=name, gender="M" if male else "F", birth_date=birth,
                       phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", county_code=county,
                       town=rng.choice(TOWNS) + "镇", village=rng.choice(VILLAGES) + "村", education=rng.choice(EDUCATION),
                       created_at=created[index], updated_at=created[index])

    def category_rows(self) -> Iterator[dict]:
        rng = random.Random(self.seed * 7919 + 2)
        common = [HouseholdCategory.POVERTY_ALLEVIATED] * 4 + [HouseholdCategory.RELOCATED] * 3 + list(HouseholdCategory)
        for trainee_id in self.trainee_ids:
            if rng.random() < CATEGORY_SHARE:
                chosen = {rng.choice(common) for _ in range(rng.choice((1, 1, 1, 2)))}
                for category in sorted(chosen):
                    yield dict(trainee_id=trainee_id, category=str(category))

    def trainee_account_rows(self) -> Iterator[dict]:
        """bench_trainee_1… : enrolled in running cohorts first, then completed ones."""
        running = [e for e in self.enrollments
                   if e.cohort.status == CohortStatus.RUNNING and e.status == EnrollmentStatus.ENROLLED]
        completed = [e for e in self.enrollments if e.status == EnrollmentStatus.COMPLETED]
        chosen: list[int] = []
        for plan in running[::COHORT_SIZE][: TRAINEE_ACCOUNTS // 2] + completed[::COHORT_SIZE] + completed:
            if plan.trainee not in chosen and len(chosen) < TRAINEE_ACCOUNTS:
                chosen.append(plan.trainee)
        ids = self.ids(User.__table__, len(chosen))
        for k, (user_id, trainee) in enumerate(zip(ids, chosen)):
            yield self.account(user_id, f"bench_trainee_{k + 1}", Role.TRAINEE, None, f"学员{k + 1}", self.trainee_ids[trainee])

    def enrollment_rows(self) -> Iterator[dict]:
        rng = random.Random(self.seed * 7919 + 3)
        for e in self.enrollments:
            cohort = e.cohort
            applied = self.opened(cohort) + timedelta(minutes=rng.randrange(30 * 24 * 60))
            decided = e.status != EnrollmentStatus.APPLIED
            if e.status in (EnrollmentStatus.COMPLETED, EnrollmentStatus.FAILED):
                changed = _local(cohort.end + timedelta(days=3), time(10), self.zone)
            else:
                changed = applied + timedelta(days=2) if decided else applied
            yield dict(id=e.id, trainee_id=self.trainee_ids[e.trainee], cohort_id=cohort.id, status=str(e.status),
                       subsidised=True, subsidy_override_reason=None, theory_score=e.theory, practical_score=e.practical,
                       applied_at=applied, waitlisted_at=None, status_changed_at=changed,
                       decided_by_id=self.coordinator[cohort.county] if decided else None, decision_reason=None)

    def attendance_rows(self) -> Iterator[dict]:
        ids = iter(self.ids(Attendance.__table__, sum(len(e.marks) for e in self.enrollments)))
        for e in self.enrollments:
            marker = e.cohort.trainers[0]
            for mark, (session_id, _, ends) in zip(e.marks, e.cohort.sessions):
                yield dict(id=next(ids), enrollment_id=e.id, session_id=session_id, status=MARKS[mark],
                           method="qr" if mark == "Q" else "roster", marked_by_id=marker, marked_at=ends, version=1)

    def placement_rows(self) -> Iterator[dict]:
        """About 60 % of completions find a job (one per trainee); follow-ups are planned alongside."""
        rng, placed = random.Random(self.seed * 7919 + 4), set()
        kinds = (["self_found"] * 35 + ["community_factory"] * 25 + ["self_employed"] * 15
                 + ["public_welfare"] * 10 + ["directed"] * 15)
        scopes = ["same_county"] * 40 + ["in_city"] * 15 + ["in_province"] * 20 + ["out_of_province"] * 25
        self.placed: list[tuple[int, date, date | None, Decimal, int]] = []
        for e in self.enrollments:
            if e.status != EnrollmentStatus.COMPLETED or e.trainee in placed or rng.random() >= PLACEMENT_SHARE:
                continue
            start = e.cohort.end + timedelta(days=rng.randint(3, 60))
            if start > self.today:
                continue
            placed.add(e.trainee)
            kind = "directed" if e.cohort.employer_id and rng.random() < 0.8 else rng.choice(kinds)
            employer = e.cohort.employer_id if kind == "directed" and e.cohort.employer_id else (
                rng.choice(self.employer_ids) if kind in ("directed", "self_found", "community_factory") else None)
            scope = "same_county" if kind in ("community_factory", "public_welfare") else rng.choice(scopes)
            wage = Decimal(rng.randrange(2200, 7500, 100))
            end = start + timedelta(days=rng.randint(30, 330)) if rng.random() < 0.12 else None
            end = end if end and end <= self.today else None
            placement_id = self.next_id[Placement.__table__]
            self.next_id[Placement.__table__] += 1
            self.placed.append((placement_id, start, end, wage, self.coordinator[e.cohort.county]))
            occupation = COURSES[e.cohort.course][2]
            place = self.counties[e.cohort.county] if scope == "same_county" else ""
            yield dict(id=placement_id, trainee_id=self.trainee_ids[e.trainee], enrollment_id=e.id, employer_id=employer,
                       position=occupation, kind=kind, scope=scope, place=place,
                       start_date=start, monthly_wage=wage, contract_months=rng.choice((None, 12, 12, 24, 36)),
                       end_date=end, end_reason="合同到期或个人原因离职" if end else None,
                       recorded_by_id=self.coordinator[e.cohort.county], created_at=_local(start, time(10), self.zone))

    def follow_up_rows(self) -> Iterator[dict]:
        rng = random.Random(self.seed * 7919 + 5)
        ids = iter(self.ids(FollowUp.__table__, 3 * len(self.placed)))
        for placement_id, start, end, wage, checker in self.placed:
            for months in (3, 6, 12):
                due = _add_months(start, months)
                row = dict(id=next(ids), placement_id=placement_id, due_months=months, due_date=due, done_at=None,
                           still_employed=None, same_employer=None, monthly_wage=None, note=None, checked_by_id=None)
                if due <= self.today and rng.random() < 0.85:
                    employed = (end is None or end > due) and rng.random() < 0.93
                    checked_on = min(due + timedelta(days=rng.randint(0, 14)), self.today)
                    row.update(done_at=_local(checked_on, time(15), self.zone),
                               still_employed=employed, same_employer=employed and rng.random() < 0.85,
                               monthly_wage=wage + Decimal(rng.randrange(0, 600, 100)) if employed else None,
                               checked_by_id=checker)
                yield row


_ID_TABLES = [t.__table__ for t in (User, Course, Employer, Cohort, ClassSession, Trainee, Enrollment, Attendance,
                                    Placement, FollowUp)]
