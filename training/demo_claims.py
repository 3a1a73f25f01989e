"""The demo's subsidy claims (补贴申领): two finished classes past their measuring date
(demo_claim_classes.py says who is in them), so that a newcomer sees a claim ready to submit and
one that went all the way to paid:

- BH-2026-06 (白河县): its claim pays 80 % of the standard (71.42 % employed); left a draft,
  ready to submit, with lines that are not eligible and why;
- ZY-2026-05 (紫阳县): its claim was submitted by the county's coordinator, published, drew two
  objections (one dismissed, one upheld), was reviewed line by line by demo_reviewer, approved,
  and its payment recorded by the city's coordinator.

Nothing here writes a claim, a status or a figure itself: the classes open through
catalog.services.change_status (which freezes their standard), take trainees through
enrollment.services.enroll (their categories' proof by trainees.category_evidence), are filed
(filing.lifecycle: prepared by the county, approved by demo_reviewer) before they start, are marked
by their trainer (attendance.services.save_marks), scored and finalised (assessment.services),
certified (certificates.issue_now, or skillcerts.services: recorded, then looked up by someone
else), placed (placement.services.record_placement); the claims come from
claims.services.prepare and live through claims.lifecycle, each step taken by the account whose
step it is, and the audit trail names them. Dates count back from the demo's today so that each
measuring date (end + CLAIM_MEASURE_MONTHS) has passed. One thing is set by hand: the paid
claim's prepared_at, which services.prepare stamps with the clock, is dated to the day of the
story while the claim is still a draft (the snapshot guard, claims/frozen.py, allows that).

The demo (training/demo.py) calls seed() with its own builders: this module does not import it.
A class that exists already is left as it is, whatever was done to it since, so a second run
changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app, g
from sqlalchemy import select
from stdnum.cn import uscc

from training import audit
from training.assessment import services as assessment
from training.attendance import services as attendance
from training.attendance.rules import PostedMark
from training.catalog import services as catalog
from training.certificates import services as certificates
from training.claims import lifecycle, rules
from training.claims import services as claims
from training.claims.objections import decide_objection, record_objection
from training.claims.review import decide_lines
from training.claims.settings import ClaimRules
from training.demo_claim_classes import (
    ASSESSOR,
    CLASSES,
    DRAFT_CLASS,
    DRAFT_FATES,
    EMPLOYERS,
    OBJECTIONS,
    PAID_CLASS,
    PAID_FATES,
    PROOFS,
    REJECTIONS,
    Fate,
)
from training.enrollment import services as enrollment
from training.extensions import db
from training.filing import lifecycle as filing_lifecycle
from training.filing.deadline import deadline_of
from training.filing.snapshot import FilingDetails
from training.models import (
    AttendanceStatus,
    Claim,
    ClaimLine,
    ClaimStatus,
    Cohort,
    CohortStatus,
    Course,
    Employer,
    Enrollment,
    EnrollmentStatus,
    ExternalCertificateKind,
    FilingStatus,
    LineDecision,
    Role,
    Trainee,
    TraineeCategory,
    User,
    utcnow,
)
from training.placement import services as placement
from training.skillcerts import services as skillcerts
from training.trainees import category_evidence


@dataclass(frozen=True)
class Builders:
    """The demo's own ways of making a class (with its timetable) and a person, and its directed employer."""

    cohort: Callable[..., Cohort]  # (code, course, county, site, site kind, start, status)
    person: Callable[[random.Random, str], Trainee]
    chain: Employer


Seats = list[tuple[Enrollment, Fate]]
DAY = timedelta(days=1)


def seed(today: date, build: Builders) -> None:
    """Add the two demo classes and their claims, unless they exist."""
    rng = random.Random(2613)
    months = ClaimRules.from_config(current_app.config).measure_months
    if _missing(DRAFT_CLASS):
        # Its claim measured 40 days ago and prepared today.
        cohort, seats = _finished_class(build, rng, DRAFT_CLASS, rules.measuring_date(today - DAY * 40, -months))
        with _acting(_user("demo_coord_baihe")) as coordinator:
            certificates.issue_now(DRAFT_CLASS, issued_by_id=coordinator.id)
            _place(seats, coordinator, build.chain)
            claims.prepare(cohort.id, user_id=coordinator.id, today=today)
    if _missing(PAID_CLASS):
        cohort, seats = _finished_class(build, rng, PAID_CLASS, rules.measuring_date(today - DAY * 155, -months))
        cohort.employer, cohort.committed_placements = build.chain, 12
        _certify(seats, today)
        with _acting(_user("demo_coord_ziyang")) as coordinator:
            _place(seats, coordinator, build.chain)
        _paid_claim(cohort, seats, rules.measuring_date(cohort.end_date, months))


def _missing(code: str) -> bool:
    return db.session.scalar(select(Cohort.id).where(Cohort.code == code)) is None


def _user(username: str) -> User:
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


@contextmanager
def _acting(user: User) -> Iterator[User]:
    """The audit trail names this account for what is done meanwhile, as a request by them would."""
    before = g.get("audit_actor")
    audit.set_actor(user.id, user.username, None)
    try:
        yield user
    finally:
        if before is None:
            g.pop("audit_actor", None)
        else:
            g.audit_actor = before


def _moment(day: date, hour: int) -> datetime:
    """That local day at that hour, in UTC as the records keep it."""
    local = datetime.combine(day, time(hour), tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return local.astimezone(UTC)


def _finished_class(build: Builders, rng: random.Random, code: str, end: date) -> tuple[Cohort, Seats]:
    """A class that opened (freezing its standard), took its trainees, was marked session by session by
    its trainer, scored and finalised the evening it ended."""
    course_code, county, site, kind, slug = CLASSES[code]
    fates = DRAFT_FATES if code == DRAFT_CLASS else PAID_FATES
    course = db.session.execute(select(Course).where(Course.code == course_code)).scalar_one()
    start = end - DAY * (course.total_hours // 8 - 1)  # the demo's timetable: two four-hour sessions a day
    trainer, coordinator = _user(f"demo_trainer_{slug}"), _user(f"demo_coord_{slug}")
    cohort = build.cohort(code, course, county, site, kind, start, CohortStatus.DRAFT)
    cohort.trainers.append(trainer)
    db.session.flush()
    with _acting(coordinator):
        catalog.change_status(cohort, CohortStatus.OPEN)
        people = [(_person(build, rng, cohort, fate, coordinator), fate) for fate in fates]
        seats = [(enrollment.enroll(person.id, cohort.id, coordinator.id), fate) for person, fate in people]
        _file(cohort, coordinator, trainer)
        catalog.change_status(cohort, CohortStatus.RUNNING)
    with _acting(trainer):
        _mark(cohort, seats, trainer)
    with _acting(coordinator):
        scores: assessment.ScoreChanges = {
            e.id: {"theory": (None, Decimal(f.theory)), "practical": (None, Decimal(f.practical))} for e, f in seats
        }
        assessment.record_scores(cohort.id, scores)
        assessment.finalise(cohort.id, coordinator.id, _moment(cohort.end_date, 19))
    return cohort, seats


def _file(cohort: Cohort, coordinator: User, trainer: User) -> None:
    """The class-opening filing: prepared and submitted by the county's coordinator three days before its
    deadline, approved by demo_reviewer the next day (the class may then start: filing/gate.py)."""
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    filed_on = deadline_of(cohort.start_date).day - DAY * 3
    site = CLASSES[cohort.code][2]
    method = "理论笔试＋实操考核" if cohort.code == PAID_CLASS else "理论笔试＋实操考核（母婴护理员五级）"
    typed = FilingDetails(site, method, ASSESSOR, {trainer.id: f"{cohort.course.occupation}二级/技师，从业八年"})
    filing = filing_lifecycle.prepare(cohort, typed, user=coordinator, now=_moment(filed_on, 10), timezone=zone)
    step = filing_lifecycle.Step(user=coordinator, today=filed_on, now=_moment(filed_on, 11), timezone=zone)
    filing = filing_lifecycle.change_status(filing, FilingStatus.SUBMITTED, step)
    reviewer = _user("demo_reviewer")
    with _acting(reviewer):
        step = filing_lifecycle.Step(user=reviewer, today=filed_on + DAY, now=_moment(filed_on + DAY, 9), timezone=zone)
        filing_lifecycle.change_status(filing, FilingStatus.APPROVED, step)


def _person(build: Builders, rng: random.Random, cohort: Cohort, fate: Fate, coordinator: User) -> Trainee:
    """A trainee with the fate's categories, and their proof (when it has it) seen when they registered."""
    trainee = build.person(rng, cohort.county_code)
    trainee.categories = [TraineeCategory(category=category) for category in fate.categories]
    db.session.add(trainee)
    db.session.flush()
    needed = category_evidence.categories_needing_evidence()
    for category in fate.categories if fate.proof else ():
        if category in needed:
            number = f"{cohort.county_code}{cohort.start_date:%Y}{trainee.id:05d}"
            seen = _moment(cohort.start_date - DAY * 3, 10)
            category_evidence.record_evidence(
                trainee, category, f"{PROOFS.get(category, '证明编号')} {number}", user_id=coordinator.id, now=seen
            )
    return trainee


def _status(fate: Fate, n: int) -> str:
    if fate.absent_every and n % fate.absent_every == 0:
        return AttendanceStatus.EXCUSED if n % (2 * fate.absent_every) == 0 else AttendanceStatus.ABSENT
    return AttendanceStatus.LATE if n % 11 == 7 else AttendanceStatus.PRESENT


def _mark(cohort: Cohort, seats: Seats, trainer: User) -> None:
    """The roster of every session saved by the trainer twenty minutes after it ended."""
    lock_hours = current_app.config["ATTENDANCE_LOCK_HOURS"]
    for index, session in enumerate(sorted(cohort.sessions, key=lambda s: s.starts_at)):
        posted = [PostedMark(e.id, _status(f, index + n), None, 0) for n, (e, f) in enumerate(seats)]
        attendance.save_marks(
            session,
            posted,
            user_id=trainer.id,
            role=Role.TRAINER,
            now=session.ends_at + timedelta(minutes=20),
            lock_hours=lock_hours,
        )


def _certify(seats: Seats, today: date) -> None:
    """The evaluation body's skill level certificates of the graduates, twelve days after the class:
    recorded by the county's coordinator, looked up on the national query site by the city's."""
    recorder, checker = _user("demo_coord_ziyang"), _user("demo_city")
    graduates = [(e, f) for e, f in seats if e.status == EnrollmentStatus.COMPLETED]
    for serial, (seat, fate) in enumerate(graduates, start=101):
        course, issued_on = seat.cohort.course, seat.cohort.end_date + DAY * 12
        number = f"S0012{seat.cohort.county_code[:2]}{seat.cohort.county_code}{issued_on:%y}{course.level}{serial:06d}"
        details = skillcerts.CertificateDetails(
            ExternalCertificateKind.SKILL_LEVEL, number, ASSESSOR, course.level, issued_on
        )
        with _acting(recorder):
            certificate = skillcerts.record_certificate(seat, details, scan=None, user_id=recorder.id, today=today)
        with _acting(checker):
            skillcerts.record_check(certificate.id, found=fate.found, user_id=checker.id, now=utcnow())


def _employer(key: str | None, chain: Employer) -> Employer | None:
    if key is None:
        return None
    if key == "chain":
        return chain
    name, base, province, city, county, industry = EMPLOYERS[key]
    code = base + uscc.calc_check_digit(base)
    found = placement.find_employer_by_code(code)
    return found or placement.create_employer(
        placement.EmployerData(name, code, province, city, county, industry, "人事部", "13800000000")
    )


def _place(seats: Seats, coordinator: User, chain: Employer) -> None:
    """The graduates' jobs, as the county's coordinator records them."""
    max_wage = current_app.config["PLACEMENT_MAX_WAGE"]
    for seat, fate in seats:
        job = fate.job
        if job is None or seat.status != EnrollmentStatus.COMPLETED:
            continue
        employer = _employer(job.employer, chain)
        data = placement.PlacementData(
            employer_id=employer.id if employer else None,
            position=job.position,
            kind=job.kind,
            scope=job.scope,
            start_date=seat.cohort.end_date + DAY * job.after_days,
            monthly_wage=Decimal(job.wage) if job.wage is not None else None,
            place=job.place,
            contract_months=job.contract_months,
        )
        placement.record_placement(seat.id, data, coordinator.id, max_wage)


def _step(claim: Claim, status: str, user: User, day: date, **typed) -> Claim:
    notice_days = current_app.config["CLAIM_NOTICE_DAYS"]
    step = lifecycle.Step(user=user, today=day, now=_moment(day, 9), notice_days=notice_days, **typed)
    return lifecycle.change_status(claim, status, step)


def _paid_claim(cohort: Cohort, seats: Seats, measured: date) -> None:
    """Prepared three days after the measuring date, submitted, published; two objections come in
    by phone and letter; reviewed from the day after the notice, approved, paid three weeks later."""
    coordinator, reviewer, city = _user("demo_coord_ziyang"), _user("demo_reviewer"), _user("demo_city")
    fates = {e.id: f for e, f in seats}
    prepared_on, published_on = measured + DAY * 3, measured + DAY * 7
    with _acting(coordinator):
        claim = claims.prepare(cohort.id, user_id=coordinator.id, today=prepared_on)
        claim.prepared_at = _moment(prepared_on, 10)  # a draft still: see the module's docstring
        db.session.flush()
        claim = _step(claim, ClaimStatus.SUBMITTED, coordinator, measured + DAY * 5)
    with _acting(reviewer):
        claim = _step(claim, ClaimStatus.NOTICE, reviewer, published_on)
    disputed = [(line, outcome) for line in claim.lines if (outcome := fates[line.enrollment_id].objection)]
    objections, notice_ends_on = [], claim.notice_ends_on or published_on
    with _acting(coordinator):
        for days, (line, outcome) in enumerate(disputed, start=2):
            raised_by, content, _reason = OBJECTIONS[outcome]
            received = _moment(min(published_on + DAY * days, notice_ends_on), 15)
            objection = record_objection(
                line, raised_by=raised_by, content=content, received_at=received, user=coordinator, now=received
            )
            objections.append((objection, outcome))
    review_on = lifecycle.review_opens_on(claim)
    assert review_on is not None  # the notice was published
    with _acting(reviewer):
        claim = _step(claim, ClaimStatus.REVIEW, reviewer, review_on)
        for objection, outcome in objections:
            decide_objection(objection, outcome, OBJECTIONS[outcome][2], user=reviewer, now=_moment(review_on, 10))
        decisions = {line.id: _decision(line) for line in claim.lines if line.decision is None}
        decide_lines(claim, decisions, user=reviewer, now=_moment(review_on + DAY, 11))
        claim = _step(claim, ClaimStatus.APPROVED, reviewer, review_on + DAY * 2)
    paid_on = review_on + DAY * 21
    payment = lifecycle.Payment(paid_on, claim.approved_yuan, f"国库集中支付 {paid_on:%Y%m%d}-0417")
    with _acting(city):
        _step(claim, ClaimStatus.PAID, city, paid_on, payment=payment)


def _decision(line: ClaimLine) -> tuple[str, str]:
    """The reviewer's verdict on a line: eligible ones approved, the others rejected for their first reason."""
    if line.eligible:
        return LineDecision.APPROVED, ""
    rule = line.reasons[0]["rule"] if line.reasons else ""
    return LineDecision.REJECTED, REJECTIONS.get(rule, "不符合申领条件（见本行原因），不予补贴。")
