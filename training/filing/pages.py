"""What the filing pages show, each in a fixed number of statements: the panel on the cohort page
(one), a cohort's filing page, and what waits for a reviewer (filings submitted, changes not
acknowledged) in the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from training.extensions import db
from training.filing import changes
from training.filing.access import filing_scope
from training.filing.deadline import Deadline, deadline_of
from training.models import Cohort, Filing, FilingChange, FilingStatus, User


@dataclass(frozen=True)
class Panel:
    """The cohort page's filing panel: the filing's status (or none), changes waiting, the last day to file."""

    filing: Filing | None
    waiting_changes: int
    deadline: Deadline


def panel(cohort: Cohort) -> Panel:
    unacknowledged = (
        select(func.count(FilingChange.id))
        .where(FilingChange.filing_id == Filing.id, FilingChange.acknowledged_at.is_(None))
        .scalar_subquery()
    )
    row = db.session.execute(select(Filing, unacknowledged).where(Filing.cohort_id == cohort.id)).first()
    filing, waiting = (row[0], row[1]) if row else (None, 0)
    return Panel(filing, waiting, deadline_of(cohort.start_date))


@dataclass
class FilingPage:
    cohort: Cohort
    filing: Filing | None
    deadline: Deadline
    now: dict | None = None  # the snapshot the records give now, once approved
    differences: list[changes.Difference] = field(default_factory=list)
    people: dict[int, User] = field(default_factory=dict)

    @property
    def shown(self) -> dict | None:
        """What the page shows as the filing: as it stands (approved, with its changes) or as prepared."""
        if self.filing is None:
            return None
        return changes.baseline(self.filing) if self.filing.status == FilingStatus.APPROVED else self.filing.snapshot

    def name_of(self, user_id: int | None) -> str:
        user = self.people.get(user_id) if user_id is not None else None
        return (user.display_name or user.username) if user else "—"


def filing_page(cohort_id: int) -> FilingPage:
    cohort = db.session.scalars(
        select(Cohort)
        .where(Cohort.id == cohort_id)
        .options(joinedload(Cohort.course), joinedload(Cohort.county), selectinload(Cohort.trainers))
    ).one()
    filing = db.session.scalars(
        select(Filing)
        .where(Filing.cohort_id == cohort_id)
        .options(selectinload(Filing.changes))
        .execution_options(populate_existing=True)
    ).one_or_none()
    page = FilingPage(cohort, filing, deadline_of(cohort.start_date))
    if filing is None:
        return page
    page.now, page.differences = changes.now_and_differences(filing, current_app.config["BABEL_DEFAULT_TIMEZONE"])
    ids = {
        filing.prepared_by_id,
        filing.submitted_by_id,
        filing.reviewed_by_id,
        *(r.get("by") for r in filing.returns),
        *(c.prepared_by_id for c in filing.changes),
        *(c.acknowledged_by_id for c in filing.changes),
    } - {None}
    page.people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return page


@dataclass(frozen=True)
class Waiting:
    filings: list[Filing]  # submitted, oldest first
    changes: list[FilingChange]  # not acknowledged, oldest first


def waiting_for_review(user: User, limit: int = 50) -> Waiting:
    filings = db.session.scalars(
        select(Filing)
        .join(Cohort, Cohort.id == Filing.cohort_id)
        .where(Filing.status == FilingStatus.SUBMITTED, filing_scope(user))
        .options(joinedload(Filing.cohort).joinedload(Cohort.course))
        .order_by(Filing.submitted_at, Filing.id)
        .limit(limit)
    )
    waiting_changes = db.session.scalars(
        select(FilingChange)
        .join(Filing, Filing.id == FilingChange.filing_id)
        .join(Cohort, Cohort.id == Filing.cohort_id)
        .where(FilingChange.acknowledged_at.is_(None), filing_scope(user))
        .options(joinedload(FilingChange.filing).joinedload(Filing.cohort))
        .order_by(FilingChange.created_at, FilingChange.id)
        .limit(limit)
    )
    return Waiting(list(filings), list(waiting_changes))
