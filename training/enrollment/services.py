"""Enrollment operations: enroll, apply, accept, decline, withdraw, with capacity and subsidy rules.

Every operation locks the rows it decides on (the trainee for the subsidy count, the
cohort for its seats) so two requests at once cannot both take the last slot.

A coordinator's enrollment is also checked against the trainee's other classes at the same times
(a written reason goes on) and a running class too far along to join (nothing goes on): checks.py.

A subsidy rule's refusal is overridden by two people (nobody approves what they prepared): the
first writes the reason, and the enrollment waits as an application marked with its preparer;
another coordinator (of the county or the city) accepts it, and only then does it take a place.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from training import audit
from training.enrollment.checks import (
    EnrollmentRefused,
    Overlap,
    add_trainee_until,
    check_not_too_late,
    check_overlaps,
    hours_passed,
    is_too_late,
)
from training.enrollment.rules import PastTraining, SubsidyConflict, subsidy_conflicts
from training.extensions import db
from training.models import (
    HOLDING_A_PLACE,
    SEATED,
    Cohort,
    CohortStatus,
    Course,
    Enrollment,
    EnrollmentStatus,
    Trainee,
    utcnow,
)
from training.orm import lock_row

ENROLLABLE_COHORTS = (CohortStatus.OPEN, CohortStatus.RUNNING)


class OverrideNeedsAnotherPerson(EnrollmentRefused):
    """The preparer of a subsidy override tried to approve it."""


def history(trainee_id: int, excluding_cohort_id: int | None = None) -> list[PastTraining]:
    """The trainee's trainings, as the subsidy rules see them."""
    rows = db.session.execute(
        select(
            Cohort.code,
            Course.name,
            Course.occupation,
            Course.level,
            Cohort.start_date,
            Enrollment.status,
            Enrollment.subsidised,
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(Enrollment.trainee_id == trainee_id, Enrollment.cohort_id != (excluding_cohort_id or 0))
    )
    return [
        PastTraining(code, name, occupation, level, start.year, status, subsidised)
        for code, name, occupation, level, start, status, subsidised in rows
    ]


def check_subsidy(trainee: Trainee, cohort: Cohort, override_reason: str | None) -> list[SubsidyConflict]:
    """Raise EnrollmentRefused naming the rule and the earlier trainings, unless overridden."""
    course = cohort.course
    conflicts = subsidy_conflicts(
        history(trainee.id, excluding_cohort_id=cohort.id), course.occupation, course.level, cohort.start_date.year
    )
    if conflicts and not (override_reason and override_reason.strip()):
        raise EnrollmentRefused(" ".join(str(c.message) for c in conflicts), conflicts)
    return conflicts


def seats_taken(cohort_id: int) -> int:
    return db.session.execute(
        select(func.count()).where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(SEATED))
    ).scalar_one()


def _place(enrollment: Enrollment, cohort: Cohort) -> None:
    """Enrolled while seats remain, else at the end of the waiting list."""
    now = utcnow()
    if seats_taken(cohort.id) < cohort.capacity:
        enrollment.status = EnrollmentStatus.ENROLLED
    else:
        enrollment.status, enrollment.waitlisted_at = EnrollmentStatus.WAITLISTED, now
    enrollment.status_changed_at = now


def _existing(trainee_id: int, cohort_id: int) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.trainee_id == trainee_id, Enrollment.cohort_id == cohort_id)
    )


def _audit(action: str, enrollment: Enrollment, before: str | None, **extra) -> None:
    audit.record(
        action,
        "enrollment",
        enrollment.id,
        before={"status": before} if before else None,
        after={
            "status": enrollment.status,
            "trainee_id": enrollment.trainee_id,
            "cohort_id": enrollment.cohort_id,
            **extra,
        },
    )


def enroll(
    trainee_id: int,
    cohort_id: int,
    decided_by_id: int | None,
    override_reason: str | None = None,
    overlap_reason: str | None = None,
) -> Enrollment:
    """A coordinator's enrollment: not too late, subsidy rules, other classes at the same times (with
    overlap_reason the coordinator goes on, stored and audited), then a seat or the waiting list.

    With a written reason, a rule's refusal becomes an override prepared by decided_by_id: the
    enrollment is returned as an application awaiting another person's approval (accept()).
    Every refusal comes before the first write, so a caller may carry on after one.
    """
    trainee = lock_row(db.session, Trainee, trainee_id)
    cohort = lock_row(db.session, Cohort, cohort_id)
    if cohort.status not in ENROLLABLE_COHORTS:
        raise EnrollmentRefused(_("This cohort does not take enrollments now."))
    enrollment = _existing(trainee.id, cohort.id)
    if enrollment is not None and enrollment.status not in (
        EnrollmentStatus.WITHDRAWN,
        EnrollmentStatus.DECLINED,
        EnrollmentStatus.APPLIED,
    ):
        raise EnrollmentRefused(_("%(name)s is already in this cohort.", name=trainee.name))
    check_not_too_late(cohort)
    conflicts = check_subsidy(trainee, cohort, override_reason)
    if conflicts and decided_by_id is None:
        raise EnrollmentRefused(_("A subsidy override needs the coordinator who prepares it."), conflicts)
    found = check_overlaps(trainee, cohort, overlap_reason)
    before = enrollment.status if enrollment else None
    if enrollment is None:
        enrollment = Enrollment(trainee=trainee, cohort=cohort)
        db.session.add(enrollment)
    enrollment.overlap_reason = (overlap_reason or "").strip() if found else None
    if conflicts:
        placed = _prepare_override(enrollment, before, conflicts, decided_by_id, override_reason or "")
    else:
        enrollment.subsidy_override_reason = enrollment.override_prepared_by_id = None
        placed = _seat(enrollment, cohort, before, decided_by_id)
    if found:
        _audit_overlap(placed, found, decided_by_id)
    return placed


def _audit_overlap(enrollment: Enrollment, found: list[Overlap], decided_by_id: int | None) -> None:
    audit.record(
        "enrollment_overlap_accepted",
        "enrollment",
        enrollment.id,
        after={
            "reason": enrollment.overlap_reason,
            "cohorts": [o.cohort_code for o in found],
            "first": found[0].first.isoformat(),
            "trainee_id": enrollment.trainee_id,
            "cohort_id": enrollment.cohort_id,
        },
        actor_id=decided_by_id,
    )


def _seat(enrollment: Enrollment, cohort: Cohort, before: str | None, decided_by_id: int | None) -> Enrollment:
    enrollment.decided_by_id = decided_by_id
    enrollment.subsidised = True
    _place(enrollment, cohort)
    db.session.flush()
    _audit("enrollment_" + enrollment.status, enrollment, before)
    return enrollment


def _prepare_override(
    enrollment: Enrollment,
    before: str | None,
    conflicts: list[SubsidyConflict],
    prepared_by_id: int | None,
    reason: str,
) -> Enrollment:
    enrollment.status, enrollment.status_changed_at = EnrollmentStatus.APPLIED, utcnow()
    enrollment.subsidy_override_reason, enrollment.override_prepared_by_id = reason.strip(), prepared_by_id
    db.session.flush()
    audit.record(
        "subsidy_override_prepared",
        "enrollment",
        enrollment.id,
        before={"status": before} if before else None,
        after={
            "rules": [c.rule for c in conflicts],
            "reason": enrollment.subsidy_override_reason,
            "trainee_id": enrollment.trainee_id,
            "cohort_id": enrollment.cohort_id,
        },
        actor_id=prepared_by_id,
    )
    return enrollment


def approve_override(enrollment_id: int, approved_by_id: int) -> Enrollment:
    """The second person's approval of a prepared override: the enrollment takes a place (or waits)."""
    found = db.session.get(Enrollment, enrollment_id)
    if found is None:
        raise EnrollmentRefused(_("This enrollment awaits no override approval."))
    # The trainee and the cohort first, in enroll()'s order, then the enrollment as it is now.
    trainee = lock_row(db.session, Trainee, found.trainee_id)
    cohort = lock_row(db.session, Cohort, found.cohort_id)
    enrollment = lock_row(db.session, Enrollment, enrollment_id)
    if not enrollment.awaits_override_approval:
        raise EnrollmentRefused(_("This enrollment awaits no override approval."))
    if enrollment.override_prepared_by_id == approved_by_id:
        raise OverrideNeedsAnotherPerson(
            _(
                "Nobody approves what they prepared: another coordinator of the county, "
                "or the city's, must approve this subsidy override."
            )
        )
    if cohort.status not in ENROLLABLE_COHORTS:
        raise EnrollmentRefused(_("This cohort does not take enrollments now."))
    check_not_too_late(cohort)  # the overlaps were checked when the override was prepared
    conflicts = check_subsidy(trainee, cohort, enrollment.subsidy_override_reason)
    _seat(enrollment, cohort, EnrollmentStatus.APPLIED, approved_by_id)
    if conflicts:
        audit.record(
            "subsidy_override",
            "enrollment",
            enrollment.id,
            after={
                "rules": [c.rule for c in conflicts],
                "reason": enrollment.subsidy_override_reason,
                "prepared_by_id": enrollment.override_prepared_by_id,
                "approved_by_id": approved_by_id,
            },
            actor_id=approved_by_id,
        )
    else:  # the rule no longer refuses (an earlier training was withdrawn): no override is needed
        enrollment.subsidy_override_reason = enrollment.override_prepared_by_id = None
    return enrollment


def apply(trainee_id: int, cohort_id: int) -> Enrollment:
    """A trainee's own application to an open cohort; a coordinator decides on it."""
    trainee = lock_row(db.session, Trainee, trainee_id)
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.status != CohortStatus.OPEN:
        raise EnrollmentRefused(_("This class is not open for applications."))
    enrollment = _existing(trainee.id, cohort.id)
    if enrollment is not None and enrollment.status in HOLDING_A_PLACE:
        raise EnrollmentRefused(_("You have already applied to this class."))
    check_subsidy(trainee, cohort, None)
    before = enrollment.status if enrollment else None
    if enrollment is None:
        enrollment = Enrollment(trainee=trainee, cohort=cohort)
        db.session.add(enrollment)
    enrollment.status, enrollment.status_changed_at = EnrollmentStatus.APPLIED, utcnow()
    enrollment.applied_at = utcnow()
    db.session.flush()
    _audit("enrollment_applied", enrollment, before)
    return enrollment


def accept(
    enrollment_id: int, decided_by_id: int, override_reason: str | None = None, overlap_reason: str | None = None
) -> Enrollment:
    """Accept an application: the same checks as enroll(); a prepared override is approved."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.status != EnrollmentStatus.APPLIED:
        raise EnrollmentRefused(_("Only applications can be accepted."))
    if enrollment.awaits_override_approval:
        return approve_override(enrollment.id, decided_by_id)
    return enroll(enrollment.trainee_id, enrollment.cohort_id, decided_by_id, override_reason, overlap_reason)


def decline(enrollment_id: int, decided_by_id: int, reason: str) -> Enrollment:
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.status != EnrollmentStatus.APPLIED:
        raise EnrollmentRefused(_("Only applications can be declined."))
    if not reason.strip():
        raise EnrollmentRefused(_("Give a reason."))
    enrollment.status, enrollment.status_changed_at = EnrollmentStatus.DECLINED, utcnow()
    enrollment.decided_by_id, enrollment.decision_reason = decided_by_id, reason.strip()
    _audit("enrollment_declined", enrollment, EnrollmentStatus.APPLIED, reason=reason.strip())
    return enrollment


def withdraw(enrollment_id: int, decided_by_id: int | None, reason: str) -> Enrollment | None:
    """Withdraw with a reason; a freed seat goes to the first on the waiting list, who is returned."""
    if not reason.strip():
        raise EnrollmentRefused(_("Give a reason."))
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.status not in HOLDING_A_PLACE:
        raise EnrollmentRefused(_("Only a trainee who holds a place can withdraw."))
    cohort = lock_row(db.session, Cohort, enrollment.cohort_id)
    before = enrollment.status
    enrollment.status, enrollment.status_changed_at = EnrollmentStatus.WITHDRAWN, utcnow()
    enrollment.decided_by_id, enrollment.decision_reason = decided_by_id, reason.strip()
    _audit("enrollment_withdrawn", enrollment, before, reason=reason.strip())
    db.session.flush()
    return promote_from_waitlist(cohort) if before == EnrollmentStatus.ENROLLED else None


def promote_from_waitlist(cohort: Cohort) -> Enrollment | None:
    """Give a free seat to the longest-waiting trainee, if any; none once the running class is past
    the share of its hours after which nobody joins (checks.check_not_too_late): the waiting trainee
    never attended it, and keeps their place on the list."""
    if seats_taken(cohort.id) >= cohort.capacity:
        return None
    if cohort.status == CohortStatus.RUNNING and is_too_late(*hours_passed(cohort.id, utcnow()), add_trainee_until()):
        return None
    first = db.session.scalar(
        select(Enrollment)
        .where(Enrollment.cohort_id == cohort.id, Enrollment.status == EnrollmentStatus.WAITLISTED)
        .order_by(Enrollment.waitlisted_at, Enrollment.id)
        .limit(1)
    )
    if first is None:
        return None
    first.status, first.status_changed_at = EnrollmentStatus.ENROLLED, utcnow()
    _audit("enrollment_promoted", first, EnrollmentStatus.WAITLISTED)
    return first
