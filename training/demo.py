"""Demo data: four Ankang counties, their courses and subsidy standards, cohorts, trainers and trainees,
and two finished classes with their subsidy claims (demo_claims.py) (idempotent). The cohorts past
draft hold the standard they froze when they opened.

Passwords of the demo accounts are random, generated on the first run and kept in
instance/demo-logins.txt (mode 0600); no password is written in the code.
"""

from __future__ import annotations

import os
import random
import secrets
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from stdnum.cn import uscc

from training import demo_claims
from training.auth.services import hash_password
from training.catalog.schedule import Slot, plan_sessions
from training.certificates import services as certificates
from training.completion import meets_completion
from training.extensions import db
from training.identity import birth_date_of, gender_of, make_id_number
from training.models import (
    Attendance,
    AttendanceStatus,
    ClassSession,
    Cohort,
    CohortStatus,
    Course,
    Employer,
    Enrollment,
    EnrollmentStatus,
    HouseholdCategory,
    Role,
    SubsidyStandard,
    Trainee,
    TraineeCategory,
    TrainingType,
    User,
    utcnow,
)
from training.standards import freezing
from training.standards import services as standards

COUNTIES = {
    "610924": ("ziyang", "紫阳县"),
    "610929": ("baihe", "白河县"),
    "610921": ("hanyin", "汉阴县"),
    "610981": ("xunyang", "旬阳市"),
}

COURSES = [
    # code, name, occupation, level, brand, hours
    ("ZBXH-5", "足部修护师（五级）", "足部修护师", 5, "紫阳修脚", 120),
    ("MYHL-5", "母婴护理员（五级）", "母婴护理员", 5, "安康月嫂", 96),
    ("MYHL-4", "母婴护理员（四级）", "母婴护理员", 4, "安康月嫂", 120),
    ("CYS-5", "茶艺师（五级）", "茶艺师", 5, "紫阳富硒茶", 80),
    ("GJG-5", "钢筋工（五级）", "钢筋工", 5, "旬阳建工", 96),
]

# The 项目制 standards of the demo courses' occupations (Shaanxi's 4,500 yuan for foot care), and one
# that ended, so the catalogue shows some history: occupation, level, yuan, minimum hours, from, to.
STANDARDS = [
    ("足部修护师", 5, "4000", 90, date(2021, 1, 1), date(2023, 12, 31)),
    ("足部修护师", 5, "4500", 90, date(2024, 1, 1), None),
    ("母婴护理员", 5, "4000", 80, date(2024, 1, 1), None),
    ("母婴护理员", 4, "4500", 100, date(2024, 1, 1), None),
    ("茶艺师", 5, "3000", 64, date(2024, 1, 1), None),
    ("钢筋工", 5, "3500", 80, date(2024, 1, 1), None),
]

# code, course, county, site, site kind, days from today to start, status
COHORTS = [
    (
        "ZY-2026-01",
        "ZBXH-5",
        "610924",
        "紫阳县蒿坪镇金川社区新社区工厂",
        "community_factory",
        -40,
        CohortStatus.FINISHED,
    ),
    (
        "BH-2026-02",
        "MYHL-5",
        "610929",
        "白河县宋家镇安置社区培训室",
        "resettlement_community",
        -5,
        CohortStatus.RUNNING,
    ),
    ("HY-2026-03", "CYS-5", "610921", "汉阴县涧池镇集镇培训中心", "town_centre", 14, CohortStatus.OPEN),
    ("XY-2026-04", "GJG-5", "610981", "旬阳市城关镇四海逸家社区", "resettlement_community", 30, CohortStatus.DRAFT),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "秀英桂兰玉梅德林伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华红建文辉力永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发"
SLOTS = [Slot(time(8, 0), time(12, 0), "theory"), Slot(time(14, 0), time(18, 0), "practice")]
LOGINS_FILE = "demo-logins.txt"


def seed() -> list[tuple[str, str, str]]:
    """Create whatever demo data is missing; return (username, role, password) of the demo logins."""
    rng = random.Random(2026)
    logins = _read_logins()
    courses = {row[0]: _course(*row) for row in COURSES}
    for row in STANDARDS:
        _standard(*row)
    employer = _employer()
    trainers = {}
    _account(logins, "demo_admin", Role.ADMIN, None, "系统管理员")
    _account(logins, "demo_city", Role.COORDINATOR, None, "市就业服务中心")
    _account(logins, "demo_reviewer", Role.REVIEWER, None, "市人社局审核员")
    for code, (slug, county) in COUNTIES.items():
        _account(logins, f"demo_coord_{slug}", Role.COORDINATOR, code, f"{county}协调员")
        trainers[code] = _account(logins, f"demo_trainer_{slug}", Role.TRAINER, code, f"{county}培训老师")
    today = utcnow().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    for code, course_code, county, site, kind, offset, status in COHORTS:
        if db.session.scalar(select(Cohort.id).where(Cohort.code == code)):
            continue
        cohort = _cohort(code, courses[course_code], county, site, kind, today + timedelta(days=offset), status)
        cohort.trainers.append(trainers[county])
        if course_code == "ZBXH-5":
            cohort.employer, cohort.committed_placements = employer, 15
        _fill(cohort, rng, today)
    db.session.flush()
    _freeze_standards()
    for index, trainee in enumerate(_demo_trainees()):
        _account(logins, f"demo_trainee{index + 1}", Role.TRAINEE, None, trainee.name, trainee=trainee)
    db.session.flush()
    # Real PDFs to open and scan: the finished cohort's certificates (idempotent).
    certificates.issue_now("ZY-2026-01")
    # Two finished classes with their subsidy claims: a draft on a partial tier, and one paid.
    demo_claims.seed(today, demo_claims.Builders(cohort=_cohort, person=_person, chain=employer))
    _write_logins(logins)
    return [(name, role, password) for name, (role, password) in logins.items()]


def _logins_path() -> Path:
    return Path(current_app.instance_path) / LOGINS_FILE


def _read_logins() -> dict[str, tuple[str, str]]:
    path = _logins_path()
    if not path.exists():
        return {}
    rows = (line.split() for line in path.read_text().splitlines() if line.strip())
    return {username: (role, password) for role, username, password in rows}


def _write_logins(logins: dict[str, tuple[str, str]]) -> None:
    path = _logins_path()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when an older file had looser permissions
    with os.fdopen(fd, "w") as handle:
        for username, (role, password) in logins.items():
            handle.write(f"{role} {username} {password}\n")


def _account(logins, username, role, county, display_name, trainee=None) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        password = logins.get(username, (role, None))[1] or f"jfw-{secrets.token_urlsafe(9)}"
        user = User(
            username=username,
            role=role,
            county_code=county,
            display_name=display_name,
            password_hash=hash_password(password),
            trainee=trainee,
        )
        db.session.add(user)
        logins[username] = (str(role), password)
    return user


def _course(code, name, occupation, level, brand, hours) -> Course:
    course = db.session.scalar(select(Course).where(Course.code == code))
    if course is None:
        course = Course(
            code=code,
            name=name,
            occupation=occupation,
            level=level,
            labour_brand=brand,
            total_hours=hours,
        )
        db.session.add(course)
    return course


def _standard(occupation, level, yuan, min_hours, valid_from, valid_to) -> None:
    """A standard of the catalogue, unless the catalogue has one of that occupation, level and first day."""
    exists = db.session.scalar(
        select(SubsidyStandard.id).where(
            SubsidyStandard.occupation == occupation,
            SubsidyStandard.level == level,
            SubsidyStandard.training_type == TrainingType.PROJECT,
            SubsidyStandard.valid_from == valid_from,
        )
    )
    if exists is None:
        details = standards.StandardDetails(
            occupation, level, TrainingType.PROJECT, Decimal(yuan), min_hours, valid_from, valid_to
        )
        standards.create_standard(details)


def _freeze_standards() -> None:
    """The demo writes cohorts as already opened: each past draft freezes its standard, as opening would have."""
    for code, *_rest in COHORTS:
        cohort = db.session.scalar(select(Cohort).where(Cohort.code == code))
        if cohort is None or cohort.status == CohortStatus.DRAFT or cohort.standard_id is not None:
            continue
        course = cohort.course
        if standards.in_force(course.occupation, course.level, cohort.training_type, cohort.start_date):
            freezing.freeze(cohort)


def _employer() -> Employer:
    base = "91310000MA1FL5YY0"
    code = base + uscc.calc_check_digit(base)
    employer = db.session.scalar(select(Employer).where(Employer.uscc == code))
    if employer is None:
        employer = Employer(
            name="上海远元足部修护连锁有限公司",
            uscc=code,
            province="上海市",
            city="上海市",
            county="闵行区",
            industry="居民服务业",
            contact_name="方经理",
            contact_phone="13900000000",
        )
        db.session.add(employer)
    return employer


def _cohort(code, course, county, site, kind, start, status) -> Cohort:
    days = course.total_hours // 8  # two four-hour sessions a day
    cohort = Cohort(
        code=code,
        course=course,
        county_code=county,
        site_name=site,
        site_kind=kind,
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        capacity=30,
        status=status,
    )
    for planned in plan_sessions(start, cohort.end_date, range(7), SLOTS, current_app.config["BABEL_DEFAULT_TIMEZONE"]):
        topic = "理论授课" if planned.kind == "theory" else "实操训练"
        cohort.sessions.append(
            ClassSession(
                starts_at=planned.starts_at,
                ends_at=planned.ends_at,
                hours=planned.hours,
                kind=planned.kind,
                topic=topic,
                location=site,
            )
        )
    db.session.add(cohort)
    return cohort


def _person(rng: random.Random, county: str) -> Trainee:
    birth = date(rng.randint(1968, 2004), rng.randint(1, 12), rng.randint(1, 28))
    while True:
        id_number = make_id_number(county, birth, rng.randint(0, 999))
        if db.session.scalar(select(Trainee.id).where(Trainee.id_number == id_number)) is None:
            break
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    trainee = Trainee(
        id_number=id_number,
        name=name,
        gender=gender_of(id_number),
        birth_date=birth_date_of(id_number),
        phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        county_code=county,
        town="",
        village="",
        education=rng.choice(["小学", "初中", "高中", "中专"]),
    )
    for category in rng.sample(list(HouseholdCategory), rng.choice((0, 1, 1, 2))):
        trainee.categories.append(TraineeCategory(category=category))
    return trainee


def _fill(cohort: Cohort, rng: random.Random, today: date) -> None:
    """Enroll trainees; mark past sessions; score and decide a finished cohort."""
    now = utcnow()
    size = 0 if cohort.status == CohortStatus.DRAFT else rng.randint(18, 24)
    for _ in range(size):
        trainee = _person(rng, cohort.county_code)
        db.session.add(trainee)
        enrollment = Enrollment(trainee=trainee, cohort=cohort, status=EnrollmentStatus.ENROLLED)
        db.session.add(enrollment)
        diligence = rng.choice((1.0, 0.95, 0.9, 0.85, 0.7))
        attended = Decimal(0)
        for session in cohort.sessions:
            if session.ends_at > now:
                continue
            status = (
                AttendanceStatus.PRESENT
                if rng.random() < diligence
                else rng.choice((AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED, AttendanceStatus.LATE))
            )
            if status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
                attended += session.hours
            db.session.add(Attendance(enrollment=enrollment, session=session, status=status))
        if cohort.status == CohortStatus.FINISHED:
            enrollment.theory_score = Decimal(rng.randint(52, 96))
            enrollment.practical_score = Decimal(rng.randint(55, 98))
            scheduled = sum((s.hours for s in cohort.sessions), Decimal(0))
            course = cohort.course
            passed = meets_completion(
                attended,
                scheduled,
                course.min_attendance_pct,
                enrollment.theory_score,
                enrollment.practical_score,
                course.pass_score,
            )
            enrollment.status = EnrollmentStatus.COMPLETED if passed else EnrollmentStatus.FAILED


def _demo_trainees() -> list[Trainee]:
    """The first enrolled trainee of the finished and of the running cohort get demo accounts."""
    chosen = []
    for code in ("ZY-2026-01", "BH-2026-02"):
        trainee = db.session.scalar(
            select(Trainee).join(Enrollment).join(Cohort).where(Cohort.code == code).order_by(Trainee.id).limit(1)
        )
        if trainee is not None:
            chosen.append(trainee)
    return chosen
