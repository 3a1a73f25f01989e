"""Record factories for tests: each returns a flushed model with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from training.auth.services import hash_password
from training.extensions import db
from training.identity import birth_date_of, gender_of, make_id_number
from training.models import (
    ClassSession,
    Cohort,
    CohortStatus,
    Course,
    Enrollment,
    EnrollmentStatus,
    Trainee,
    User,
)

_counter = itertools.count(1)
TEST_PASSWORD = "correct horse battery"


class Factories:
    """`make.user(role="trainer")`, `make.cohort(county_code="610924")`, …"""

    def _add(self, record):
        db.session.add(record)
        db.session.flush()
        return record

    def user(self, role="coordinator", county_code=None, username=None, password=TEST_PASSWORD, **fields) -> User:
        n = next(_counter)
        return self._add(
            User(
                username=username or f"{role}{n}",
                role=role,
                county_code=county_code,
                password_hash=hash_password(password),
                display_name=fields.pop("display_name", f"{role} {n}"),
                **fields,
            )
        )

    def course(self, **fields) -> Course:
        n = next(_counter)
        values = dict(code=f"C{n}", name=f"足部修护师{n}", occupation=f"足部修护师{n}", level=5, total_hours=40)
        values.update(fields)
        return self._add(Course(**values))

    def cohort(self, course=None, county_code="610924", trainers=(), sessions=0, timetable=False, **fields) -> Cohort:
        """A running cohort from today, with `sessions` four-hour sessions (one a day at 09:00) or, with
        timetable=True, a timetable covering its course's hours (make.timetable)."""
        n = next(_counter)
        start = fields.pop("start_date", date.today())
        values = dict(
            code=f"CH{n}",
            course=course or self.course(),
            county_code=county_code,
            site_name=f"金川社区新社区工厂{n}",
            site_kind="community_factory",
            start_date=start,
            end_date=start + timedelta(days=10),
            capacity=30,
            status=CohortStatus.RUNNING,
        )
        values.update(fields)
        cohort = self._add(Cohort(**values))
        cohort.trainers.extend(trainers)
        base = datetime.combine(start, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1)
        for day in range(sessions):
            self.session(cohort, starts_at=base + timedelta(days=day))
        if timetable:
            self.timetable(cohort)
        return cohort

    def timetable(self, cohort, start=None) -> list[ClassSession]:
        """Sessions covering the course's total hours from `start` (the cohort's start date), two a day
        at 09:00 and 14:00 in Shanghai, four hours each but the last (the end date moves to the last day if it
        came earlier): a timetable the opening checks pass."""
        first = datetime.combine(start or cohort.start_date, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1)
        left, sessions = Decimal(cohort.course.total_hours), []
        while left > 0:
            n, hours = len(sessions), min(left, Decimal(4))
            starts_at = first + timedelta(days=n // 2, hours=5 * (n % 2))
            sessions.append(self.session(cohort, starts_at=starts_at, hours=hours))
            left -= hours
        cohort.end_date = max(cohort.end_date, (first + timedelta(days=(len(sessions) - 1) // 2)).date())
        db.session.flush()
        return sessions

    def session(self, cohort, starts_at=None, hours=4, **fields) -> ClassSession:
        starts_at = starts_at or datetime.now(UTC) + timedelta(hours=1)
        return self._add(
            ClassSession(
                cohort=cohort,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=float(hours)),
                hours=Decimal(hours),
                topic=fields.pop("topic", "理论授课"),
                **fields,
            )
        )

    def standard(self, course=None, **fields):
        """A subsidy standard in force from 2020 for the course's occupation and level (项目制)."""
        from training.models import SubsidyStandard

        values = dict(training_type="project", yuan=Decimal("4500.00"), min_hours=40, valid_from=date(2020, 1, 1))
        if course is not None:
            values.update(occupation=course.occupation, level=course.level)
        else:
            values.update(occupation=f"足部修护师{next(_counter)}", level=5)
        values.update(fields)
        return self._add(SubsidyStandard(**values))

    def external_certificate(self, enrollment, kind="skill_level", number=None, level=None, **fields):
        """A 职业技能等级证书 (or another kind) with a number of the national form that agrees with it."""
        from training.models import ExternalCertificate

        issued_on = fields.pop("issued_on", enrollment.cohort.end_date)
        level = level if level is not None else enrollment.cohort.course.level
        if number is None:
            serial = next(_counter)
            number = f"S0000{61}{610924:06d}{issued_on.year % 100:02d}{level}{serial:06d}"
        values = dict(issuer="紫阳县足部修护协会", issued_on=issued_on)
        values.update(fields)
        return self._add(ExternalCertificate(enrollment=enrollment, kind=kind, number=number, level=level, **values))

    def trainee(self, county_code="610924", name=None, birth=date(1990, 5, 17), **fields) -> Trainee:
        n = next(_counter)
        id_number = fields.pop("id_number", None) or make_id_number(county_code, birth, n % 1000)
        while db.session.scalar(select(Trainee.id).where(Trainee.id_number == id_number)):
            n = next(_counter)
            id_number = make_id_number(county_code, birth, n % 1000)
        return self._add(
            Trainee(
                id_number=id_number,
                name=name or f"王秀{n}",
                gender=gender_of(id_number),
                birth_date=birth_date_of(id_number),
                county_code=county_code,
                **fields,
            )
        )

    def enrollment(self, trainee=None, cohort=None, status=EnrollmentStatus.ENROLLED, **fields) -> Enrollment:
        return self._add(
            Enrollment(trainee=trainee or self.trainee(), cohort=cohort or self.cohort(), status=status, **fields)
        )

    def trainee_user(self, trainee=None, **fields) -> User:
        """A trainee with a login account."""
        trainee = trainee or self.trainee()
        return self.user(role="trainee", trainee=trainee, **fields)

    def attendance(self, enrollment, session, status="present", **fields):
        """One attendance mark of an enrollment in a session."""
        from training.models import Attendance

        return self._add(Attendance(enrollment=enrollment, session=session, status=status, **fields))

    def employer(self, name=None, uscc=None, **fields):
        """An employer with a valid, unique unified social credit code."""
        from stdnum.cn.uscc import calc_check_digit

        from training.models import Employer

        n = next(_counter)
        if uscc is None:
            base = f"91610924{n:09d}"
            uscc = base + calc_check_digit(base)
        return self._add(Employer(name=name or f"上海足部修护连锁{n}", uscc=uscc, **fields))

    def placement(self, trainee=None, enrollment=None, employer=None, start_date=None, **fields):
        """A job after a completed training, with its 3/6/12-month follow-ups scheduled."""
        from training.models import FollowUp, Placement
        from training.placement.rules import follow_up_schedule

        if enrollment is None:
            enrollment = self.enrollment(trainee=trainee, status=EnrollmentStatus.COMPLETED)
        start = start_date or enrollment.cohort.end_date
        values = dict(
            position="足部修护师",
            kind="directed",
            scope="out_of_province",
            place="上海市",
            monthly_wage=Decimal("6000"),
            contract_months=12,
        )
        values.update(fields)
        placement = Placement(
            trainee_id=enrollment.trainee_id,
            enrollment=enrollment,
            start_date=start,
            employer=employer if employer is not None or values["kind"] == "self_employed" else self.employer(),
            **values,
        )
        placement.follow_ups = [FollowUp(due_months=m, due_date=d) for m, d in follow_up_schedule(start)]
        return self._add(placement)

    def graduate(self, cohort=None, trainee=None, **trainee_fields) -> Enrollment:
        """A completed enrollment in a finished cohort: someone a certificate can be issued to."""
        cohort = cohort or self.cohort(status=CohortStatus.FINISHED)
        trainee = trainee or self.trainee(county_code=cohort.county_code, **trainee_fields)
        return self.enrollment(trainee=trainee, cohort=cohort, status=EnrollmentStatus.COMPLETED)

    def issued(self, cohort=None, names=("王秀英",), issued_by=None) -> list:
        """Certificates issued to new graduates through the real batch code: PDF, signature, file."""
        from training.certificates import issuing

        cohort = cohort or self.cohort(status=CohortStatus.FINISHED)
        enrollments = [self.graduate(cohort=cohort, name=name) for name in names]
        outcome = issuing.issue_batch(cohort.id, [e.id for e in enrollments], issued_by.id if issued_by else None)
        return outcome.issued

    def issuing_job(self, graduates: int):
        """A committed job issuing the certificates of a new finished cohort of `graduates`."""
        from training.jobs import services

        cohort = self.cohort(status=CohortStatus.FINISHED)
        enrollments = [self.graduate(cohort=cohort, name=f"证书学员{n}") for n in range(graduates)]
        coordinator = self.user("coordinator", county_code=cohort.county_code)
        job = services.create_job(
            "certificates_issue",
            {
                "cohort_id": cohort.id,
                "enrollment_ids": [e.id for e in enrollments],
                "user_id": coordinator.id,
                "locale": "zh_CN",
                "ip": "127.0.0.1",
            },
            coordinator.id,
            total=len(enrollments),
        )
        db.session.commit()
        return job

    def certificate(self, enrollment, status="valid", **fields):
        """A certificate row (no PDF, a dummy signature) for an enrollment: for counting, not for verifying."""
        import secrets

        from training.models import Certificate, SigningKey

        key = db.session.get(SigningKey, "test-key") or self._add(SigningKey(key_id="test-key", public_key="0" * 64))
        n = next(_counter)
        return self._add(
            Certificate(
                serial=f"TEST{n:08d}",
                token=secrets.token_hex(16),
                enrollment=enrollment,
                snapshot={},
                status=status,
                signature="0" * 128,
                key_id=key.key_id,
                **fields,
            )
        )

    def follow_up_answer(self, placement, months=6, still_employed=True, **fields):
        """Record the answer to one of a placement's scheduled follow-ups."""
        follow_up = next(f for f in placement.follow_ups if f.due_months == months)
        follow_up.done_at = fields.pop("done_at", datetime.now(UTC))
        follow_up.still_employed = still_employed
        for name, value in fields.items():
            setattr(follow_up, name, value)
        db.session.flush()
        return follow_up

    def claim(self, cohort, user, today=None):
        """The cohort's claim prepared by `user` through services.prepare, on its measuring date
        unless told another day."""
        from training.claims import rules, services

        if today is None:
            today = rules.measuring_date(cohort.end_date, services.claim_rules().measure_months)
        return services.prepare(cohort.id, user_id=user.id, today=today)

    def approved_filing(self, cohort, preparer=None, reviewer=None, **details):
        """The cohort's class-opening filing, approved: prepared and submitted by a coordinator of its
        county, approved by a reviewer, through the lifecycle for an open cohort (on time: the day is
        its deadline). A cohort in another status gets the row as the lifecycle would have left it."""
        from flask import current_app

        from training.filing import lifecycle
        from training.filing.deadline import deadline_of
        from training.filing.snapshot import FilingDetails, take
        from training.models import Filing, FilingStatus, utcnow

        preparer = preparer or self.user("coordinator", county_code=cohort.county_code)
        reviewer = reviewer or self.user("reviewer")
        timezone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        typed = FilingDetails(
            **{"assessment_method": "理论笔试＋实操考核", "assessor": "紫阳县足部修护协会", **details}
        )
        deadline = deadline_of(cohort.start_date).day
        if cohort.status == CohortStatus.OPEN:
            filing = lifecycle.prepare(cohort, typed, user=preparer, now=utcnow(), timezone=timezone)
            for user, to in ((preparer, "submitted"), (reviewer, "approved")):
                step = lifecycle.Step(user=user, today=deadline, now=utcnow(), timezone=timezone)
                filing = lifecycle.change_status(filing, to, step)
            return filing
        now = utcnow()
        return self._add(
            Filing(
                cohort_id=cohort.id,
                status=FilingStatus.APPROVED,
                deadline=deadline,
                snapshot=take(cohort.id, typed, timezone),
                prepared_by_id=preparer.id,
                submitted_by_id=preparer.id,
                submitted_at=now,
                reviewed_by_id=reviewer.id,
                reviewed_at=now,
                returns=[],
            )
        )
