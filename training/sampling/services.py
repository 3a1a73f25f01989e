"""A cohort's phone sample and its calls: what the pages show, each in a fixed number of statements,
and recording a call or showing a number, each audited. Services never commit: the view does.

A denied confirmation marks the cohort for review, for good: calls are only added, so a later
"confirmed" never hides it (the cohort page and its subsidy claim show it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, distinct, func, select
from sqlalchemy.orm import joinedload

from training import audit
from training.exceptions import DomainError
from training.extensions import db
from training.models import (
    SAMPLED,
    SEATED,
    Cohort,
    Enrollment,
    SampleCall,
    SampleOutcome,
    User,
)
from training.sampling.access import teaches
from training.sampling.sample import draw, sample_size


class CallRefused(DomainError):
    """The call cannot be recorded (or its number shown) by this user for this trainee."""


@dataclass
class SampledPerson:
    enrollment: Enrollment
    drawn: bool  # in the sample now (else phoned earlier, and the sample has changed since)
    calls: list[SampleCall] = field(default_factory=list)  # oldest first

    @property
    def latest(self) -> SampleCall | None:
        return self.calls[-1] if self.calls else None

    @property
    def denied(self) -> bool:
        return any(call.outcome == SampleOutcome.DENIED for call in self.calls)


@dataclass
class SamplePage:
    seated: int
    size: int
    people: list[SampledPerson]

    @property
    def denied(self) -> int:
        return sum(person.denied for person in self.people)

    @property
    def reached(self) -> int:
        """People whose latest call reached them (confirmed or denied)."""
        return sum(1 for p in self.people if p.latest and p.latest.outcome != SampleOutcome.UNREACHABLE)


def _seated(cohort_id: int) -> list[Enrollment]:
    return list(
        db.session.scalars(
            select(Enrollment)
            .where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(SEATED))
            .options(joinedload(Enrollment.trainee))
        )
    )


def sample_page(cohort: Cohort, secret: str, share: Fraction) -> SamplePage:
    """The sample in the order to phone it, then anyone phoned who has left it since; two statements."""
    seated = {e.id: e for e in _seated(cohort.id)}
    drawn = draw(secret, cohort.id, seated, share)
    people = {eid: SampledPerson(seated[eid], True) for eid in drawn}
    calls = db.session.scalars(
        select(SampleCall)
        .where(SampleCall.cohort_id == cohort.id)
        .options(joinedload(SampleCall.called_by), joinedload(SampleCall.enrollment).joinedload(Enrollment.trainee))
        .order_by(SampleCall.called_at, SampleCall.id)
    )
    for call in calls:
        person = people.setdefault(call.enrollment_id, SampledPerson(call.enrollment, False))
        person.calls.append(call)
    return SamplePage(len(seated), sample_size(len(seated), share), list(people.values()))


def sampled_enrollment(cohort: Cohort, enrollment_id: int, secret: str, share: Fraction) -> Enrollment | None:
    """The enrollment, if it is in the cohort's sample now."""
    seated = {e.id: e for e in _seated(cohort.id)}
    return seated[enrollment_id] if enrollment_id in draw(secret, cohort.id, seated, share) else None


def _may_phone(cohort: Cohort, user: User) -> None:
    if teaches(user, cohort):
        raise CallRefused(_("You teach this class: someone who does not phones its trainees."))


def record_call(
    cohort: Cohort, enrollment: Enrollment, outcome: SampleOutcome, note: str, *, caller: User, now: datetime
) -> SampleCall:
    """Add the outcome of a call to a sampled trainee, audited (the caller's permission checked by the view)."""
    _may_phone(cohort, caller)
    call = SampleCall(
        cohort_id=cohort.id,
        enrollment_id=enrollment.id,
        outcome=outcome,
        note=note.strip(),
        called_by_id=caller.id,
        called_at=now,
    )
    db.session.add(call)
    db.session.flush()
    after = {"cohort_id": cohort.id, "enrollment_id": enrollment.id, "outcome": str(outcome), "note": call.note}
    audit.record("sample_call_recorded", "sample_call", call.id, after=after)
    return call


def show_number(cohort: Cohort, enrollment: Enrollment, *, caller: User) -> str:
    """The trainee's phone number in full, to call it; audited, since the page masks it otherwise."""
    _may_phone(cohort, caller)
    audit.record("sample_phone_shown", "enrollment", enrollment.id, after={"cohort_id": cohort.id})
    return enrollment.trainee.phone or ""


def denied_counts(cohort_ids: list[int]) -> dict[int, int]:
    """Cohort id → how many of its trainees denied attending on a call (absent: none did)."""
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        select(SampleCall.cohort_id, func.count(distinct(SampleCall.enrollment_id)))
        .where(SampleCall.cohort_id.in_(cohort_ids), SampleCall.outcome == SampleOutcome.DENIED)
        .group_by(SampleCall.cohort_id)
    )
    return dict(rows.tuples().all())


def sampled_cohorts(scope: ColumnElement[bool]) -> Select:
    """The running and finished cohorts in scope, newest first, with course and county, for paginating."""
    return (
        select(Cohort)
        .where(Cohort.status.in_(SAMPLED), scope)
        .options(joinedload(Cohort.course), joinedload(Cohort.county))
        .order_by(Cohort.start_date.desc(), Cohort.id.desc())
    )


@dataclass(frozen=True)
class CohortCounts:
    seated: int
    size: int
    called: int  # trainees phoned at least once
    denied: int


def cohort_counts(cohort_ids: list[int], share: Fraction) -> dict[int, CohortCounts]:
    """Per cohort: seated trainees, the sample's size, who was phoned, who denied; three statements."""
    if not cohort_ids:
        return {}
    seated = dict(
        db.session.execute(
            select(Enrollment.cohort_id, func.count())
            .where(Enrollment.cohort_id.in_(cohort_ids), Enrollment.status.in_(SEATED))
            .group_by(Enrollment.cohort_id)
        )
        .tuples()
        .all()
    )
    called = dict(
        db.session.execute(
            select(SampleCall.cohort_id, func.count(distinct(SampleCall.enrollment_id)))
            .where(SampleCall.cohort_id.in_(cohort_ids))
            .group_by(SampleCall.cohort_id)
        )
        .tuples()
        .all()
    )
    denied = denied_counts(cohort_ids)
    return {
        cid: CohortCounts(
            seated.get(cid, 0), sample_size(seated.get(cid, 0), share), called.get(cid, 0), denied.get(cid, 0)
        )
        for cid in cohort_ids
    }
