"""Who reads a cohort's phone sample and who phones it.

Reading: admins, reviewers and city-level coordinators (no county) read every sample; a county
coordinator reads their county's; trainers and trainees none (403, 404 to trainees).
Phoning (seeing a number in full, recording an outcome): a coordinator of the cohort's county or of
the city who does not teach it, since a class's trainer is the one the call checks on. Reviewers
read what was found; admins manage accounts, not calls.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, false, true

from training.extensions import db
from training.models import SAMPLED, Cohort, Role, User
from training.permissions import coordinates, deny, is_reviewer


def reads_every_sample(user: User) -> bool:
    return user.role == Role.ADMIN or is_reviewer(user)


def sample_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Cohort limiting it to the samples the user reads."""
    if reads_every_sample(user):
        return true()
    if user.role == Role.COORDINATOR:
        return Cohort.county_code == user.county_code
    return false()


def can_read(user: User, cohort: Cohort) -> bool:
    if reads_every_sample(user):
        return True
    return user.role == Role.COORDINATOR and user.county_code == cohort.county_code


def teaches(user: User, cohort: Cohort) -> bool:
    return any(trainer.id == user.id for trainer in cohort.trainers)


def may_call(user: User, cohort: Cohort) -> bool:
    """A coordinator in scope who does not teach the class."""
    return coordinates(user, cohort) and not teaches(user, cohort)


def require_sampled_cohort(cohort_id: int) -> Cohort:
    """The cohort, if the user reads its sample (else 403 / 404) and it runs or ran (else 404)."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if not can_read(current_user, cohort):
        deny("cohort", cohort_id)
    if cohort.status not in SAMPLED:
        abort(404)
    return cohort
