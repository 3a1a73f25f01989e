"""A trainee in a class as /me shows it, and certificate rows without their PDF: shared by the
/me tests (page, privacy, statements, the phone browser test and the page words)."""

from __future__ import annotations

import itertools
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from training.extensions import db
from training.models import (
    Certificate,
    ClassSession,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    SigningKey,
    Trainee,
    User,
)

_serials = itertools.count(1)
SHANGHAI = timezone(timedelta(hours=8))


@dataclass
class InClass:
    user: User
    trainee: Trainee
    enrollment: Enrollment
    cohort: Cohort
    held: list[ClassSession]
    to_come: list[ClassSession]


def in_class(
    make,
    held=0,
    to_come=0,
    marks=(),
    hours=4,
    status=EnrollmentStatus.ENROLLED,
    min_pct=80,
    trainee=None,
    course_name="足部修护师（五级）",
    **cohort_fields,
) -> InClass:
    """A trainee with a login in a class of `held` sessions before now and `to_come` after, each
    `hours` long; `marks` are their attendance in the held sessions, oldest first."""
    now = datetime.now(UTC)
    course = make.course(name=course_name, min_attendance_pct=min_pct)
    trainer = make.user("trainer", display_name="李老师")
    cohort_fields.setdefault("start_date", (now - timedelta(days=held)).date())
    cohort = make.cohort(course=course, trainers=[trainer], site_name="金川社区新社区工厂", **cohort_fields)
    past = [make.session(cohort, starts_at=now - timedelta(days=held - n, hours=6), hours=hours) for n in range(held)]
    future = [
        make.session(cohort, starts_at=now + timedelta(days=n + 1), hours=hours, location="蒿坪镇社区活动室")
        for n in range(to_come)
    ]
    trainee = trainee or make.trainee(name="王秀英")
    enrollment = make.enrollment(trainee=trainee, cohort=cohort, status=status)
    for session, mark in zip(past, marks, strict=False):
        if mark:
            make.attendance(enrollment, session, mark)
    user = trainee.account or make.trainee_user(trainee=trainee)
    db.session.commit()
    return InClass(user, trainee, enrollment, cohort, past, future)


def certificate_row(enrollment, status="valid") -> Certificate:
    """A certificate as the database holds it, without the PDF and signature the issuing code makes."""
    if db.session.get(SigningKey, "test-key") is None:
        db.session.add(SigningKey(key_id="test-key", public_key="0" * 64))
    certificate = Certificate(
        serial=f"ZY2025-{next(_serials):05d}",
        token=secrets.token_urlsafe(16),
        enrollment=enrollment,
        snapshot={"course": enrollment.cohort.course.name},
        status=status,
        signature="0" * 128,
        key_id="test-key",
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def text_of(html: str, css_class: str) -> str:
    """The text of the first element with this class (a flat element: no nested tags)."""
    match = re.search(rf'class="[^"]*\b{css_class}\b[^"]*"[^>]*>([^<]*)<', html)
    assert match, f"no .{css_class} on the page"
    return match.group(1).strip()
