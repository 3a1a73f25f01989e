"""Who reads a cohort's filing and who does what to it.

Reading: admins, reviewers and city-level coordinators read every filing; a county coordinator
reads their county's; trainers and trainees none (403, and 404 to trainees).

Doing (the lifecycle and the changes ask `may` too, so a page cannot be bypassed):
- prepare, submit and record a change: a coordinator of the cohort's county or of the city;
- approve, return and acknowledge a change: a reviewer (permissions.is_reviewer), never on what they
  prepared or submitted (the lifecycle's four-eyes rule, beside the steps it guards).
Admins manage accounts, not filings: they read, and do nothing.
"""

from __future__ import annotations

import enum

from flask_login import current_user
from sqlalchemy import ColumnElement, false, true

from training.extensions import db
from training.models import Cohort, Role, User
from training.permissions import coordinates, deny, is_reviewer


class Action(enum.StrEnum):
    PREPARE = "prepare"
    SUBMIT = "submit"
    REVIEW = "review"  # approve or return
    RECORD_CHANGE = "record_change"
    ACKNOWLEDGE = "acknowledge"


def sees_every_filing(user: User) -> bool:
    return user.role == Role.ADMIN or is_reviewer(user)


def filing_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Cohort limiting filings to those the user reads."""
    if sees_every_filing(user):
        return true()
    if user.role == Role.COORDINATOR:
        return Cohort.county_code == user.county_code
    return false()


def can_see_filing(user: User, cohort: Cohort) -> bool:
    return sees_every_filing(user) or (user.role == Role.COORDINATOR and user.county_code == cohort.county_code)


def may(user: User, action: Action, cohort: Cohort) -> bool:
    """Whether the user's role and scope let them take this step (not whether its time has come)."""
    if action in (Action.PREPARE, Action.SUBMIT, Action.RECORD_CHANGE):
        return coordinates(user, cohort)
    return is_reviewer(user)


def require_filed_cohort(cohort_id: int) -> Cohort:
    """The cohort whose filing the current user may read; else 404 (unknown) or 403 (out of scope)."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if not can_see_filing(current_user, cohort):
        deny("filing", cohort_id)
    return cohort
