"""Step 1 of importing the province's catalogue of standards: every row checked; nothing written.

preview() reads the sheet (training/sheets.py) and checks each row with the rules (rules.py),
then matches it to the catalogue by occupation, level, training type and first day: a row is to
create a standard, update one (its amount, hours or end date), leave one unchanged, or in error.
Rows that would leave two standards of the same occupation, level and type in force on one day
(with the catalogue as the file would leave it) are in error, as are rows that repeat one another.
Nothing is written; writing what the preview shows is committing.py's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import select

from training.exceptions import InvalidValue
from training.extensions import db
from training.models import SubsidyStandard
from training.sheets import Formula, ImportRefused, Sheet, SheetKind, check_size, read_sheet
from training.standards import rules, services
from training.standards.services import StandardDetails

T = TypeVar("T")

# Header text (compared as sheets.header_key gives it) → field; the first is the template's.
HEADERS = {
    "occupation": ("职业(工种)", "职业", "工种", "职业名称", "职业(工种)名称", "培训工种", "occupation"),
    "level": ("职业等级", "等级", "技能等级", "培训等级", "level"),
    "training_type": ("培训类型", "培训类别", "类型", "training_type"),
    "yuan": ("补贴标准(元/人)", "补贴标准", "补贴标准(元)", "补贴金额(元/人)", "补贴金额", "yuan"),
    "min_hours": ("最低课时", "最低学时", "培训课时", "培训学时", "课时", "学时", "min_hours"),
    "valid_from": ("起始日期", "生效日期", "执行日期", "开始日期", "valid_from"),
    "valid_to": ("截止日期", "失效日期", "结束日期", "valid_to"),
}
REQUIRED = ("occupation", "level", "yuan", "min_hours", "valid_from")


def _no_header(rows: int) -> str:
    return _(
        "No header row found: one of the first %(n)d rows must name the columns 职业(工种), 职业等级, "
        "补贴标准(元/人), 最低课时 and 起始日期.",
        n=rows,
    )


STANDARDS = SheetKind(HEADERS, REQUIRED, _no_header)


@dataclass
class PlannedRow:
    row: int
    cells: tuple
    action: str = "error"  # create | update | skip | error
    details: StandardDetails | None = None
    standard: SubsidyStandard | None = None  # the one an update or skip matched
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, reason)
    changes: list[str] = field(default_factory=list)  # what an update changes, as column headers

    @property
    def key(self) -> tuple:
        """What the catalogue is matched on: the standard (StandardDetails.group) and its first day."""
        details = self.valid_details()
        return (*details.group, details.valid_from)

    def cell(self, index: int | None):
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def fail(self, column: str, reason: str) -> None:
        self.action, self.standard = "error", None
        self.errors.append((column, reason))

    def valid_details(self) -> StandardDetails:
        assert self.details is not None, f"row {self.row} ({self.action}) has no details"
        return self.details


@dataclass
class Preview:
    headers: list[str]
    columns: dict[str, int]
    rows: list[PlannedRow]

    def of(self, action: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def counts(self) -> dict[str, int]:
        counts = {action: 0 for action in ("create", "update", "skip", "error")}
        for row in self.rows:
            counts[row.action] += 1
        return {**counts, "total": len(self.rows)}

    def header(self, name: str) -> str:
        index = self.columns.get(name)
        return self.headers[index] if index is not None else HEADERS[name][0]

    @property
    def fingerprint(self) -> str:
        """A digest of what a commit would do, compared at commit time with what the preview showed."""
        digest = hashlib.sha256()
        for row in self.rows:
            standard = row.standard
            digest.update(
                json.dumps(
                    [
                        row.row,
                        row.action,
                        vars(row.details) if row.details else None,
                        standard.id if standard else None,
                        services.snapshot(standard) if standard else None,
                        sorted({column for column, _ in row.errors}),
                    ],
                    ensure_ascii=False,
                    default=str,
                ).encode()
            )
        return digest.hexdigest()


def _check_row(number: int, cells: tuple, sheet: Sheet) -> PlannedRow:
    row = PlannedRow(number, cells)

    def check(name: str, rule: Callable[[object], T]) -> T | None:
        """The field's cell by its rule, or None with the reason on the row."""
        index = sheet.columns.get(name)
        value = cells[index] if index is not None and index < len(cells) else None
        column = sheet.headers[index] if index is not None else HEADERS[name][0]
        if isinstance(value, Formula):
            row.errors.append((column, _("Formulas are not accepted: copy the column and paste it as values.")))
            return None
        try:
            return rule(value)
        except InvalidValue as problem:
            row.errors.append((column, str(problem)))
            return None

    occupation = check("occupation", _occupation)
    level = check("level", rules.parse_level)
    training_type = check("training_type", rules.parse_training_type)
    yuan = check("yuan", rules.parse_yuan)
    min_hours = check("min_hours", rules.parse_hours)
    valid_from = check("valid_from", lambda value: rules.parse_day(value, required=True))
    valid_to = check("valid_to", lambda value: rules.parse_day(value, required=False))
    if valid_from and valid_to and valid_to < valid_from:
        row.errors.append((sheet.headers[sheet.columns["valid_to"]], _("The end date is before the start date.")))
    if row.errors:
        return row
    assert occupation and level and training_type and yuan is not None and min_hours and valid_from
    row.action = "create"
    row.details = StandardDetails(occupation, level, str(training_type), yuan, min_hours, valid_from, valid_to)
    return row


def _occupation(value) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise InvalidValue(_("The occupation is missing."))
    if len(text) > 80:
        raise InvalidValue(_("At most %(n)d characters.", n=80))
    return text


def _mark_duplicates(plan: Preview) -> None:
    by_key: dict[tuple, list[PlannedRow]] = {}
    for row in plan.rows:
        if row.details:
            by_key.setdefault(row.key, []).append(row)
    for same in by_key.values():
        for row in same if len(same) > 1 else ():
            others = ", ".join(str(other.row) for other in same if other is not row)
            row.fail(
                plan.header("occupation"),
                _("The same standard (from the same day) is also on row %(rows)s.", rows=others),
            )


def _match_catalogue(plan: Preview) -> None:
    """Create, update or skip, by occupation, level, training type and first day: one query."""
    valid = [row for row in plan.rows if row.action != "error"]
    groups = {row.valid_details().group for row in valid}
    occupations = sorted({occupation for occupation, _level, _type in groups})
    existing = [
        standard
        for standard in db.session.scalars(select(SubsidyStandard).where(SubsidyStandard.occupation.in_(occupations)))
        if StandardDetails.of(standard).group in groups
    ]
    by_key = {(*StandardDetails.of(s).group, s.valid_from): s for s in existing}
    for row in valid:
        standard = by_key.get(row.key)
        if standard is None:
            continue
        row.standard = standard
        changes = _changed_columns(standard, row.valid_details(), plan)
        row.action = "update" if changes else "skip"
        row.changes = changes
    _mark_overlaps(plan, existing)


def _changed_columns(standard: SubsidyStandard, details: StandardDetails, plan: Preview) -> list[str]:
    return [
        plan.header(name)
        for name in ("yuan", "min_hours", "valid_to")
        if getattr(standard, name) != getattr(details, name)
    ]


def _mark_overlaps(plan: Preview, existing: list[SubsidyStandard]) -> None:
    """Rows whose period overlaps another's of the same standard, with the catalogue as the file would leave it."""
    matched = {row.standard.id for row in plan.rows if row.standard is not None}
    groups: dict[tuple, list[tuple[rules.Period, PlannedRow | None]]] = {}
    for standard in existing:
        if standard.id not in matched:  # else the row that matched it says what it becomes
            period = rules.Period(standard.valid_from, standard.valid_to)
            groups.setdefault(StandardDetails.of(standard).group, []).append((period, None))
    for planned in plan.rows:
        if planned.action != "error":
            groups.setdefault(planned.valid_details().group, []).append((planned.valid_details().period, planned))
    told: set[int] = set()  # rows already told of an overlap: once is enough
    for periods in groups.values():
        for index, (period, row) in enumerate(periods):
            for other_period, other_row in periods[index + 1 :]:
                if period.overlaps(other_period):
                    _tell(plan, row, other_row, other_period, told)
                    _tell(plan, other_row, row, period, told)


def _tell(
    plan: Preview, row: PlannedRow | None, other: PlannedRow | None, period: rules.Period, told: set[int]
) -> None:
    """Put the overlap on the row (not on a standard of the catalogue), once."""
    if row is None or row.row in told:
        return
    told.add(row.row)
    where = _("row %(row)d", row=other.row) if other is not None else _("the catalogue")
    row.fail(
        plan.header("valid_from"),
        _(
            "In force on the same days as the standard %(period)s in %(where)s: two standards of the "
            "same occupation, level and training type may not overlap.",
            period=services.describe_period(period),
            where=where,
        ),
    )


def preview(path: Path) -> Preview:
    """Step 1: what importing this file would do, row by row; nothing is written."""
    check_size(path)
    sheet = read_sheet(path, STANDARDS)
    plan = Preview(sheet.headers, sheet.columns, [_check_row(number, cells, sheet) for number, cells in sheet.rows])
    if not plan.rows:
        raise ImportRefused(_("The sheet has a header row but no standards under it."))
    _mark_duplicates(plan)
    _match_catalogue(plan)
    return plan
