"""A claim's documents, read back: the 补贴人员名册 (.xlsx with full ID numbers, PDF masked), the 公示名单
(masked names and ID numbers, the notice's dates, the centre's phone) and the 审核报告 (who prepared and
reviewed it, counts, reasons, total), each from the claim's snapshot; their pages and downloads, and
`flask --app app claims export`."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from tests.support.claims import SNAPSHOT_KEYS, build_claim
from tests.support.statements import statements_sent
from training.claims import documents
from training.extensions import db
from training.identity import mask_id_number
from training.models import AuditEvent, ClaimObjection, ClaimStatus, LineDecision

TODAY = date(2026, 8, 1)
FULL_ID = re.compile(r"\d{17}[\dX]")


def pdftotext(data: bytes, *, layout: bool = True) -> str:
    """The text of a PDF; with layout, a table's row reads on one line (a long cell may wrap)."""
    options = ["-layout"] if layout else []
    return subprocess.run(
        ["pdftotext", *options, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def approve(claim, reviewer, *, rejected: dict[int, str] | None = None, at=None):
    """What review does to a claim (the lifecycle's service is another helper's): every eligible line
    decided, the rejected ones with their reason, then the claim approved with its total."""
    at = at or datetime(2026, 7, 20, 2, 30, tzinfo=UTC)
    rejected = rejected or {}
    for line in claim.lines:
        if not line.eligible:
            continue
        line.decision = LineDecision.REJECTED if line.position in rejected else LineDecision.APPROVED
        line.decision_reason = rejected.get(line.position)
        line.decided_by_id, line.decided_at = reviewer.id, at
    claim.status = ClaimStatus.APPROVED
    claim.submitted_by_id, claim.submitted_at = claim.prepared_by_id, at - timedelta(days=12)
    claim.notice_starts_on, claim.notice_ends_on = date(2026, 7, 8), date(2026, 7, 14)
    claim.approved_by_id, claim.approved_at = reviewer.id, at + timedelta(hours=1)
    claim.approved_yuan = sum(
        (line.amount_yuan for line in claim.lines if line.eligible and line.position not in rejected), Decimal("0.00")
    )
    db.session.flush()
    return claim


@pytest.fixture
def claim(make):
    return build_claim(make, trainees=4, ineligible=1, tier_pct=80)


def test_the_helper_claims_snapshots_have_every_key_the_documents_read(claim):
    assert all(set(line.snapshot) == set(SNAPSHOT_KEYS) for line in claim.lines)


# ---------------------------------------------------------------- the roster


@pytest.mark.parametrize("column", documents.ROSTER_HEADERS)
def test_the_roster_pdf_has_every_column(app, claim, column):
    text = pdftotext(documents.roster_pdf(claim, TODAY), layout=False)  # a header that wraps reads whole

    assert column in re.sub(r"\s+", "", text)


def test_the_roster_pdf_lists_the_claimed_trainees_with_a_total_row(app, claim):
    text = pdftotext(documents.roster_pdf(claim, TODAY))

    for line in claim.lines[:3]:
        assert line.snapshot["name"] in text and line.snapshot["certificate_number"] in text
    assert claim.lines[3].snapshot["name"] not in text  # not eligible: not claimed
    assert "3600.00" in text and "4500.00" in text  # 80 % of 4,500, the standard
    assert re.search(r"合计\s+3\s*人\s+10800\.00", text)
    assert app.config["CENTRE_NAME"] in text


def test_the_roster_pdf_holds_no_full_id_number(app, claim):
    text = pdftotext(documents.roster_pdf(claim, TODAY))

    assert FULL_ID.search(text) is None
    for line in claim.lines[:3]:
        id_number = line.snapshot["id_number"]
        assert id_number not in text
        assert f"{id_number[:6]}********{id_number[-4:]}" in text


def _sheet_rows(data: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_roster_xlsx_holds_full_id_numbers_as_text_for_the_payer(app, claim):
    rows = _sheet_rows(documents.roster_xlsx(claim, TODAY))

    ids = [row[3] for row in rows if row and isinstance(row[0], int)]
    assert ids == [line.snapshot["id_number"] for line in claim.lines[:3]]


def test_the_roster_xlsx_has_every_column_and_a_total_row_that_is_the_sum(app, claim):
    rows = _sheet_rows(documents.roster_xlsx(claim, TODAY))

    header = next(row for row in rows if row and row[0] == "序号")
    assert list(header) == documents.ROSTER_HEADERS
    total = rows[-1]
    assert total[0] == "合计" and total[1] == "3 人" and Decimal(str(total[-1])) == Decimal("10800.00")
    lines = [row for row in rows if row and isinstance(row[0], int)]
    assert [(row[1], row[2], Decimal(str(row[-1]))) for row in lines] == [
        (line.snapshot["name"], "女" if line.snapshot["gender"] == "F" else "男", Decimal("3600.00"))
        for line in claim.lines[:3]
    ]


def test_a_cell_typed_as_a_formula_is_written_as_text(app, claim):
    claim.lines[0].snapshot = {**claim.lines[0].snapshot, "employer": '=HYPERLINK("http://x")'}

    rows = _sheet_rows(documents.roster_xlsx(claim, TODAY))

    assert '\'=HYPERLINK("http://x")' in [row[10] for row in rows if row and row[0] == 1]


def test_the_roster_reads_the_snapshot_not_the_trainee_as_it_is_now(app, claim):
    claim.lines[0].enrollment.trainee.name = "改过的名字"
    db.session.flush()

    text = pdftotext(documents.roster_pdf(claim, TODAY))

    assert claim.lines[0].snapshot["name"] in text and "改过的名字" not in text


def test_a_line_rejected_in_review_leaves_the_roster_and_its_total(app, make, claim):
    approve(claim, make.user("reviewer"), rejected={2: "合同为伪造"})

    text = pdftotext(documents.roster_pdf(claim, TODAY))

    assert claim.lines[1].snapshot["name"] not in text
    assert re.search(r"合计\s+2\s*人\s+7200\.00", text)


# ---------------------------------------------------------------- the public notice


def test_the_notice_shows_masked_names_occupation_amount_dates_and_the_phone(app, make, claim):
    claim.lines[0].snapshot = {**claim.lines[0].snapshot, "name": "王秀英"}
    claim.notice_starts_on, claim.notice_ends_on = date(2026, 7, 8), date(2026, 7, 14)

    text = pdftotext(documents.notice_pdf(claim, TODAY))

    assert "王*英" in text and "王秀英" not in text
    assert "2026年07月08日至2026年07月14日" in text
    assert app.config["CENTRE_PHONE"] in text
    assert claim.cohort.course.occupation in text and "五级/初级工" in text
    assert re.search(r"合计\s+3\s*人\s+10800\.00", text)


def test_the_notice_holds_no_full_id_number_nor_full_name(app, claim):
    text = pdftotext(documents.notice_pdf(claim, TODAY))

    assert FULL_ID.search(text) is None
    for line in claim.lines:
        assert line.snapshot["id_number"] not in text
        assert line.snapshot["name"] not in text
    for line in claim.lines[:3]:
        assert mask_id_number(line.snapshot["id_number"]) in text


def test_a_notice_without_dates_yet_says_they_come_with_the_submission(app, claim):
    text = pdftotext(documents.notice_pdf(claim, TODAY))

    assert "公示期自申领提交后确定" in re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- the review report


def test_there_is_no_review_report_before_the_claim_is_approved(app, claim):
    with pytest.raises(documents.DocumentNotReady):
        documents.review_pdf(claim, TODAY)
    assert "review.pdf" not in documents.available(claim)


def test_the_review_report_names_the_preparer_and_the_reviewers_and_when(app, make, claim):
    reviewer = make.user("reviewer", display_name="审核员张")
    approve(claim, reviewer, at=datetime(2026, 7, 20, 2, 30, tzinfo=UTC))

    text = pdftotext(documents.review_pdf(claim, TODAY))

    assert claim.prepared_by.display_name in text
    assert "审核员张（审核员）" in text
    assert "2026-07-20 10:30" in text  # Beijing time
    assert "2026-07-20 11:30" in text  # approved an hour later


def test_the_review_report_counts_approved_and_rejected_lines_with_their_reasons(app, make, claim):
    approve(claim, make.user("reviewer"), rejected={2: "劳动合同为补签"})

    text = re.sub(r"\s+", "", pdftotext(documents.render(claim, "review.pdf", TODAY)))

    assert "本次申报4人，审核通过2人，未通过2人" in text
    assert "审核未通过：劳动合同为补签" in text
    assert "资格审查未通过Notcompleted:Attendance50%,below80%." in text  # the tests run without the catalog
    assert "核定补贴金额合计7200.00元" in text


def test_the_review_report_tells_an_upheld_objection(app, make, claim):
    reviewer = make.user("reviewer")
    claim.lines[0].objections.append(
        ClaimObjection(raised_by="村民", content="此人未参加培训", outcome="upheld", outcome_reason="核实属实")
    )
    approve(claim, reviewer)

    text = re.sub(r"\s+", "", pdftotext(documents.review_pdf(claim, TODAY)))

    assert "收到异议1件，其中成立1件" in text
    assert "公示异议成立：核实属实" in text
    assert claim.lines[0].snapshot["name"] not in pdftotext(documents.roster_pdf(claim, TODAY))


# ---------------------------------------------------------------- the pages


def test_a_county_coordinator_downloads_the_roster_pdf_of_their_county(client, auth, claim):
    auth.login("coordinator", county=claim.cohort.county_code)

    response = client.get(f"/claims/{claim.id}/documents/roster.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "补贴人员名册" in pdftotext(response.data)


@pytest.mark.parametrize(
    "role, county, status",
    [("coordinator", "610902", 403), ("trainer", "610924", 403), ("coordinator", None, 200), ("reviewer", None, 200)],
)
def test_who_may_read_a_claims_documents(client, auth, claim, role, county, status):
    auth.login(role, county=county)

    assert client.get(f"/claims/{claim.id}/documents/notice.pdf").status_code == status


def test_reading_the_xlsx_roster_is_audited(client, auth, claim):
    user = auth.login("coordinator", county=claim.cohort.county_code)

    response = client.get(f"/claims/{claim.id}/documents/roster.xlsx")

    assert response.status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "claim_document_downloaded")).one()
    assert (event.actor_id, event.entity_id, event.after) == (user.id, str(claim.id), {"document": "roster.xlsx"})


def test_the_review_report_of_a_claim_not_approved_sends_back_to_the_documents_page(client, auth, claim):
    auth.login("coordinator", county=claim.cohort.county_code)

    response = client.get(f"/claims/{claim.id}/documents/review.pdf", follow_redirects=True)

    assert response.request.path == f"/claims/{claim.id}/documents"
    assert "The review report is made once the claim is approved." in response.get_data(as_text=True)


def test_an_unknown_document_is_not_found(client, auth, claim):
    auth.login("coordinator")

    assert client.get(f"/claims/{claim.id}/documents/secrets.pdf").status_code == 404


def test_the_documents_page_links_what_the_claim_has(client, auth, make, claim):
    approve(claim, make.user("reviewer"))
    db.session.commit()
    auth.login("coordinator")

    html = client.get(f"/claims/{claim.id}/documents").get_data(as_text=True)

    for name in documents.DOCUMENTS:
        assert f"/claims/{claim.id}/documents/{name}" in html
    assert "Build the evidence pack" in html


def _statements(client, url: str) -> int:
    with statements_sent() as sent:
        assert client.get(url).status_code == 200
    return len(sent)


@pytest.mark.parametrize("page", ["", "/roster.xlsx", "/roster.pdf", "/notice.pdf", "/review.pdf"])
def test_a_document_costs_as_many_statements_for_12_lines_as_for_3(client, auth, make, page):
    reviewer = make.user("reviewer")
    small, large = (approve(build_claim(make, trainees=n, ineligible=1), reviewer) for n in (3, 12))
    for line in large.lines[:4]:
        line.objections.append(ClaimObjection(raised_by="村民", content="核实", outcome="dismissed"))
    db.session.commit()
    auth.login("coordinator")
    _statements(client, f"/claims/{small.id}/documents{page}")  # first use: caches filled

    assert _statements(client, f"/claims/{large.id}/documents{page}") == _statements(
        client, f"/claims/{small.id}/documents{page}"
    )


# ---------------------------------------------------------------- the command line


def test_the_export_command_writes_the_documents_into_the_folder(app, runner, make, claim, tmp_path):
    approve(claim, make.user("reviewer"))
    db.session.commit()

    result = runner.invoke(args=["claims", "export", str(claim.id), "--out", str(tmp_path / "out")])

    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    code = claim.cohort.code
    assert written == sorted(
        [
            f"公示名单-{code}-v1.pdf",
            f"审核报告-{code}-v1.pdf",
            f"补贴人员名册-{code}-v1.pdf",
            f"补贴人员名册-{code}-v1.xlsx",
        ]
    )
    assert all((tmp_path / "out" / name).stat().st_mode & 0o077 == 0 for name in written)
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "claim_documents_exported")).all()


def test_the_export_command_of_a_claim_not_approved_leaves_out_the_review_report(runner, claim, tmp_path):
    db.session.commit()

    result = runner.invoke(args=["claims", "export", str(claim.id), "--out", str(tmp_path)])

    assert result.exit_code == 0
    assert "no review report: the claim is not approved" in result.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("审核报告")]


def test_the_export_command_refuses_an_unknown_claim(runner, tmp_path):
    result = runner.invoke(args=["claims", "export", "999999", "--out", str(tmp_path)])

    assert result.exit_code == 2 and "no claim 999999" in result.output
