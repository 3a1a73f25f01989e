"""The one permission layer: role checks for views, and record scope for queries and records.

Scope rules (DESIGN.md): an admin and a city-level coordinator (no county) see everything;
a county coordinator sees that county's cohorts and trainees; a trainer sees the cohorts
they teach and the trainees enrolled in them; a trainee sees only themself.
Out-of-scope records answer 403 to staff and 404 to trainees, who must not learn that
other people's records exist.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, exists, false, select, true

from training import audit
from training.extensions import db, login_manager
from training.models import Cohort, Enrollment, Role, Trainee, User, cohort_trainer


def roles_required(*roles: Role):
    """View decorator: signed in, and one of these roles."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                deny("role", None)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def deny(entity_type: str, entity_id) -> None:
    """Answer 403 (404 for trainees) and leave an audit event behind (and nothing else)."""
    db.session.rollback()
    audit.record("access_denied", entity_type, entity_id)
    db.session.commit()
    abort(404 if current_user.role == Role.TRAINEE else 403)


def sees_everything(user: User) -> bool:
    return user.role == Role.ADMIN or (user.role == Role.COORDINATOR and user.county_code is None)


def is_reviewer(user: User) -> bool:
    """Who reviews what coordinators prepare (a claim, a filing): a reviewer account, or a coordinator
    of the city (no county). Never what they prepared themselves: each lifecycle checks that."""
    return user.role == Role.REVIEWER or (user.role == Role.COORDINATOR and user.county_code is None)


def coordinates(user: User, cohort: Cohort) -> bool:
    """A coordinator of the cohort's county or of the city: who prepares its filing and its claims."""
    return user.role == Role.COORDINATOR and user.county_code in (None, cohort.county_code)


def cohort_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Cohort limiting it to what the user may see."""
    if sees_everything(user):
        return true()
    if user.role == Role.COORDINATOR:
        return Cohort.county_code == user.county_code
    if user.role == Role.TRAINER:
        return Cohort.id.in_(select(cohort_trainer.c.cohort_id).where(cohort_trainer.c.user_id == user.id))
    if user.role == Role.TRAINEE and user.trainee_id is not None:
        return Cohort.id.in_(select(Enrollment.cohort_id).where(Enrollment.trainee_id == user.trainee_id))
    return false()


def trainee_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Trainee limiting it to what the user may see."""
    if sees_everything(user):
        return true()
    if user.role == Role.TRAINEE:
        return Trainee.id == user.trainee_id if user.trainee_id else false()
    # Uncorrelated: the database computes the enrolled ids once, not once per trainee.
    in_visible_cohort = Trainee.id.in_(
        select(Enrollment.trainee_id).join(Cohort, Cohort.id == Enrollment.cohort_id).where(cohort_scope(user))
    )
    if user.role == Role.COORDINATOR:
        return (Trainee.county_code == user.county_code) | in_visible_cohort
    return in_visible_cohort


def can_see_cohort(user: User, cohort: Cohort) -> bool:
    return bool(db.session.scalar(select(exists().where(Cohort.id == cohort.id, cohort_scope(user)))))


def can_see_trainee(user: User, trainee: Trainee) -> bool:
    return bool(db.session.scalar(select(exists().where(Trainee.id == trainee.id, trainee_scope(user)))))


def can_edit_trainee(user: User, trainee: Trainee) -> bool:
    """A person's record is kept by their own county's coordinators (or the city's); one who sees
    them only through a cohort of their county may read it, not change it."""
    if sees_everything(user):
        return True
    return user.role == Role.COORDINATOR and user.county_code is not None and user.county_code == trainee.county_code


def can_manage_cohort(user: User, cohort: Cohort) -> bool:
    """Coordinators in scope change cohorts; trainers only mark and score what they teach."""
    return user.role in (Role.ADMIN, Role.COORDINATOR) and can_see_cohort(user, cohort)


def require_cohort(cohort_id: int) -> Cohort:
    """The cohort, if the current user may see it; else 404 / 403."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if not can_see_cohort(current_user, cohort):
        deny("cohort", cohort_id)
    return cohort


def require_trainee(trainee_id: int) -> Trainee:
    """The trainee, if the current user may see them; else 404 / 403."""
    trainee = db.get_or_404(Trainee, trainee_id)
    if not can_see_trainee(current_user, trainee):
        deny("trainee", trainee_id)
    return trainee
