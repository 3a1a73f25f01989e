"""What changed since a filing was approved, and the changes recorded for it (变更).

The records are compared with the filing as it now stands: the approved snapshot, with each
recorded change's "after" in place of the parts it changed (baseline). Compared are the parts a
bureau cares about (COMPARED_FIELDS): the class's site, dates, capacity and training type; each
session's day, times, hours and kind (moved, added, removed); the trainers (added, removed: a
replacement is both); the roster (trainees added or withdrawn, or their name or ID number changed).
A trainee's new phone number is not a change of the class.

A coordinator in scope records the differences as one FilingChange with a reason, storing each part
that changed before and after; a reviewer acknowledges it, never the one who recorded it. Until
every difference is recorded and every change acknowledged the class does not start (filing/gate.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from training import audit
from training.extensions import db
from training.filing import snapshot
from training.filing.access import Action, may
from training.filing.lifecycle import FilingRefused, reason
from training.identity import mask_id_number
from training.models import CohortStatus, Filing, FilingChange, FilingStatus, User
from training.orm import lock_row

COMPARED_FIELDS: dict[str, tuple[str, ...]] = {
    "class": ("site_name", "site_kind", "start_date", "end_date", "capacity", "training_type"),
    "timetable": ("date", "starts", "ends", "hours", "kind"),
    "trainers": (),
    "roster": ("name", "id_number"),
}
CLASS_FIELDS = {
    "site_name": _l("Site"),
    "site_kind": _l("Kind of site"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "capacity": _l("Capacity"),
    "training_type": _l("Training type"),
}
# A change is recorded while the class has not finished.
CHANGEABLE = (CohortStatus.OPEN, CohortStatus.RUNNING)


@dataclass(frozen=True)
class Difference:
    section: str  # one of snapshot.COMPARED
    kind: str  # added, removed, changed
    before: Mapping | None
    after: Mapping | None


def baseline(filing: Filing) -> dict:
    """The filing as it stands: its approved snapshot with the recorded changes applied, in order."""
    current = dict(filing.snapshot)
    for change in filing.changes:
        for section, parts in change.changes.items():
            current[section] = parts["after"]
    return current


def _fields(row: Mapping, section: str) -> tuple:
    return tuple(row.get(name) for name in COMPARED_FIELDS[section])


def compare(before: Mapping, after: Mapping) -> list[Difference]:
    """The differences between two snapshots, part by part, in the order of snapshot.COMPARED."""
    found: list[Difference] = []
    for section in snapshot.COMPARED:
        old, new = before.get(section), after.get(section)
        if section not in snapshot.KEYS:
            if _fields(old or {}, section) != _fields(new or {}, section):
                found.append(Difference(section, "changed", old, new))
            continue
        key = snapshot.KEYS[section]
        old_rows = {row[key]: row for row in old or ()}
        new_rows = {row[key]: row for row in new or ()}
        for row_key, row in old_rows.items():
            if row_key not in new_rows:
                found.append(Difference(section, "removed", row, None))
            elif _fields(row, section) != _fields(new_rows[row_key], section):
                found.append(Difference(section, "changed", row, new_rows[row_key]))
        found.extend(Difference(section, "added", None, row) for k, row in new_rows.items() if k not in old_rows)
    return found


def now_and_differences(filing: Filing, timezone: str) -> tuple[dict, list[Difference]]:
    """The snapshot the records give now (with the filing's typed details) and how it differs from the
    filing as it stands; no differences before approval."""
    if filing.status != FilingStatus.APPROVED:
        return filing.snapshot, []
    current = baseline(filing)
    now = snapshot.take(filing.cohort_id, snapshot.FilingDetails.of(current), timezone)
    return now, compare(current, now)


def record_change(filing: Filing, why: str, *, user: User, now: datetime, timezone: str) -> FilingChange:
    """The differences between the records and the approved filing, recorded with the reason."""
    filing = lock_row(db.session, Filing, filing.id)
    cohort = filing.cohort
    if not may(user, Action.RECORD_CHANGE, cohort):
        raise FilingRefused(_("Only a coordinator of the cohort's county or of the city records a filing change."))
    if filing.status != FilingStatus.APPROVED:
        raise FilingRefused(_("Changes are recorded once the filing is approved; until then, prepare it again."))
    if cohort.status not in CHANGEABLE:
        raise FilingRefused(_("The class has finished: its filing no longer changes."))
    current, found = now_and_differences(filing, timezone)
    if not found:
        raise FilingRefused(_("Nothing has changed since the filing was approved."))
    why = reason(why, _("Say why the class changed."))
    before = baseline(filing)
    sections = sorted({d.section for d in found}, key=snapshot.COMPARED.index)
    change = FilingChange(
        filing=filing,
        reason=why,
        changes={s: {"before": before[s], "after": current[s]} for s in sections},
        prepared_by_id=user.id,
        created_at=now,
    )
    db.session.add(change)
    db.session.flush()
    audit.record(
        "filing_change_recorded",
        "filing",
        filing.id,
        after={"change_id": change.id, "reason": why, "sections": sections, "differences": len(found)},
    )
    return change


def acknowledge(change: FilingChange, *, user: User, now: datetime) -> None:
    """The reviewer has seen the change: never the coordinator who recorded it."""
    lock_row(db.session, Filing, change.filing_id)
    if not may(user, Action.ACKNOWLEDGE, change.filing.cohort):
        raise FilingRefused(_("Only a reviewer or a coordinator of the city acknowledges a filing change."))
    if user.id == change.prepared_by_id:
        raise FilingRefused(_("You recorded this change: someone else must acknowledge it."))
    if change.acknowledged_at is not None:
        raise FilingRefused(_("This change was acknowledged already."))
    change.acknowledged_by_id, change.acknowledged_at = user.id, now
    audit.record(
        "filing_change_acknowledged",
        "filing",
        change.filing_id,
        after={"change_id": change.id, "reason": change.reason},
    )


def differences_of(change: FilingChange) -> list[Difference]:
    """What a recorded change changed, as differences (its parts before and after)."""
    before = {s: parts["before"] for s, parts in change.changes.items()}
    after = {s: parts["after"] for s, parts in change.changes.items()}
    return [d for d in compare(before, after) if d.section in change.changes]


def _session(row: Mapping) -> str:
    return _("%(date)s %(starts)s–%(ends)s, %(hours)s h", **{k: row[k] for k in ("date", "starts", "ends", "hours")})


def _person(row: Mapping) -> str:
    return f"{row['name']}（{mask_id_number(row['id_number'])}）"


def describe(difference: Difference) -> str:
    """One difference in words (ID numbers masked)."""
    d = difference
    if d.section == "timetable":
        if d.kind == "added":
            return _("Session added: %(session)s", session=_session(d.after or {}))
        if d.kind == "removed":
            return _("Session removed: %(session)s", session=_session(d.before or {}))
        return _(
            "Session moved: %(before)s → %(after)s", before=_session(d.before or {}), after=_session(d.after or {})
        )
    if d.section == "trainers":
        if d.kind == "added":
            return _("Trainer added: %(name)s", name=(d.after or {}).get("name", ""))
        return _("Trainer removed: %(name)s", name=(d.before or {}).get("name", ""))
    if d.section == "roster":
        if d.kind == "added":
            return _("Trainee added: %(person)s", person=_person(d.after or {}))
        if d.kind == "removed":
            return _("Trainee withdrawn: %(person)s", person=_person(d.before or {}))
        return _(
            "Trainee's record changed: %(before)s → %(after)s",
            before=_person(d.before or {}),
            after=_person(d.after or {}),
        )
    changed = [
        f"{CLASS_FIELDS[name]}: {(d.before or {}).get(name)} → {(d.after or {}).get(name)}"
        for name in COMPARED_FIELDS["class"]
        if (d.before or {}).get(name) != (d.after or {}).get(name)
    ]
    return _("Class details changed: %(fields)s", fields="; ".join(changed))


def unacknowledged(changes: Sequence[FilingChange]) -> list[FilingChange]:
    return [change for change in changes if change.acknowledged_at is None]
