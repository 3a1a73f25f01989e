"""Assessment operations: recording scores, and finalising a cohort under the completion rule.

Both change data in the caller's transaction and never commit; a refusal is an
AssessmentRefused with a message for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from training import audit
from training.assessment.queries import FINALISABLE, UnmarkedSession, any_scores, standings, unmarked_sessions
from training.catalog.services import change_status
from training.completion import format_score
from training.exceptions import DomainError
from training.extensions import db
from training.models import SEATED, Certificate, CertificateStatus, Cohort, CohortStatus, Enrollment, EnrollmentStatus
from training.orm import lock_row

SESSION_TIME = "yyyy-MM-dd HH:mm"

# {enrollment id: {"theory" | "practical": (score as the grid loaded it, score entered)}}
ScoreChanges = dict[int, dict[str, tuple[Decimal | None, Decimal | None]]]


class AssessmentRefused(DomainError):
    pass


class ScoreConflict(AssessmentRefused):
    """Someone else changed scores this grid also changed: (enrollment id, kind) → (score now, message)."""

    def __init__(self, cells: dict[tuple[int, str], tuple[Decimal | None, str]]):
        super().__init__(_("Some scores were changed by someone else meanwhile. Check them and save again."))
        self.cells = cells


class FinaliseRefused(AssessmentRefused):
    def __init__(self, message: str, unmarked: list[UnmarkedSession] | None = None):
        super().__init__(message)
        self.unmarked = unmarked or []


def _shown(score: Decimal | None) -> str | None:
    return None if score is None else format_score(score)


def record_scores(cohort_id: int, changes: ScoreChanges) -> int:
    """Write the scores the grid changed, all or none; one audit event per enrollment. Returns how many changed."""
    cohort = lock_row(db.session, Cohort, cohort_id)
    if cohort.status == CohortStatus.CLOSED:
        raise AssessmentRefused(_("This cohort is closed; its scores can no longer change."))
    enrollments = {
        e.id: e
        for e in db.session.scalars(
            select(Enrollment)
            .where(Enrollment.id.in_(list(changes)), Enrollment.cohort_id == cohort.id, Enrollment.status.in_(SEATED))
            .with_for_update()
        )
    }
    conflicts = {}
    for enrollment_id, cells in changes.items():
        enrollment = enrollments.get(enrollment_id)
        for kind, (loaded, entered) in cells.items():
            current = getattr(enrollment, f"{kind}_score") if enrollment else None
            if enrollment and current != loaded and current != entered:
                conflicts[(enrollment_id, kind)] = (
                    current,
                    _(
                        "Changed meanwhile by someone else to %(score)s. Check it and save again.",
                        score=_shown(current) or _("empty"),
                    ),
                )
    if conflicts:
        raise ScoreConflict(conflicts)
    changed = 0
    for enrollment_id, cells in changes.items():
        enrollment = enrollments.get(enrollment_id)
        if enrollment is None:
            continue
        before, after = {}, {}
        for kind, (_loaded, entered) in cells.items():
            column = f"{kind}_score"
            if getattr(enrollment, column) != entered:
                before[column], after[column] = _shown(getattr(enrollment, column)), _shown(entered)
                setattr(enrollment, column, entered)
        if after:
            changed += 1
            audit.record(
                "scores_changed",
                "enrollment",
                enrollment.id,
                before=before,
                after=after | {"trainee_id": enrollment.trainee_id, "cohort_id": cohort.id},
            )
    return changed


def session_label(session) -> str:
    """A session as a refusal names it: its local date and time, and its topic."""
    when = format_datetime(session.starts_at, SESSION_TIME)
    return f"{when} {session.topic}".strip()


@dataclass
class Outcome:
    completed: list[Enrollment] = field(default_factory=list)
    failed: list[Enrollment] = field(default_factory=list)


def finalise(cohort_id: int, decided_by_id: int | None, now: datetime) -> Outcome:
    """Mark every trainee holding a place completed or failed by the completion rule as of `now`;
    a running cohort becomes finished."""
    cohort = lock_row(db.session, Cohort, cohort_id)
    if cohort.status not in FINALISABLE:
        raise FinaliseRefused(_("Only a running or finished cohort can be finalised."))
    unmarked = unmarked_sessions(cohort.id, now)
    if unmarked:
        raise FinaliseRefused(
            _(
                "Attendance is not marked yet for these sessions: %(sessions)s. Mark them first.",
                sessions="; ".join(session_label(u.session) for u in unmarked),
            ),
            unmarked,
        )
    judged = standings(cohort, now)
    if not judged:
        raise FinaliseRefused(_("Nobody holds a place in this cohort."))
    if not any_scores(s.enrollment for s in judged):
        raise FinaliseRefused(
            _("No scores are entered for this cohort yet. Enter the theory and practical scores before finalising.")
        )
    _refuse_failing_certified(judged)
    outcome = Outcome()
    for standing in judged:
        enrollment, verdict = standing.enrollment, standing.verdict
        status = EnrollmentStatus.COMPLETED if verdict.eligible else EnrollmentStatus.FAILED
        reason = "; ".join(verdict.reasons) or None
        (outcome.completed if verdict.eligible else outcome.failed).append(enrollment)
        if (enrollment.status, enrollment.decision_reason) == (status, reason):
            continue
        before = enrollment.status
        if before != status:
            enrollment.status, enrollment.status_changed_at = status, now
        enrollment.decided_by_id, enrollment.decision_reason = decided_by_id, reason
        audit.record(
            f"enrollment_{status}",
            "enrollment",
            enrollment.id,
            before={"status": before},
            after={
                "status": status,
                "trainee_id": enrollment.trainee_id,
                "cohort_id": cohort.id,
                "attended_hours": _shown(verdict.attended_hours),
                "scheduled_hours": _shown(verdict.scheduled_hours),
                "theory_score": _shown(enrollment.theory_score),
                "practical_score": _shown(enrollment.practical_score),
                "reasons": [s.rule for s in verdict.shortfalls],
            },
        )
    if cohort.status == CohortStatus.RUNNING:
        change_status(cohort, CohortStatus.FINISHED)
    return outcome


def _refuse_failing_certified(judged) -> None:
    """A valid certificate must keep certifying a completed training: revoke it before failing someone."""
    failing = {s.enrollment.id: s.enrollment for s in judged if not s.verdict.eligible}
    certified = db.session.scalars(
        select(Certificate.enrollment_id).where(
            Certificate.enrollment_id.in_(list(failing)), Certificate.status == CertificateStatus.VALID
        )
    ).all()
    if certified:
        names = ", ".join(failing[i].trainee.name for i in certified)
        raise FinaliseRefused(
            _(
                "%(names)s would no longer pass but hold a valid certificate. "
                "Revoke the certificate first, or correct the scores.",
                names=names,
            )
        )
