"""Courses in the catalog: their details, creating and changing them, retiring and deleting them.

Functions over db.session that raise CatalogRefused instead of returning flags; they never
commit. Every change is audited. A course that ever had a cohort is retired, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from training import audit
from training.catalog.services import CatalogRefused
from training.extensions import db
from training.models import Cohort, CohortStatus, Course


@dataclass
class CourseDetails:
    code: str
    name: str
    occupation: str
    level: int
    labour_brand: str
    total_hours: int
    min_attendance_pct: int
    pass_score: int
    marks_per_session: int = 1  # 2: sign-in and sign-out (签到 / 签退)


def _course_snapshot(course: Course) -> dict:
    return {
        "code": course.code,
        "name": course.name,
        "occupation": course.occupation,
        "level": course.level,
        "labour_brand": course.labour_brand,
        "total_hours": course.total_hours,
        "min_attendance_pct": course.min_attendance_pct,
        "pass_score": course.pass_score,
        "marks_per_session": course.marks_per_session,
        "active": course.active,
    }


def _check_course(details: CourseDetails, course_id: int | None = None) -> None:
    taken = db.session.scalar(
        select(Course.id).where(func.lower(Course.code) == details.code.lower(), Course.id != (course_id or 0))
    )
    if taken:
        raise CatalogRefused(_("The course code %(code)s is already used.", code=details.code))
    if details.level not in range(1, 6):
        raise CatalogRefused(_("The level is one of the national levels 5 to 1."))
    if details.marks_per_session not in (1, 2):
        raise CatalogRefused(_("A session takes one mark or two (sign-in and sign-out)."))


def _apply_course(course: Course, details: CourseDetails) -> None:
    for name, value in vars(details).items():
        setattr(course, name, value.strip() if isinstance(value, str) else value)


def courses_query() -> Select:
    """All courses, active ones first."""
    return select(Course).order_by(Course.active.desc(), Course.code)


def cohort_counts(course_ids: list[int]) -> dict[int, int]:
    """How many cohorts each of these courses has."""
    rows = db.session.execute(
        select(Cohort.course_id, func.count()).where(Cohort.course_id.in_(course_ids)).group_by(Cohort.course_id)
    )
    return dict(rows.tuples().all())


def create_course(details: CourseDetails) -> Course:
    _check_course(details)
    course = Course()
    _apply_course(course, details)
    db.session.add(course)
    db.session.flush()
    audit.record("course_created", "course", course.id, after=_course_snapshot(course))
    return course


def update_course(course: Course, details: CourseDetails) -> None:
    _check_course(details, course.id)
    if details.marks_per_session != course.marks_per_session and db.session.scalar(
        select(Cohort.id).where(Cohort.course_id == course.id, Cohort.status == CohortStatus.RUNNING).limit(1)
    ):
        # The marks of a running class were made under the rule it started with: a switch would
        # leave signed-in trainees with no sign-out to give, or count hours the rule did not.
        raise CatalogRefused(
            _("A class of this course is running: the number of marks per session changes once it has finished.")
        )
    before = _course_snapshot(course)
    _apply_course(course, details)
    if _course_snapshot(course) != before:
        audit.record("course_updated", "course", course.id, before=before, after=_course_snapshot(course))


def set_course_active(course: Course, active: bool) -> None:
    """Retire a course (no new cohorts) or bring it back."""
    if course.active == active:
        return
    course.active = active
    audit.record(
        "course_reactivated" if active else "course_retired",
        "course",
        course.id,
        before={"active": not active},
        after={"active": active},
    )


def delete_course(course: Course) -> None:
    """Only a course that never had a cohort may go; the others are retired."""
    if cohort_counts([course.id]).get(course.id):
        raise CatalogRefused(
            _("The course %(code)s has cohorts and cannot be deleted; retire it instead.", code=course.code)
        )
    audit.record("course_deleted", "course", course.id, before=_course_snapshot(course))
    db.session.delete(course)
