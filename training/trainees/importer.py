"""Importing trainees from the rosters county offices keep (.xlsx or .csv): read, check, preview, commit.

Step 1, preview(): every row is checked with the trainee rules and matched by ID number
against the registry, nothing is written. Step 2, commit(): the same file is checked
again and, if the plan is still the one the coordinator saw, every valid row is written
(and optionally enrolled) in the caller's transaction; any failure leaves nothing behind.
People already registered are matched by ID number; an import never erases: an empty cell
or a missing column keeps what is registered. Uploaded files wait between the two steps
under instance/imports/, readable by us only.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import secrets
import time
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from defusedxml import DefusedXmlException
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training import audit
from training.enrollment.services import ENROLLABLE_COHORTS, EnrollmentRefused, enroll
from training.exceptions import DomainError
from training.extensions import db
from training.jobs.services import Step, handler
from training.models import Cohort, County, EnrollmentStatus, Job, Role, Trainee, User
from training.permissions import cohort_scope
from training.trainees import rules, services
from training.trainees.rules import InvalidValue
from training.trainees.services import TraineeData

MAX_ROWS = 50_000
MAX_COLUMNS = 100
HEADER_SEARCH_ROWS = 10
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 1_000
EXCEL_MAX_ROW = 1_048_576
UPLOAD_MAX_AGE_SECONDS = 24 * 3600
LARGE_IMPORT_ROWS = 2_000
REASON_HEADER = "错误原因/reason"

# Header text (NFKC, lower case, no spaces or asterisks) → field.
HEADERS = {
    "name": ("姓名", "学员姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id_number", "idnumber"),
    "phone": ("联系电话", "手机号", "手机号码", "phone"),
    "county": ("区县", "县区", "county"),
    "town": ("乡镇", "镇", "乡镇(街道)", "town"),
    "village": ("村(社区)", "村", "village"),
    "categories": ("人员类别", "categories"),
    "education": ("文化程度", "education"),
}
_HEADER_FIELD = {alias: name for name, aliases in HEADERS.items() for alias in aliases}
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_EXCEL_NUMBER = "6.1E+17"  # what rules.normalize_id_number recognises as an ID Excel turned into a number


class ImportRefused(DomainError):
    """The file as a whole cannot be imported, or the commit was refused; nothing was written."""


class PreviewChanged(ImportRefused):
    """The data changed since the coordinator's preview; carries the new preview."""

    def __init__(self, message: str, preview: Preview):
        super().__init__(message)
        self.preview = preview


# ---------------------------------------------------------------- reading the sheet


@dataclass(frozen=True)
class Formula:
    """A formula cell: never evaluated, and its cached value never read."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Sheet:
    headers: list[str]  # the header row as written, for error messages and the error-rows download
    columns: dict[str, int]  # field → column index
    rows: list[tuple[int, tuple]]  # (row number in the sheet, cell values), blank rows left out


def read_sheet(path: Path) -> Sheet:
    """The header row and the data rows of an .xlsx or .csv file, whatever its name says."""
    with open(path, "rb") as handle:
        start = handle.read(8192)
    if start.startswith(b"PK\x03\x04"):
        return _from_rows(_xlsx_rows(path))
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(_("This is an old Excel file (.xls). Save it as .xlsx in Excel or WPS and upload it again."))
    if b"\x00" in start:
        raise ImportRefused(_("This file is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file."))
    return _from_rows(_csv_rows(path))


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, OSError):
        raise ImportRefused(_("This file is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file.")) from None
    if "xl/workbook.xml" not in names:
        raise ImportRefused(_("This file is not an Excel workbook. Upload an Excel workbook (.xlsx) or a CSV file."))
    # zipfile never inflates an entry beyond its declared size, so the declared sizes bound the work.
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise ImportRefused(_("This workbook is too large once unpacked. Copy the roster into a new workbook and upload that."))


def _xlsx_rows(path: Path):
    if not openpyxl.DEFUSEDXML:
        raise RuntimeError("openpyxl must parse workbooks with defusedxml (OPENPYXL_DEFUSEDXML is off)")
    _check_zip(path)
    try:
        # Our own handle: openpyxl leaves its file open when a workbook fails to load.
        with open(path, "rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and dates it cannot read
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=False)
            try:
                sheet = workbook.worksheets[0] if workbook.worksheets else None
                if sheet is None:
                    return
                sheet.reset_dimensions()  # the stored dimensions may be wrong, or hostile
                for number, cells in enumerate(sheet.iter_rows(), start=1):
                    if number > EXCEL_MAX_ROW:
                        raise ImportRefused(_("This workbook has more rows than Excel allows."))
                    yield number, tuple(
                        Formula(cell.value) if cell.data_type == "f" else cell.value for cell in cells[:MAX_COLUMNS]
                    )
            finally:
                workbook.close()
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds of errors on damaged files, and wraps some
        if _caused_by(error, DefusedXmlException):
            raise ImportRefused(_("This workbook contains XML that is not accepted (entity definitions). "
                                  "Save it again as a normal .xlsx file.")) from None
        raise ImportRefused(_("This workbook cannot be read; it may be damaged. "
                              "Open it in Excel or WPS, save it as .xlsx and upload it again.")) from None


def _caused_by(error: BaseException | None, kind: type) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _csv_rows(path: Path):
    raw = Path(path).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused(_("This file is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
        yield number, tuple(cells[:MAX_COLUMNS])


def _header_key(value) -> str:
    return re.sub(r"[\s*＊]+", "", unicodedata.normalize("NFKC", str(value or ""))).lower()


def _blank(cells: tuple) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in cells)


def _header_fields(cells: tuple) -> dict[str, int]:
    fields = {}
    for index, value in enumerate(cells):
        name = None if isinstance(value, Formula) else _HEADER_FIELD.get(_header_key(value))
        if name and name not in fields:
            fields[name] = index
    return fields


def _sub_header(headers: list[str], columns: dict[str, int], cells: tuple) -> list[str] | None:
    """Under a merged heading (户籍地址 over 乡镇 | 村), a second header row: the headers with its names added."""
    if any(index < len(cells) and not _blank((cells[index],)) for index in (columns["name"], columns["id_number"])):
        return None  # a person
    extra = {name: i for name, i in _header_fields(cells).items() if name not in columns}
    if not extra:
        return None
    columns.update(extra)
    width = max(len(headers), max(extra.values()) + 1)
    return [str(cells[i]).strip() if i < len(cells) and cells[i] else (headers[i] if i < len(headers) else "")
            for i in range(width)]


def _from_rows(numbered_rows) -> Sheet:
    headers, columns, rows, header_row = None, {}, [], 0
    for number, cells in numbered_rows:
        if headers is None:
            columns = _header_fields(cells)
            if "name" in columns and "id_number" in columns:
                header_row, width = number, max(i for i, v in enumerate(cells) if not _blank((v,))) + 1
                headers = [str(value or "").strip() for value in cells[:width]]
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if number == header_row + 1 and (merged := _sub_header(headers, columns, cells)):
            headers = merged
            continue
        if _blank(tuple(cells[index] for index in columns.values() if index < len(cells))):
            continue  # rosters come with 序号 filled in down the page, ahead of the people
        if len(rows) >= MAX_ROWS:
            raise ImportRefused(_("The file has more than %(n)d rows. Split it into smaller files.", n=MAX_ROWS))
        rows.append((number, cells[: len(headers)]))
    if headers is None:
        raise ImportRefused(
            _("No header row found: one of the first %(n)d rows must name the columns 姓名 (name) and 身份证号 (ID number).",
              n=HEADER_SEARCH_ROWS)
        )
    return Sheet(headers, columns, rows)


# ---------------------------------------------------------------- checking the rows


@dataclass
class ImportScope:
    """Whose import it is: the only county they may import (None: any) and the county of rows naming none."""

    only_county: str | None = None
    default_county: str | None = None

    @classmethod
    def of(cls, user: User, default_county: str | None = None) -> ImportScope:
        only = user.county_code if user.role == Role.COORDINATOR else None
        return cls(only, only or default_county or None)


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
            digest.update(json.dumps(
                [row.row, row.action, row.data.id_number if row.data else None, trainee.id if trainee else None,
                 services.snapshot(trainee) if trainee else None, sorted({column for column, _ in row.errors})],
                ensure_ascii=False, default=str,
            ).encode())
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
        raise InvalidValue(_("Unknown county %(county)s: write an Ankang county (紫阳县) or its code (610924).", county=text))
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
            id_number=values["id_number"], name=values["name"], phone=values["phone"], county_code=values["county"],
            town=values["town"], village=values["village"], education=values["education"],
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
        id_number=data.id_number, name=data.name, phone=given("phone", trainee.phone),
        county_code=given("county", trainee.county_code or data.county_code), town=given("town", trainee.town),
        village=given("village", trainee.village), education=given("education", trainee.education),
        categories=given("categories", trainee.category_set),
    )


def _changed_columns(trainee: Trainee, data: TraineeData, preview: Preview) -> list[str]:
    stored = services.snapshot(trainee)
    wanted = {"name": data.name, "phone": data.phone, "county_code": data.county_code, "town": data.town,
              "village": data.village, "education": data.education, "categories": sorted(data.categories)}
    return [preview.header("county" if key == "county_code" else key) for key, value in wanted.items()
            if stored[key] != value]


def _match_registry(preview: Preview, scope: ImportScope, chunk: int = 500) -> None:
    """Create, update or skip, by ID number: one query per chunk of rows, not one per row."""
    valid = [row for row in preview.rows if row.data]
    for start in range(0, len(valid), chunk):
        part = valid[start:start + chunk]
        found = {t.id_number: t for t in db.session.scalars(
            select(Trainee).options(selectinload(Trainee.categories))
            .where(Trainee.id_number.in_([row.data.id_number for row in part]))
        )}
        for row in part:
            trainee = found.get(row.data.id_number)
            if trainee is None:
                continue
            row.data = _keeping_what_is_registered(row, trainee)
            if scope.only_county and trainee.county_code not in (None, scope.only_county):
                _fail(row, preview.header("id_number"),
                      _("This person is registered in another county; a coordinator of that county or of the city can import them."))
            elif services.differs(trainee, row.data):
                row.action, row.trainee = "update", trainee
                row.changes = _changed_columns(trainee, row.data, preview)
            else:
                row.action, row.trainee = "skip", trainee


def preview(path: Path, scope: ImportScope) -> Preview:
    """Step 1: what importing this file would do, row by row; nothing is written."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024
    if os.path.getsize(path) > limit:
        raise ImportRefused(_("The file is larger than %(mb)d MB. Split it into smaller files.", mb=limit // 2**20))
    sheet = read_sheet(path)
    counties = _county_lookup()
    plan = Preview(sheet.headers, sheet.columns,
                   [_check_row(number, cells, sheet, scope, counties) for number, cells in sheet.rows])
    _mark_duplicates(plan.rows, plan.header("id_number"))
    _match_registry(plan, scope)
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
        select(Cohort).options(selectinload(Cohort.course))
        .where(cohort_scope(user), Cohort.status.in_(ENROLLABLE_COHORTS)).order_by(Cohort.code)
    ).all()


def commit(path: Path, scope: ImportScope, *, expected: str | None = None, cohort: Cohort | None = None,
           decided_by_id: int | None = None, filename: str = "") -> tuple[Preview, ImportResult]:
    """Step 2: check the file again and write every valid row, enrolling them into cohort if given.

    Refuses with PreviewChanged when `expected` (the fingerprint of the preview the user saw) no
    longer matches. Writes into the caller's transaction: on any exception the caller rolls back,
    so either every valid row is written or none.
    """
    plan = preview(path, scope)
    if expected is not None and plan.fingerprint != expected:
        raise PreviewChanged(
            _("The registry changed since the preview, so nothing was imported. Check the new preview and import again."),
            plan,
        )
    return plan, apply(plan, cohort=cohort, decided_by_id=decided_by_id, filename=filename)


def _write_rows(plan: Preview, result: ImportResult) -> list[tuple[PlannedRow, int]]:
    creates = plan.of("create")
    try:
        ids = services.create_trainees([row.data for row in creates], audit_action="trainee_imported")
    except services.TraineeRefused as refusal:  # registered meanwhile, by another request
        raise ImportRefused(_("%(reason)s Nothing was imported.", reason=str(refusal))) from None
    created = dict(zip((row.row for row in creates), ids))
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
            raise ImportRefused(_(
                "Row %(row)d (%(name)s) cannot be enrolled in %(cohort)s: %(reason)s Nothing was imported: "
                "import without enrollment, or fix the row.",
                row=row.row, name=row.data.name, cohort=cohort.code, reason=str(refusal),
            )) from None
        if enrollment.status == EnrollmentStatus.ENROLLED:
            result.enrolled += 1
        else:
            result.waitlisted += 1


def apply(plan: Preview, *, cohort: Cohort | None = None, decided_by_id: int | None = None,
          filename: str = "") -> ImportResult:
    """Write a preview's valid rows (and enrollments) into the current transaction; the caller commits."""
    result = ImportResult(errors=len(plan.of("error")), cohort_code=cohort.code if cohort else None)
    imported = _write_rows(plan, result)
    if cohort is not None:
        _enroll_rows(imported, cohort, decided_by_id, result)
    audit.record("trainees_imported", "trainee_import", None, after={"file": filename[:200], **vars(result)})
    return result


# ---------------------------------------------------------------- uploads waiting between preview and commit


@dataclass
class Upload:
    token: str
    path: Path
    owner_id: int | None
    filename: str
    default_county: str | None = None
    cohort_id: int | None = None
    rows: int = 0  # counted by the preview at upload, to choose between now and the background
    committed: bool = False  # then only the rows in error are kept, as a workbook

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(".json")

    @property
    def errors_path(self) -> Path:
        return self.path.with_suffix(".errors.xlsx")

    def save(self) -> None:
        """Write the metadata, replacing it whole."""
        meta = {key: value for key, value in vars(self).items() if key not in ("token", "path")}
        temporary = self.path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        _write_private(temporary, json.dumps(meta).encode())
        os.replace(temporary, self.meta_path)


def uploads_dir() -> Path:
    directory = Path(current_app.instance_path) / "imports"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def store_upload(content: bytes, *, owner_id: int | None, filename: str, default_county: str | None = None,
                 cohort_id: int | None = None) -> Upload:
    """Keep an uploaded file (mode 0600) under a random token until it is committed or 24 hours pass."""
    purge_stale_uploads()
    token = secrets.token_urlsafe(24)
    upload = Upload(token, uploads_dir() / token, owner_id, Path(filename or "").name[:200], default_county, cohort_id)
    _write_private(upload.path, content)
    upload.save()
    return upload


def find_upload(token: str, owner_id: int | None) -> Upload | None:
    """The stored upload, if the token is well-formed, fresh and this user's."""
    if not _TOKEN.match(token or ""):
        return None
    path = uploads_dir() / token
    try:
        fresh = time.time() - path.with_suffix(".json").stat().st_mtime < UPLOAD_MAX_AGE_SECONDS
        upload = Upload(token, path, **json.loads(path.with_suffix(".json").read_text()))
    except (OSError, ValueError, TypeError):
        return None
    kept = upload.errors_path if upload.committed else upload.path
    return upload if fresh and upload.owner_id == owner_id and kept.exists() else None


def finish_upload(upload: Upload, plan: Preview | None = None) -> None:
    """After a commit: the file goes; its rows in error stay as a workbook to download, if there are any."""
    upload.path.unlink(missing_ok=True)
    if plan is None or not plan.of("error"):
        upload.meta_path.unlink(missing_ok=True)
        return
    _write_private(upload.errors_path, error_rows_workbook(plan))
    upload.committed = True
    upload.save()


def discard_upload(upload: Upload) -> None:
    for path in (upload.path, upload.meta_path, upload.errors_path):
        path.unlink(missing_ok=True)


def purge_stale_uploads(max_age: float = UPLOAD_MAX_AGE_SECONDS) -> None:
    cutoff = time.time() - max_age
    for path in uploads_dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass  # another process removed it first


# ---------------------------------------------------------------- the rows to fix, as a workbook


def _download_cell(sheet, value, text_column: bool):
    cell = openpyxl.cell.WriteOnlyCell(sheet)
    if isinstance(value, (str, Formula)):
        cell.value = str(value)
        cell.data_type = "s"  # a leading = stays a character: never written as a formula
    else:
        cell.value = value
    if text_column:
        cell.number_format = "@"  # typed again as text, the ID number keeps its digits
    return cell


def error_rows_workbook(plan: Preview) -> bytes:
    """The rows in error with their original columns and a column saying what to fix."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("errors")
    width = len(plan.headers)
    text_columns = {plan.columns[name] for name in ("id_number", "phone") if name in plan.columns}
    sheet.append([_download_cell(sheet, header, False) for header in [*plan.headers, REASON_HEADER]])
    for row in plan.of("error"):
        reason = "; ".join(f"{column}: {why}" for column, why in row.errors)
        cells = [row.cell(index) for index in range(width)]
        sheet.append([_download_cell(sheet, value, index in text_columns) for index, value in enumerate(cells)]
                     + [_download_cell(sheet, reason, False)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- large files, in the background


@handler("trainee_import")
def import_job(job: Job):
    """Commit a large import in the worker: one transaction, committed by the runner after the last step."""
    params = job.params
    user = db.session.get(User, params["user_id"])
    upload = find_upload(params["token"], params["user_id"])
    with force_locale(params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if user is None or upload is None:
            yield Step(done=0, message=_("This upload has expired or was already imported. Upload the file again."))
            return
        audit.set_actor(user.id, user.username, params.get("ip"))
        cohort = db.session.get(Cohort, params["cohort_id"]) if params.get("cohort_id") else None
        try:
            plan, result = commit(upload.path, ImportScope.of(user, params.get("default_county")),
                            expected=params["fingerprint"], cohort=cohort, decided_by_id=user.id,
                            filename=upload.filename)
        except ImportRefused as refusal:
            db.session.rollback()
            yield Step(done=0, message=str(refusal), failures=[{"item": upload.filename, "reason": str(refusal)}])
            return
        yield Step(done=job.total, result=vars(result), message=_(
            "Imported: %(created)d new, %(updated)d updated, %(skipped)d unchanged, %(enrolled)d enrolled, "
            "%(waitlisted)d on the waiting list; %(errors)d rows in error were left out.", **vars(result)))
        finish_upload(upload, plan)  # only once the runner has committed the step above
