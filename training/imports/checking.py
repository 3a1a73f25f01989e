"""Step 1 of importing a roster: every row checked and matched against the registry; nothing written.

preview() checks each row with the trainee rules and matches it by ID number against the
registry: each row is to create, update, skip, or in error. Nothing is written but audit
events: a row of a person registered in another county says only that (trainees.services'
docstring: audited, limited), and the caller commits those events. An import never erases: an
empty cell or a missing column keeps what is registered. Reading the file is sheets.py's;
writing what the preview shows is committing.py's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training import identity
from training.exceptions import InvalidValue
from training.extensions import db
from training.imports.sheets import HEADERS, ImportRefused, Sheet, read_sheet
from training.models import County, Trainee, User, utcnow
from training.sheets import blank, cell_text, check_size, checked_cell, id_number_cell
from training.trainees import rules, services
from training.trainees.services import TraineeData

T = TypeVar("T")


@dataclass
class ImportScope:
    """Whose import it is: the only county they may import (None: any) and the county of rows naming none."""

    only_county: str | None = None
    default_county: str | None = None
    user_id: int | None = None  # whose answers about people registered elsewhere are counted

    @classmethod
    def of(cls, user: User, default_county: str | None = None) -> ImportScope:
        only = services.only_county(user)
        return cls(only, only or default_county or None, user.id)


@dataclass
class PlannedRow:
    row: int
    cells: tuple
    action: str = "error"  # create | update | skip | error
    data: TraineeData | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, reason)
    trainee: Trainee | None = None
    changes: list[str] = field(default_factory=list)  # column headers whose value an update changes
    id_number: str | None = None  # when the ID number itself is valid, even if other cells are not
    given: set[str] = field(default_factory=set)  # fields whose cell is filled in

    def cell(self, index: int | None):
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def valid_data(self) -> TraineeData:
        """The data of a row to write (create, update or skip): every row but one in error has it."""
        assert self.data is not None, f"row {self.row} ({self.action}) has no data"
        return self.data


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
        return self.headers[index] if index is not None else name

    @property
    def fingerprint(self) -> str:
        """A digest of what a commit would do, compared at commit time with what the preview showed."""
        digest = hashlib.sha256()
        for row in self.rows:
            trainee = row.trainee
            digest.update(
                json.dumps(
                    [
                        row.row,
                        row.action,
                        row.data.id_number if row.data else None,
                        trainee.id if trainee else None,
                        services.snapshot(trainee) if trainee else None,
                        sorted({column for column, _ in row.errors}),
                    ],
                    ensure_ascii=False,
                    default=str,
                ).encode()
            )
        return digest.hexdigest()


def _name(value) -> str:
    name = rules.safe_text(cell_text(value), 50)
    if not name:
        raise InvalidValue(_("The name is missing."))
    return name


def _county_lookup() -> dict[str, County]:
    lookup = {}
    for county in db.session.scalars(select(County)):
        lookup[county.code] = lookup[county.name] = county
        if len(county.name) > 2 and county.name[-1] in "县区市":
            lookup.setdefault(county.name[:-1], county)  # 紫阳 for 紫阳县
    return lookup


def _county(value, scope: ImportScope, counties: dict[str, County]) -> str:
    text = rules.safe_text(cell_text(value), 40).replace(" ", "")
    if not text:
        if scope.default_county:
            return scope.default_county
        raise InvalidValue(_("The county is missing: fill it in, or choose a default county for the file."))
    county = counties.get(text.removesuffix(".0"))
    if county is None:
        raise InvalidValue(
            _("Unknown county %(county)s: write an Ankang county (紫阳县) or its code (610924).", county=text)
        )
    if scope.only_county and county.code != scope.only_county:
        raise InvalidValue(_("You may import only trainees of your own county."))
    return county.code


def _check_row(number: int, cells: tuple, sheet: Sheet, scope: ImportScope, counties: dict[str, County]) -> PlannedRow:
    row = PlannedRow(number, cells)

    def check(name: str, rule: Callable[[object], T]) -> T | None:
        """The field's cell by its rule, or None with the reason on the row."""
        index = sheet.columns.get(name)
        value = row.cell(index)
        column = sheet.headers[index] if index is not None else HEADERS[name][0]
        if index is not None and not blank((value,)):
            row.given.add(name)
        try:
            return checked_cell(value, rule)
        except InvalidValue as problem:
            row.errors.append((column, str(problem)))
            return None

    name = check("name", _name)
    id_number = check("id_number", id_number_cell)
    phone = check("phone", lambda value: identity.normalize_phone(cell_text(value)))
    town = check("town", lambda value: rules.safe_text(cell_text(value), 50))
    village = check("village", lambda value: rules.safe_text(cell_text(value), 50))
    education = check("education", lambda value: rules.safe_text(cell_text(value), 20))
    categories = check("categories", lambda value: rules.parse_categories(cell_text(value)))
    county = check("county", lambda value: _county(value, scope, counties))
    row.id_number = id_number
    if row.errors:
        return row
    # Without an error every check returned its value; only the phone may be None (it is optional).
    assert name is not None and id_number is not None and county is not None and categories is not None
    assert town is not None and village is not None and education is not None
    row.action = "create"
    row.data = TraineeData(
        id_number=id_number,
        name=name,
        phone=phone,
        county_code=county,
        town=town,
        village=village,
        education=education,
        categories=categories,
    )
    return row


def _fail(row: PlannedRow, column: str, reason: str) -> None:
    row.action, row.data, row.trainee = "error", None, None
    row.errors.append((column, reason))


def _mark_duplicates(rows: list[PlannedRow], column: str) -> None:
    by_id: dict[str, list[PlannedRow]] = {}
    for row in rows:
        if row.id_number:
            by_id.setdefault(row.id_number, []).append(row)
    for same in by_id.values():
        for row in same if len(same) > 1 else ():
            others = ", ".join(str(other.row) for other in same if other is not row)
            _fail(row, column, _("The same ID number is also on row %(rows)s.", rows=others))


def _keeping_what_is_registered(row: PlannedRow, data: TraineeData, trainee: Trainee) -> TraineeData:
    """The row's data, where a missing column or an empty cell keeps the registered value: an import never erases."""

    def given(name: str, registered):
        return getattr(data, "county_code" if name == "county" else name) if name in row.given else registered

    return TraineeData(
        id_number=data.id_number,
        name=data.name,
        phone=given("phone", trainee.phone),
        county_code=given("county", trainee.county_code or data.county_code),
        town=given("town", trainee.town),
        village=given("village", trainee.village),
        education=given("education", trainee.education),
        categories=given("categories", trainee.category_set),
    )


def _changed_columns(trainee: Trainee, data: TraineeData, preview: Preview) -> list[str]:
    stored = services.snapshot(trainee)
    wanted = {
        "name": data.name,
        "phone": data.phone,
        "county_code": data.county_code,
        "town": data.town,
        "village": data.village,
        "education": data.education,
        "categories": sorted(data.categories),
    }
    return [
        preview.header("county" if key == "county_code" else key)
        for key, value in wanted.items()
        if stored[key] != value
    ]


def _match_registry(preview: Preview, scope: ImportScope, chunk: int = 500) -> None:
    """Create, update or skip, by ID number: one query per chunk of rows, not one per row."""
    valid = [(row, row.data) for row in preview.rows if row.data]
    elsewhere = []
    for start in range(0, len(valid), chunk):
        part = valid[start : start + chunk]
        found = {
            t.id_number: t
            for t in db.session.scalars(
                select(Trainee)
                .options(selectinload(Trainee.categories))
                .where(Trainee.id_number.in_([data.id_number for _, data in part]))
            )
        }
        for row, from_sheet in part:
            trainee = found.get(from_sheet.id_number)
            if trainee is None:
                continue
            row.data = data = _keeping_what_is_registered(row, from_sheet, trainee)
            if services.registered_elsewhere(trainee, scope.only_county):
                _fail(row, preview.header("id_number"), services.registered_elsewhere_message())
                elsewhere.append(trainee.id)
            elif services.differs(trainee, data):
                row.action, row.trainee = "update", trainee
                row.changes = _changed_columns(trainee, data, preview)
            else:
                row.action, row.trainee = "skip", trainee
    if elsewhere:
        services.answer_registered_elsewhere(elsewhere, user_id=scope.user_id, limit=_lookup_limit(), now=utcnow())


def _lookup_limit() -> int:
    return current_app.config["REGISTERED_ELSEWHERE_LIMIT"]


def preview(path: Path, scope: ImportScope) -> Preview:
    """Step 1: what importing this file would do, row by row; nothing is written."""
    check_size(path)
    try:
        if scope.only_county:
            services.guard_lookups(scope.user_id, limit=_lookup_limit(), now=utcnow())
        sheet = read_sheet(path)
        counties = _county_lookup()
        plan = Preview(
            sheet.headers,
            sheet.columns,
            [_check_row(number, cells, sheet, scope, counties) for number, cells in sheet.rows],
        )
        _mark_duplicates(plan.rows, plan.header("id_number"))
        _match_registry(plan, scope)
    except services.LookupsPaused as paused:
        raise ImportRefused(str(paused)) from None
    return plan
