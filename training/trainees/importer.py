"""Importing trainees from the rosters county offices keep (.xlsx or .csv): read, check, preview, commit.

Step 1, preview(): every row is checked with the trainee rules and matched by ID number
against the registry, nothing is written (but audit events). Step 2, commit(): the same file is checked
again and, if the plan is still the one the coordinator saw, every valid row is written
(and optionally enrolled) in the caller's transaction; any failure leaves nothing behind.
A row of a person registered in another county says only that (services' docstring: audited,
limited); the caller commits the preview's audit events.
People already registered are matched by ID number; an import never erases: an empty cell
or a missing column keeps what is registered. Reading the file is import_sheets'; the
upload waiting between the two steps, the error rows and the background job are import_uploads'.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training import audit
from training.enrollment.services import ENROLLABLE_COHORTS, EnrollmentRefused, enroll
from training.extensions import db
from training.models import Cohort, County, EnrollmentStatus, Trainee, User, utcnow
from training.permissions import cohort_scope
from training.trainees import rules, services
from training.trainees.import_sheets import HEADERS, Formula, ImportRefused, Sheet, _blank, read_sheet
from training.trainees.rules import InvalidValue
from training.trainees.services import TraineeData

_EXCEL_NUMBER = "6.1E+17"  # what rules.normalize_id_number recognises as an ID Excel turned into a number


class PreviewChanged(ImportRefused):
    """The data changed since the coordinator's preview; carries the new preview."""

    def __init__(self, message: str, preview: Preview):
        super().__init__(message)
        self.preview = preview


# ---------------------------------------------------------------- checking the rows


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


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(value)  # kept as "13800138000.0": the rules recognise a number cell
    return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)


def _name(value) -> str:
    name = rules.safe_text(_text(value), 50)
    if not name:
        raise InvalidValue(_("The name is missing."))
    return name


def _id_number(value) -> str:
    """An ID number from a text cell, or from a number cell only if its digits cannot have been rounded."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return rules.normalize_id_number(_text(value))
    # Excel keeps 15 significant digits in a double: a number cell that a double can hold, or that
    # ends in 000, may have lost its last digits even when the check character happens to fit.
    if isinstance(value, int) and int(float(value)) != value and not str(value).endswith("000"):
        try:
            return rules.normalize_id_number(str(value))
        except InvalidValue:
            pass
    return rules.normalize_id_number(_EXCEL_NUMBER)


FIELD_CHECKS = {
    "name": _name,
    "id_number": _id_number,
    "phone": lambda value: rules.normalize_phone(_text(value)),
    "town": lambda value: rules.safe_text(_text(value), 50),
    "village": lambda value: rules.safe_text(_text(value), 50),
    "education": lambda value: rules.safe_text(_text(value), 20),
    "categories": lambda value: rules.parse_categories(_text(value)),
}


def _county_lookup() -> dict[str, County]:
    lookup = {}
    for county in db.session.scalars(select(County)):
        lookup[county.code] = lookup[county.name] = county
        if len(county.name) > 2 and county.name[-1] in "县区市":
            lookup.setdefault(county.name[:-1], county)  # 紫阳 for 紫阳县
    return lookup


def _county(value, scope: ImportScope, counties: dict[str, County]) -> str:
    text = rules.safe_text(_text(value), 40).replace(" ", "")
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


def _check_row(number: int, cells: tuple, sheet: Sheet, scope: ImportScope, counties) -> PlannedRow:
    row = PlannedRow(number, cells)
    values = {}
    for name in (*FIELD_CHECKS, "county"):
        index = sheet.columns.get(name)
        value = row.cell(index)
        column = sheet.headers[index] if index is not None else HEADERS[name][0]
        if isinstance(value, Formula):
            row.errors.append((column, _("Formulas are not accepted: copy the column and paste it as values.")))
            continue
        if index is not None and not _blank((value,)):
            row.given.add(name)
        try:
            values[name] = _county(value, scope, counties) if name == "county" else FIELD_CHECKS[name](value)
        except InvalidValue as problem:
            row.errors.append((column, str(problem)))
    row.id_number = values.get("id_number")
    if not row.errors:
        row.action = "create"
        row.data = TraineeData(
            id_number=values["id_number"],
            name=values["name"],
            phone=values["phone"],
            county_code=values["county"],
            town=values["town"],
            village=values["village"],
            education=values["education"],
            categories=values["categories"],
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


def _keeping_what_is_registered(row: PlannedRow, trainee: Trainee) -> TraineeData:
    """The row's data, where a missing column or an empty cell keeps the registered value: an import never erases."""
    data = row.data

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
    valid = [row for row in preview.rows if row.data]
    elsewhere = []
    for start in range(0, len(valid), chunk):
        part = valid[start : start + chunk]
        found = {
            t.id_number: t
            for t in db.session.scalars(
                select(Trainee)
                .options(selectinload(Trainee.categories))
                .where(Trainee.id_number.in_([row.data.id_number for row in part]))
            )
        }
        for row in part:
            trainee = found.get(row.data.id_number)
            if trainee is None:
                continue
            row.data = _keeping_what_is_registered(row, trainee)
            if services.registered_elsewhere(trainee, scope.only_county):
                _fail(row, preview.header("id_number"), services.registered_elsewhere_message())
                elsewhere.append(trainee.id)
            elif services.differs(trainee, row.data):
                row.action, row.trainee = "update", trainee
                row.changes = _changed_columns(trainee, row.data, preview)
            else:
                row.action, row.trainee = "skip", trainee
    if elsewhere:
        services.answer_registered_elsewhere(elsewhere, user_id=scope.user_id, limit=_lookup_limit(), now=utcnow())


def _lookup_limit() -> int:
    return current_app.config["REGISTERED_ELSEWHERE_LIMIT"]


def preview(path: Path, scope: ImportScope) -> Preview:
    """Step 1: what importing this file would do, row by row; nothing is written."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024
    if os.path.getsize(path) > limit:
        raise ImportRefused(_("The file is larger than %(mb)d MB. Split it into smaller files.", mb=limit // 2**20))
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


# ---------------------------------------------------------------- committing


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0
    enrolled: int = 0
    waitlisted: int = 0
    cohort_code: str | None = None


def enrollable_cohorts(user: User):
    """The cohorts this user may enroll imported trainees into."""
    return db.session.scalars(
        select(Cohort)
        .options(selectinload(Cohort.course))
        .where(cohort_scope(user), Cohort.status.in_(ENROLLABLE_COHORTS))
        .order_by(Cohort.code)
    ).all()


def commit(
    path: Path,
    scope: ImportScope,
    *,
    expected: str | None = None,
    cohort: Cohort | None = None,
    decided_by_id: int | None = None,
    filename: str = "",
) -> tuple[Preview, ImportResult]:
    """Step 2: check the file again and write every valid row, enrolling them into cohort if given.

    Refuses with PreviewChanged when `expected` (the fingerprint of the preview the user saw) no
    longer matches. Writes into the caller's transaction: on any exception the caller rolls back,
    so either every valid row is written or none.
    """
    plan = preview(path, scope)
    if expected is not None and plan.fingerprint != expected:
        raise PreviewChanged(
            _(
                "The registry changed since the preview, so nothing was imported. Check the new preview and import again."
            ),
            plan,
        )
    return plan, apply(plan, cohort=cohort, decided_by_id=decided_by_id, filename=filename)


def _write_rows(plan: Preview, result: ImportResult) -> list[tuple[PlannedRow, int]]:
    creates = plan.of("create")
    try:
        ids = services.create_trainees([row.data for row in creates], audit_action="trainee_imported")
    except services.TraineeRefused as refusal:  # registered meanwhile, by another request
        raise ImportRefused(_("%(reason)s Nothing was imported.", reason=str(refusal))) from None
    created = dict(zip((row.row for row in creates), ids, strict=True))
    result.created = len(ids)
    imported = []
    for row in plan.rows:
        if row.action == "update":
            services.update_trainee(row.trainee, row.data, audit_action="trainee_imported")
            result.updated += 1
        elif row.action == "skip":
            result.skipped += 1
        if row.action in ("create", "update", "skip"):
            imported.append((row, created.get(row.row) or row.trainee.id))
    return imported


def _enroll_rows(imported, cohort: Cohort, decided_by_id: int | None, result: ImportResult) -> None:
    for row, trainee_id in imported:
        try:
            enrollment = enroll(trainee_id, cohort.id, decided_by_id)
        except EnrollmentRefused as refusal:
            raise ImportRefused(
                _(
                    "Row %(row)d (%(name)s) cannot be enrolled in %(cohort)s: %(reason)s Nothing was imported: "
                    "import without enrollment, or fix the row.",
                    row=row.row,
                    name=row.data.name,
                    cohort=cohort.code,
                    reason=str(refusal),
                )
            ) from None
        if enrollment.status == EnrollmentStatus.ENROLLED:
            result.enrolled += 1
        else:
            result.waitlisted += 1


def apply(
    plan: Preview, *, cohort: Cohort | None = None, decided_by_id: int | None = None, filename: str = ""
) -> ImportResult:
    """Write a preview's valid rows (and enrollments) into the current transaction; the caller commits."""
    result = ImportResult(errors=len(plan.of("error")), cohort_code=cohort.code if cohort else None)
    imported = _write_rows(plan, result)
    if cohort is not None:
        _enroll_rows(imported, cohort, decided_by_id, result)
    audit.record("trainees_imported", "trainee_import", None, after={"file": filename[:200], **vars(result)})
    return result
