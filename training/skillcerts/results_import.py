"""Importing an evaluation body's (评价机构) result sheet into one class: a skill certificate per row,
matched to the class's seated trainees by ID number.

preview() checks every row and writes nothing. A row is in error when a cell cannot be read
(results_cells), when its ID number is not seated in the class (whether the person is
registered elsewhere is never said: the sheet learns nothing beyond the class's own list), when
its name is not the registry's, when its number breaks the number rule (skillcerts.numbers) or
is recorded already, when the person already holds a certificate of that kind for the class, or
when another row has the same number or the same person and kind. Only a running or finished
class takes results.

commit() checks the file again and, if the plan is still the one the coordinator saw, records
an ExternalCertificate per valid row (recorded_by, an audit event each and one for the file)
in the caller's transaction: every valid row or, on any failure, none once the caller rolls
back. A number recorded meanwhile by someone else is refused by the table's unique key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from training import audit
from training.exceptions import InvalidValue
from training.extensions import db
from training.labels import COHORT_STATUSES, ENROLLMENT_STATUSES
from training.models import SEATED, Cohort, CohortStatus, Enrollment, ExternalCertificate, User, utcnow
from training.permissions import cohort_scope
from training.sheets import ImportRefused, PreviewChanged, Sheet, checked_cell, id_number_cell, read_sheet
from training.skillcerts import results_cells as cells
from training.skillcerts.numbers import check_number
from training.uploads import Upload, UploadFolder

T = TypeVar("T")

RESULT_COHORTS = (CohortStatus.RUNNING, CohortStatus.FINISHED)
MAX_RESULT_ROWS = 2_000  # a result sheet is one class's, or one exam's
_CHUNK = 500


@dataclass
class ResultUpload(Upload):
    """A result sheet waiting for its commit, with the class and the issuer chosen on the form."""

    cohort_id: int = 0
    issuer: str = ""


RESULT_SHEETS = UploadFolder("result_sheets", ResultUpload)


@dataclass(frozen=True)
class Result:
    """What a valid row records."""

    enrollment_id: int
    kind: str
    number: str
    level: int | None
    issued_on: date


@dataclass
class ResultRow:
    row: int
    cells: tuple
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, reason)
    id_number: str | None = None
    name: str | None = None
    kind: str | None = None
    number: str | None = None
    level: int | None = None
    issued_on: date | None = None
    result: Result | None = None  # a row without errors, once matched

    @property
    def action(self) -> str:
        return "record" if self.result is not None else "error"

    def cell(self, index: int | None):
        return self.cells[index] if index is not None and index < len(self.cells) else None


@dataclass
class ResultsPreview:
    cohort: Cohort
    issuer: str
    headers: list[str]
    columns: dict[str, int]
    rows: list[ResultRow]

    def of(self, action: str) -> list[ResultRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def counts(self) -> dict[str, int]:
        recorded = len(self.of("record"))
        return {"record": recorded, "error": len(self.rows) - recorded, "total": len(self.rows)}

    def header(self, name: str) -> str:
        index = self.columns.get(name)
        return self.headers[index] if index is not None else cells.HEADERS[name][0]

    @property
    def fingerprint(self) -> str:
        """A digest of what a commit would do, compared at commit time with what the preview showed."""
        digest = hashlib.sha256(json.dumps([self.cohort.id, self.issuer], ensure_ascii=False).encode())
        for row in self.rows:
            result = asdict(row.result) if row.result else None
            what = [row.row, row.action, result, sorted({column for column, _ in row.errors})]
            digest.update(json.dumps(what, ensure_ascii=False, default=str).encode())
        return digest.hexdigest()


@dataclass
class ResultsImported:
    recorded: int
    errors: int
    cohort_code: str


def result_cohorts(user: User):
    """The classes this user may import results into: running or finished, in their scope."""
    return db.session.scalars(
        select(Cohort)
        .options(selectinload(Cohort.course))
        .where(cohort_scope(user), Cohort.status.in_(RESULT_COHORTS))
        .order_by(Cohort.code)
    ).all()


def _check_row(number: int, values: tuple, sheet: Sheet, cohort: Cohort, today: date) -> ResultRow:
    row = ResultRow(number, values)

    def check(name: str, rule: Callable[[object], T]) -> T | None:
        """The field's cell by its rule, or None with the reason on the row."""
        try:
            return checked_cell(row.cell(sheet.columns.get(name)), rule)
        except InvalidValue as problem:
            row.errors.append((_header(sheet, name), str(problem)))
            return None

    row.name = check("name", cells.name_of)
    row.id_number = check("id_number", id_number_cell)
    row.kind = check("kind", cells.kind_of)
    kind = row.kind or cells.DEFAULT_KIND
    row.level = check("level", lambda value: cells.level_of(value, kind))
    row.issued_on = check("issued_on", lambda value: cells.issued_on_of(value, today=today, earliest=cohort.start_date))
    row.number = check("number", cells.number_of)
    if row.number and row.kind and not row.errors:
        for problem in check_number(row.kind, row.number, level=row.level, issued_on=row.issued_on):
            row.errors.append((_header(sheet, "number"), problem))
    return row


def _header(sheet: Sheet, name: str) -> str:
    index = sheet.columns.get(name)
    return sheet.headers[index] if index is not None else cells.HEADERS[name][0]


def _mark_repeats(plan: ResultsPreview) -> None:
    """Two rows of one number, or of one person and kind: both in error, each naming the other."""
    repeats: tuple[tuple[str, Callable[[ResultRow], object], Callable[[str], str]], ...] = (
        (
            "number",
            lambda r: r.number and (r.kind, r.number),
            lambda rows: _("The same number is also on row %(rows)s.", rows=rows),
        ),
        (
            "id_number",
            lambda r: r.id_number and (r.kind, r.id_number),
            lambda rows: _("The same person has a certificate of this kind on row %(rows)s too.", rows=rows),
        ),
    )
    for column, key, message in repeats:
        rows: dict[object, list[ResultRow]] = {}
        for row in plan.rows:
            if found := key(row):
                rows.setdefault(found, []).append(row)
        for same in (same for same in rows.values() if len(same) > 1):
            for row in same:
                others = ", ".join(str(other.row) for other in same if other is not row)
                row.errors.append((plan.header(column), message(others)))


def _recorded_numbers(numbers: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (kind, number) pairs are recorded already: one query per chunk of numbers."""
    found = set()
    for start in range(0, len(numbers), _CHUNK):
        part = numbers[start : start + _CHUNK]
        query = select(ExternalCertificate.kind, ExternalCertificate.number).where(
            ExternalCertificate.number.in_([number for _, number in part])
        )
        found |= {(kind, number) for kind, number in db.session.execute(query).tuples()}
    return found


def _match_class(plan: ResultsPreview) -> None:
    """Each row to its enrollment in the class by ID number, the names compared; nothing recorded twice."""
    cohort = plan.cohort
    enrollments = {
        e.trainee.id_number: e
        for e in db.session.scalars(
            select(Enrollment).options(joinedload(Enrollment.trainee)).where(Enrollment.cohort_id == cohort.id)
        )
    }
    held = {
        (enrollment_id, kind): number
        for enrollment_id, kind, number in db.session.execute(
            select(ExternalCertificate.enrollment_id, ExternalCertificate.kind, ExternalCertificate.number)
            .join(Enrollment)
            .where(Enrollment.cohort_id == cohort.id, ExternalCertificate.revoked_at.is_(None))
        ).tuples()
    }
    recorded = _recorded_numbers([(r.kind, r.number) for r in plan.rows if r.kind and r.number])
    for row in plan.rows:
        if row.errors:
            continue
        assert row.id_number and row.name and row.kind and row.number and row.issued_on  # read without errors
        enrollment = enrollments.get(row.id_number)
        if enrollment is None or enrollment.status not in SEATED:
            status = ENROLLMENT_STATUSES[enrollment.status] if enrollment else None
            row.errors.append((plan.header("id_number"), _not_seated(cohort, status)))
        elif not cells.same_name(row.name, enrollment.trainee.name):
            why = _("The registry has another name for this ID number: %(name)s.", name=enrollment.trainee.name)
            row.errors.append((plan.header("name"), why))
        elif (row.kind, row.number) in recorded:
            row.errors.append((plan.header("number"), _("This certificate number is recorded already.")))
        elif (number := held.get((enrollment.id, row.kind))) is not None:
            why = _(
                "%(name)s already holds a certificate of this kind for this class (%(number)s); revoke it first.",
                name=enrollment.trainee.name,
                number=number,
            )
            row.errors.append((plan.header("kind"), why))
        else:
            row.result = Result(enrollment.id, row.kind, row.number, row.level, row.issued_on)


def _not_seated(cohort: Cohort, status) -> str:
    if status is None:
        return _("Nobody with this ID number is on the list of %(cohort)s.", cohort=cohort.code)
    return _(
        "%(status)s in %(cohort)s: only a seated trainee's results are recorded.", status=status, cohort=cohort.code
    )


def preview(path: Path, *, cohort: Cohort, issuer: str, today: date) -> ResultsPreview:
    """Step 1: what importing this sheet into the class would record, row by row; nothing is written."""
    if cohort.status not in RESULT_COHORTS:
        raise ImportRefused(
            _(
                "Results are imported into a running or finished class; %(cohort)s is %(status)s.",
                cohort=cohort.code,
                status=COHORT_STATUSES[cohort.status],
            )
        )
    sheet = read_sheet(path, replace(cells.RESULT_SHEET, max_rows=MAX_RESULT_ROWS))
    missing = [cells.HEADERS[name][0] for name in ("number", "issued_on") if name not in sheet.columns]
    if missing:
        raise ImportRefused(_("The sheet has no column %(columns)s.", columns="、".join(missing)))
    rows = [_check_row(number, values, sheet, cohort, today) for number, values in sheet.rows]
    plan = ResultsPreview(cohort, issuer, sheet.headers, sheet.columns, rows)
    _mark_repeats(plan)
    _match_class(plan)
    return plan


def commit(
    path: Path, *, cohort: Cohort, issuer: str, today: date, expected: str | None, user_id: int, filename: str = ""
) -> tuple[ResultsPreview, ResultsImported]:
    """Step 2: check the sheet again and record every valid row, into the caller's transaction.

    Refuses with PreviewChanged when `expected` (the fingerprint of the preview the user saw) no
    longer matches; with ImportRefused when a number was recorded meanwhile. The caller rolls
    back on any exception, so either every valid row is recorded or none.
    """
    plan = preview(path, cohort=cohort, issuer=issuer, today=today)
    if expected is not None and plan.fingerprint != expected:
        raise PreviewChanged(
            _("The class's records changed since the preview, so nothing was recorded. Check the new preview."), plan
        )
    now = utcnow()
    certificates = [
        ExternalCertificate(
            enrollment_id=result.enrollment_id,
            kind=result.kind,
            number=result.number,
            issuer=issuer,
            level=result.level,
            issued_on=result.issued_on,
            recorded_by_id=user_id,
            recorded_at=now,
        )
        for result in (row.result for row in plan.rows)
        if result is not None
    ]
    db.session.add_all(certificates)
    try:
        db.session.flush()
    except IntegrityError:
        raise ImportRefused(
            _("A certificate number of this sheet was recorded meanwhile, so nothing was recorded. Upload it again.")
        ) from None
    audit.record_many(
        "external_certificate_imported", "external_certificate", [(c.id, None, _snapshot(c)) for c in certificates]
    )
    imported = ResultsImported(len(certificates), plan.counts["error"], cohort.code)
    after = {"file": filename[:200], "issuer": issuer, **vars(imported)}
    audit.record("result_sheet_imported", "cohort", cohort.id, after=after)
    return plan, imported


def _snapshot(certificate: ExternalCertificate) -> dict:
    return {
        "enrollment_id": certificate.enrollment_id,
        "kind": certificate.kind,
        "number": certificate.number,
        "issuer": certificate.issuer,
        "level": certificate.level,
        "issued_on": certificate.issued_on.isoformat(),
    }
