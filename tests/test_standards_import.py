"""Importing the province's catalogue: a preview of every row (new, changed, unchanged, in error with the
reason per row), then a commit of all of them or none; the template reads back; the command line too."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.support.import_sheets import zipped
from training.extensions import db
from training.models import AuditEvent, SubsidyStandard
from training.sheets import ImportRefused
from training.standards import checking, committing, template
from training.standards.views import UPLOADS

pytestmark = pytest.mark.usefixtures("english")

HEADERS = ["职业（工种）", "职业等级", "培训类型", "补贴标准（元/人）", "最低课时", "起始日期", "截止日期"]
FOOT = ["足部修护师", "五级", "项目制", 4500, 90, date(2026, 1, 1), None]
NANNY = ["母婴护理员", "四级/中级工", "项目制", "4,500", 100, "2026-01-01", "2026-12-31"]
TEA = ["茶艺师", "初级工", "", "3000.00", 64, "2026/1/1", ""]


def sheet(*rows, headers=HEADERS, title="陕西省2026年职业技能培训需求目录") -> bytes:
    book = openpyxl.Workbook()
    page = book.active
    if title:
        page.append([title])
    page.append(headers)
    for row in rows:
        page.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def preview_of(app, tmp_path):
    def preview(content: bytes, name: str = "catalogue.xlsx"):
        path = tmp_path / name
        path.write_bytes(content)
        with force_locale("en"):
            return checking.preview(path)

    return preview


@pytest.fixture
def commit_of(app, tmp_path):
    def commit(content: bytes, expected: str | None = None):
        path = tmp_path / "catalogue.xlsx"
        path.write_bytes(content)
        with force_locale("en"):
            return committing.commit(path, expected=expected, filename="catalogue.xlsx")

    return commit


def catalogue() -> list[tuple]:
    return list(
        db.session.execute(
            select(
                SubsidyStandard.occupation,
                SubsidyStandard.level,
                SubsidyStandard.training_type,
                SubsidyStandard.yuan,
                SubsidyStandard.min_hours,
                SubsidyStandard.valid_from,
                SubsidyStandard.valid_to,
            ).order_by(SubsidyStandard.occupation, SubsidyStandard.valid_from)
        ).tuples()
    )


def errors_of(plan) -> dict[int, list[str]]:
    return {row.row: [reason for _column, reason in row.errors] for row in plan.of("error")}


# ---- the preview -----------------------------------------------------------------------------


def test_the_preview_reads_each_row_as_the_province_writes_it(preview_of):
    plan = preview_of(sheet(FOOT, NANNY, TEA))

    assert plan.counts == {"create": 3, "update": 0, "skip": 0, "error": 0, "total": 3}
    assert [vars(row.details) for row in plan.rows] == [
        dict(occupation="足部修护师", level=5, training_type="project", yuan=Decimal("4500.00"), min_hours=90,
             valid_from=date(2026, 1, 1), valid_to=None),
        dict(occupation="母婴护理员", level=4, training_type="project", yuan=Decimal("4500.00"), min_hours=100,
             valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31)),
        dict(occupation="茶艺师", level=5, training_type="project", yuan=Decimal("3000.00"), min_hours=64,
             valid_from=date(2026, 1, 1), valid_to=None),
    ]  # fmt: skip


def test_the_preview_writes_nothing(preview_of):
    preview_of(sheet(FOOT))

    assert catalogue() == []


def test_a_sheet_without_the_training_type_column_is_project_based(preview_of):
    plan = preview_of(sheet(FOOT[:2] + FOOT[3:6], headers=HEADERS[:2] + HEADERS[3:6]))

    assert plan.rows[0].details.training_type == "project"


def test_a_csv_file_is_read_like_a_workbook(preview_of):
    content = "职业,等级,补贴标准,最低课时,起始日期\n足部修护师,五级,4500,90,2026-01-01\n".encode("gb18030")

    plan = preview_of(content, name="catalogue.csv")

    assert plan.rows[0].details.yuan == Decimal("4500.00")


def test_each_row_in_error_is_listed_with_its_column_and_what_to_fix(preview_of):
    plan = preview_of(
        sheet(
            FOOT,
            ["母婴护理员", "六级", "项目制", "四千", 0, "2026-13-01", None],
            ["", "五级", "学徒制", 3000, 64, "2026-01-01", "2025-12-31"],
        )
    )

    assert plan.counts["error"] == 2
    assert {row.row: [column for column, _reason in row.errors] for row in plan.of("error")} == {
        4: ["职业等级", "补贴标准（元/人）", "最低课时", "起始日期"],
        5: ["职业（工种）", "培训类型", "截止日期"],
    }
    assert errors_of(plan)[4][0].startswith("“六级” is not a level")
    assert errors_of(plan)[5] == [
        "The occupation is missing.",
        "“学徒制” is not a training type: write 项目制, 企业职工 or 个人自主.",
        "The end date is before the start date.",
    ]


def test_a_formula_cell_is_refused_not_evaluated(preview_of):
    plan = preview_of(sheet(["足部修护师", "五级", "项目制", "=4000+500", 90, date(2026, 1, 1), None]))

    assert errors_of(plan) == {3: ["Formulas are not accepted: copy the column and paste it as values."]}


def test_two_rows_of_the_same_standard_from_the_same_day_are_both_in_error(preview_of):
    plan = preview_of(sheet(FOOT, FOOT))

    assert errors_of(plan) == {
        3: ["The same standard (from the same day) is also on row 4."],
        4: ["The same standard (from the same day) is also on row 3."],
    }


def test_two_rows_in_force_on_the_same_days_are_both_in_error(preview_of):
    later = ["足部修护师", "五级", "项目制", 4800, 90, date(2026, 7, 1), None]

    plan = preview_of(sheet(FOOT, later))

    assert errors_of(plan)[3][0].startswith(
        "In force on the same days as the standard from Jul 1, 2026, no end in row 4"
    )
    assert errors_of(plan)[4][0].startswith(
        "In force on the same days as the standard from Jan 1, 2026, no end in row 3"
    )


def test_a_row_in_force_on_days_of_a_standard_in_the_catalogue_is_in_error(make, preview_of):
    make.standard(occupation="足部修护师", level=5, valid_from=date(2024, 1, 1), valid_to=None)

    plan = preview_of(sheet(FOOT))

    assert errors_of(plan)[3] == [
        "In force on the same days as the standard from Jan 1, 2024, no end in the catalogue: two standards of the "
        "same occupation, level and training type may not overlap."
    ]


def test_a_row_that_ends_the_catalogues_standard_lets_the_next_one_in(make, preview_of):
    make.standard(occupation="足部修护师", level=5, valid_from=date(2024, 1, 1), valid_to=None, min_hours=90)
    ending = ["足部修护师", "五级", "项目制", 4500, 90, date(2024, 1, 1), date(2025, 12, 31)]

    plan = preview_of(sheet(ending, FOOT))

    assert [row.action for row in plan.rows] == ["update", "create"]


def test_a_row_of_a_standard_in_the_catalogue_is_unchanged_or_names_what_changes(make, preview_of):
    make.standard(occupation="足部修护师", level=5, valid_from=date(2026, 1, 1), yuan=Decimal("4500"), min_hours=90)
    make.standard(occupation="茶艺师", level=5, valid_from=date(2026, 1, 1), yuan=Decimal("2500"), min_hours=64)

    plan = preview_of(sheet(FOOT, TEA))

    assert [(row.action, row.changes) for row in plan.rows] == [("skip", []), ("update", ["补贴标准（元/人）"])]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (sheet(headers=HEADERS), "The sheet has a header row but no standards under it."),
        (sheet(FOOT, headers=["职业", "等级", "补贴"]), "No header row found: one of the first 10 rows must name"),
        (zipped({"hello.txt": b"hi"}), "This file is not an Excel workbook."),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "This is an old Excel file (.xls)."),
    ],
    ids=["no rows", "no header row", "not a workbook", "an old .xls"],
)
def test_a_file_that_is_not_a_catalogue_is_refused_whole(preview_of, content, message):
    with pytest.raises(ImportRefused) as refused:
        preview_of(content)

    assert str(refused.value).startswith(message)


# ---- the commit ------------------------------------------------------------------------------


def test_the_commit_writes_every_row_and_audits_each_and_the_import(make, commit_of, preview_of):
    make.standard(occupation="茶艺师", level=5, valid_from=date(2026, 1, 1), yuan=Decimal("2500"), min_hours=64)
    content = sheet(FOOT, NANNY, TEA)

    _plan, result = commit_of(content, expected=preview_of(content).fingerprint)

    assert vars(result) == {"created": 2, "updated": 1, "skipped": 0}
    assert len(catalogue()) == 3
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["standard_updated", "standard_created", "standard_created", "standards_imported"]
    updated = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "standard_updated"))
    assert (updated.before["yuan"], updated.after["yuan"]) == ("2500.00", "3000.00")


def test_a_sheet_with_any_row_in_error_writes_nothing(commit_of):
    content = sheet(FOOT, ["母婴护理员", "六级", "项目制", 4000, 80, date(2026, 1, 1), None], TEA)

    with pytest.raises(ImportRefused) as refused:
        commit_of(content)

    assert str(refused.value) == (
        "1 row has an error, so nothing was imported: fix it in the sheet and upload it again."
    )
    db.session.rollback()
    assert catalogue() == []


def test_a_failure_halfway_through_the_commit_leaves_nothing_behind(app, commit_of, monkeypatch):
    from training.standards import services

    real, calls = services.create_standard, []

    def fail_on_the_second(details):
        calls.append(details)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real(details)

    monkeypatch.setattr(services, "create_standard", fail_on_the_second)
    with pytest.raises(RuntimeError):
        commit_of(sheet(FOOT, NANNY, TEA))
    db.session.rollback()

    assert catalogue() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_catalogue_changed_since_the_preview_is_not_imported(make, commit_of, preview_of):
    content = sheet(FOOT, NANNY)
    seen = preview_of(content).fingerprint
    make.standard(occupation="母婴护理员", level=4, valid_from=date(2026, 1, 1), yuan=Decimal("4000"))
    db.session.commit()

    with pytest.raises(committing.PreviewChanged) as changed:
        commit_of(content, expected=seen)

    assert changed.value.preview.counts["update"] == 1
    db.session.rollback()
    assert len(catalogue()) == 1


def test_the_template_imports_as_it_is(preview_of):
    plan = preview_of(template.standards_template(2026))

    assert plan.counts == {"create": 1, "update": 0, "skip": 0, "error": 0, "total": 1}
    assert vars(plan.rows[0].details) == dict(
        occupation="足部修护师",
        level=5,
        training_type="project",
        yuan=Decimal("4500.00"),
        min_hours=90,
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
    )


# ---- the pages -------------------------------------------------------------------------------


def upload(client, content: bytes, name: str = "目录.xlsx"):
    return client.submit("/standards/import", {"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def token_of(page: str) -> str:
    """The upload's token, from the preview's discard form (there is always one)."""
    end = page.index("/discard")
    return page[page.rindex("/standards/import/", 0, end) + len("/standards/import/") : end]


def test_an_upload_shows_the_preview_and_the_commit_imports_it(client, auth):
    auth.login("coordinator")

    page = upload(client, sheet(FOOT, TEA)).get_data(as_text=True)
    token = token_of(page)
    done = client.submit(
        f"/standards/import/{token}/commit", {"fingerprint": _fingerprint(page)}, page=f"/standards/import/{token}"
    )

    assert "Import: 2 new, 0 updated" in page
    assert "足部修护师 · Level 5 (junior worker) · Project-based training" in page
    assert "Import done" in done.get_data(as_text=True)
    assert len(catalogue()) == 2
    assert UPLOADS.find(token, db.session.scalar(select(AuditEvent.actor_id).limit(1))) is None  # the file is gone


def test_a_preview_with_errors_lists_them_per_row_and_offers_no_commit(client, auth):
    auth.login("coordinator")

    page = upload(client, sheet(FOOT, ["", "五级", "项目制", 3000, 64, "2026-01-01", None])).get_data(as_text=True)

    assert "1 row has an error. The catalogue is imported whole or not at all" in page
    assert "Row 4" in page and "The occupation is missing." in page
    assert "import-commit" not in page


def test_posting_a_commit_of_a_sheet_with_errors_writes_nothing_and_says_why(client, auth):
    auth.login("coordinator")
    page = upload(client, sheet(FOOT, ["", "五级", "项目制", 3000, 64, "2026-01-01", None])).get_data(as_text=True)
    token = token_of(page)

    response = client.submit(
        f"/standards/import/{token}/commit", {"fingerprint": _fingerprint(page)}, page=f"/standards/import/{token}"
    )

    assert "1 row has an error, so nothing was imported" in response.get_data(as_text=True)
    assert catalogue() == []


def test_a_file_that_cannot_be_read_is_refused_on_the_upload_form(app, client, auth, tmp_path):
    app.instance_path = str(tmp_path / "instance")  # uploads of this test only
    auth.login("admin")

    page = upload(client, b"\xd0\xcf\x11\xe0" + b"\x00" * 100, name="目录.xls").get_data(as_text=True)

    assert "This is an old Excel file (.xls)." in page
    assert list(UPLOADS.directory().iterdir()) == []


def test_a_file_over_the_upload_limit_shows_the_form_again_with_the_limit(app, client, auth):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    auth.login("coordinator")

    response = upload(client, b"x" * 4096, name="目录.csv")

    assert response.status_code == 413
    assert "The file is larger than the limit of 2 KB." in response.get_data(as_text=True)
    assert "Split the catalogue into smaller files" in response.get_data(as_text=True)


def test_another_users_upload_is_not_found(client, auth, make):
    owner = make.user("coordinator")
    stored = UPLOADS.store(sheet(FOOT), owner_id=owner.id, filename="目录.xlsx")
    auth.login("coordinator")

    assert client.get(f"/standards/import/{stored.token}").status_code == 404


def test_a_roster_upload_is_not_read_as_a_catalogue(client, auth):
    from training.imports import uploads

    user = auth.login("coordinator")
    roster = uploads.store_upload(sheet(FOOT), owner_id=user.id, filename="roster.xlsx")

    assert client.get(f"/standards/import/{roster.token}").status_code == 404


def test_the_template_download_is_a_workbook_with_the_importers_headers(client, auth):
    auth.login("coordinator")

    response = client.get("/standards/import/template.xlsx")

    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert [cell.value for cell in book.worksheets[0][1]] == [checking.HEADERS[f][0] for f in template.FIELDS]


def _fingerprint(page: str) -> str:
    marker = 'name="fingerprint" type="hidden" value="'
    start = page.index(marker) + len(marker) if marker in page else None
    return page[start : page.index('"', start)] if start else "none"


# ---- the command line ------------------------------------------------------------------------


def test_the_command_previews_a_file_without_writing(runner, tmp_path):
    path = tmp_path / "目录.xlsx"
    path.write_bytes(sheet(FOOT, TEA))

    result = runner.invoke(args=["standards", "import", str(path), "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["create"] == 2
    assert catalogue() == []


def test_the_command_commits_a_file_without_errors(runner, tmp_path):
    path = tmp_path / "目录.xlsx"
    path.write_bytes(sheet(FOOT, TEA))

    result = runner.invoke(args=["standards", "import", str(path), "--commit"])

    assert result.exit_code == 0, result.output
    assert "Imported: 2 new, 0 updated, 0 unchanged" in result.output
    db.session.expire_all()
    assert len(catalogue()) == 2


def test_the_command_writes_nothing_when_a_row_has_an_error(runner, tmp_path):
    path = tmp_path / "目录.xlsx"
    path.write_bytes(sheet(FOOT, ["", "五级", "项目制", 3000, 64, "2026-01-01", None]))

    result = runner.invoke(args=["standards", "import", str(path), "--commit"])

    assert result.exit_code == 1
    assert "row 4, 职业（工种）: The occupation is missing." in result.output
    assert catalogue() == []
