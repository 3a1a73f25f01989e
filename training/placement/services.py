"""Employer registry, placements and follow-ups: the operations that change data.

Every operation raises a DomainError subclass with a message for the user instead of
returning a flag, records an audit event with before and after, and never commits.
Ending a placement answers the follow-ups that fall due after the end date by itself:
they are recorded as "not employed" with the note ENDED_NOTE, so nobody phones a
graduate about a job that is already known to be over; earlier ones stay to be done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training import audit
from training.exceptions import DomainError, InvalidValue
from training.extensions import db
from training.models import Employer, Enrollment, EnrollmentStatus, FollowUp, Placement, PlacementKind, Trainee, utcnow
from training.orm import lock_row
from training.placement import rules


class EmployerRefused(DomainError):
    def __init__(self, message, existing: Employer | None = None):
        super().__init__(str(message))
        self.existing = existing


class PlacementRefused(DomainError):
    pass


@dataclass
class EmployerData:
    name: str
    uscc: str
    province: str = ""
    city: str = ""
    county: str = ""
    industry: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass
class PlacementData:
    employer_id: int | None
    position: str
    kind: str
    scope: str
    start_date: date
    monthly_wage: Decimal | None
    place: str = ""
    contract_months: int | None = None


@dataclass
class FollowUpAnswer:
    still_employed: bool
    same_employer: bool | None
    monthly_wage: Decimal | None
    note: str = ""


def employer_snapshot(employer: Employer) -> dict:
    return {field: getattr(employer, field) for field in EmployerData.__dataclass_fields__}


def placement_snapshot(placement: Placement) -> dict:
    return {
        "trainee_id": placement.trainee_id,
        "enrollment_id": placement.enrollment_id,
        "employer_id": placement.employer_id,
        "position": placement.position,
        "kind": placement.kind,
        "scope": placement.scope,
        "place": placement.place,
        "start_date": _iso(placement.start_date),
        "monthly_wage": str(placement.monthly_wage),
        "contract_months": placement.contract_months,
        "end_date": _iso(placement.end_date),
        "end_reason": placement.end_reason,
    }


def follow_up_snapshot(follow_up: FollowUp) -> dict:
    return {
        "placement_id": follow_up.placement_id,
        "due_months": follow_up.due_months,
        "due_date": _iso(follow_up.due_date),
        "still_employed": follow_up.still_employed,
        "same_employer": follow_up.same_employer,
        "monthly_wage": None if follow_up.monthly_wage is None else str(follow_up.monthly_wage),
        "note": follow_up.note,
        "checked_by_id": follow_up.checked_by_id,
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def find_employer_by_code(code: str) -> Employer | None:
    return db.session.scalar(select(Employer).where(Employer.uscc == code))


def _refuse_taken_code(code: str, excluding_id: int | None = None) -> None:
    existing = find_employer_by_code(code)
    if existing is not None and existing.id != excluding_id:
        raise EmployerRefused(_("This code is already registered for %(name)s.", name=existing.name), existing=existing)


def _save_employer(employer: Employer, data: EmployerData) -> None:
    for field, value in vars(data).items():
        setattr(employer, field, value)
    db.session.add(employer)
    try:
        db.session.flush()
    except IntegrityError:
        # Another coordinator registered the same code a moment ago; the caller rolls back.
        raise EmployerRefused(_("This code was registered by someone else a moment ago; search for it.")) from None


def create_employer(data: EmployerData) -> Employer:
    """A new employer; one unified social credit code never makes two."""
    _refuse_taken_code(data.uscc)
    employer = Employer()
    _save_employer(employer, data)
    audit.record("employer_created", "employer", employer.id, after=employer_snapshot(employer))
    return employer


def update_employer(employer: Employer, data: EmployerData) -> bool:
    """Apply the changes; False when nothing changed."""
    before = employer_snapshot(employer)
    if before == vars(data):
        return False
    _refuse_taken_code(data.uscc, excluding_id=employer.id)
    _save_employer(employer, data)
    audit.record("employer_updated", "employer", employer.id, before=before, after=employer_snapshot(employer))
    return True


def open_placement(trainee_id: int) -> Placement | None:
    """The trainee's current job, if any."""
    return db.session.scalar(select(Placement).where(Placement.trainee_id == trainee_id, Placement.end_date.is_(None)))


def _checked(data: PlacementData, enrollment: Enrollment, max_wage) -> Decimal:
    """Refuse what the rules do not allow; return the wage rounded to the fen."""
    try:
        wage = rules.check_wage(data.monthly_wage, max_wage)
        rules.check_start_date(data.start_date, enrollment.cohort.end_date)
    except InvalidValue as error:
        raise PlacementRefused(str(error)) from None
    if data.kind not in set(PlacementKind):
        raise PlacementRefused(_("Choose the kind of job."))
    if data.employer_id is None and data.kind != PlacementKind.SELF_EMPLOYED:
        raise PlacementRefused(_("Choose the employer; only self-employment needs none."))
    if data.employer_id is not None and db.session.get(Employer, data.employer_id) is None:
        raise PlacementRefused(_("Choose an employer from the list."))
    return wage


def _schedule(placement: Placement) -> None:
    """Create the 3-, 6- and 12-month follow-ups, or move those not yet done to a new start."""
    existing = {f.due_months: f for f in placement.follow_ups}
    for months, due in rules.follow_up_schedule(placement.start_date):
        follow_up = existing.get(months)
        if follow_up is None:
            placement.follow_ups.append(FollowUp(due_months=months, due_date=due))
        elif follow_up.done_at is None:
            follow_up.due_date = due


def _apply(placement: Placement, data: PlacementData, wage: Decimal) -> None:
    placement.employer_id, placement.position, placement.kind = data.employer_id, data.position, data.kind
    placement.scope, placement.place, placement.start_date = data.scope, data.place, data.start_date
    placement.monthly_wage, placement.contract_months = wage, data.contract_months


def record_placement(enrollment_id: int, data: PlacementData, recorded_by_id: int | None, max_wage) -> Placement:
    """A graduate's job, linked to the completed training, with its follow-ups scheduled."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise PlacementRefused(_("Choose the training the job follows."))
    # Locked: two coordinators at once cannot both open a job for one person.
    trainee = lock_row(db.session, Trainee, enrollment.trainee_id)
    if enrollment.status != EnrollmentStatus.COMPLETED:
        raise PlacementRefused(
            _("%(name)s has not completed this training, so no job can be recorded for it.", name=trainee.name)
        )
    wage = _checked(data, enrollment, max_wage)
    current = open_placement(trainee.id)
    if current is not None:
        raise PlacementRefused(
            _(
                "%(name)s already has a current job (%(position)s since %(start)s). End it before recording a new one.",
                name=trainee.name,
                position=current.position,
                start=current.start_date.isoformat(),
            )
        )
    placement = Placement(trainee_id=trainee.id, enrollment_id=enrollment.id, recorded_by_id=recorded_by_id)
    _apply(placement, data, wage)
    _schedule(placement)
    db.session.add(placement)
    db.session.flush()
    audit.record("placement_created", "placement", placement.id, after=placement_snapshot(placement))
    return placement


def update_placement(placement: Placement, data: PlacementData, max_wage) -> bool:
    """Correct a recorded job; follow-ups not yet done move with a changed start date."""
    wage = _checked(data, placement.enrollment, max_wage)
    if placement.end_date is not None and data.start_date > placement.end_date:
        raise PlacementRefused(_("The start cannot be after the end (%(end)s).", end=placement.end_date.isoformat()))
    before = placement_snapshot(placement)
    _apply(placement, data, wage)
    if placement_snapshot(placement) == before:
        return False
    _schedule(placement)
    audit.record("placement_updated", "placement", placement.id, before=before, after=placement_snapshot(placement))
    return True


def end_placement(placement: Placement, end_date: date, reason: str, ended_by_id: int | None) -> list[FollowUp]:
    """Close the job; follow-ups due after the end are answered "not employed". Returns those."""
    if placement.end_date is not None:
        raise PlacementRefused(_("This job has already ended."))
    if not reason.strip():
        raise PlacementRefused(_("Give the reason the job ended."))
    try:
        rules.check_end_date(end_date, placement.start_date)
    except InvalidValue as error:
        raise PlacementRefused(str(error)) from None
    before = placement_snapshot(placement)
    placement.end_date, placement.end_reason = end_date, reason.strip()
    audit.record("placement_ended", "placement", placement.id, before=before, after=placement_snapshot(placement))
    due = [(f.due_months, f.due_date) for f in placement.follow_ups if f.done_at is None]
    closing = set(rules.closed_by_ending(due, end_date))
    closed = [f for f in placement.follow_ups if f.due_months in closing]
    for follow_up in closed:
        _answer(follow_up, FollowUpAnswer(False, None, None, rules.ENDED_NOTE), ended_by_id, "follow_up_closed")
    return closed


def _answer(follow_up: FollowUp, answer: FollowUpAnswer, checked_by_id: int | None, action: str) -> None:
    before = follow_up_snapshot(follow_up)
    follow_up.still_employed = answer.still_employed
    follow_up.same_employer = answer.same_employer if answer.still_employed else None
    follow_up.monthly_wage = answer.monthly_wage if answer.still_employed else None
    follow_up.note = answer.note.strip() or None
    follow_up.checked_by_id, follow_up.done_at = checked_by_id, utcnow()
    audit.record(action, "follow_up", follow_up.id, before=before, after=follow_up_snapshot(follow_up))


def record_follow_up(
    follow_up: FollowUp, answer: FollowUpAnswer, checked_by_id: int | None, max_wage, *, today: date
) -> FollowUp:
    """What the graduate said when called, from a few days before it is due (rules.follow_up_opens);
    recording again corrects the earlier answer."""
    try:
        rules.check_follow_up_open(follow_up.due_date, today)
    except InvalidValue as error:
        raise PlacementRefused(str(error)) from None
    if answer.still_employed:
        if answer.same_employer is None:
            raise PlacementRefused(_("Say whether it is the same employer."))
        if answer.monthly_wage is not None:
            try:
                answer.monthly_wage = rules.check_wage(answer.monthly_wage, max_wage)
            except InvalidValue as error:
                raise PlacementRefused(str(error)) from None
    _answer(follow_up, answer, checked_by_id, "follow_up_recorded")
    return follow_up


@dataclass
class GridRow:
    enrollment_id: int
    data: PlacementData


class GridRefused(DomainError):
    """Some rows were refused; `errors` maps each enrollment id to its reason."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(
            ngettext(
                "Nothing was saved: %(num)d row needs correcting.",
                "Nothing was saved: %(num)d rows need correcting.",
                len(errors),
            )
        )
        self.errors = errors


def record_many(rows: list[GridRow], recorded_by_id: int | None, max_wage) -> list[Placement]:
    """Record every row or, if any is refused, raise GridRefused naming each refused row.

    A refused row writes nothing (record_placement checks before it adds); the rows
    recorded before or after it are undone by the caller's rollback. No savepoints:
    on SQLite, releasing one opened before any write commits the transaction.
    """
    errors, placements = {}, []
    for row in rows:
        try:
            placements.append(record_placement(row.enrollment_id, row.data, recorded_by_id, max_wage))
        except PlacementRefused as refusal:
            errors[row.enrollment_id] = str(refusal)
    if errors:
        raise GridRefused(errors)
    return placements
