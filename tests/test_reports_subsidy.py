"""The subsidy claims' money on the dashboard and in its exports: claimed, approved and paid yuan by
county and course for the report's period and scope, with the definition beside them.

Worked out by hand, period 2026 (by the classes' end date), standard 4,500 yuan:
  紫阳县, course X, class paid at the 80 % tier: 3 lines, 3,600 + 3,600 + 0 (not completed);
      the first approved, the second rejected on review → claimed 7,200 (2 people), approved and paid 3,600.
  汉滨区, course X, class submitted at 100 %: 2 lines of 4,500 → claimed 9,000, nothing approved or paid.
  紫阳县, course Y: a draft (not counted) and a returned version (not counted).
  紫阳县, course X, a class ended in 2025 and paid: outside the period.
City: 2 claims, 4 people claimed, 16,200.00 claimed, 1 approved, 3,600.00 approved, 3,600.00 paid.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest

from tests.support.claims import build_claim
from tests.support.reports import HANBIN, ZIYANG
from training.extensions import db
from training.models import ClaimStatus, CohortStatus, LineDecision, TraineeCategory
from training.reports import services
from training.reports.definitions import Settings
from training.reports.queries import Criteria

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
YEAR = Criteria(date(2026, 1, 1), date(2026, 12, 31))
QUERY = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


def figures(money) -> tuple:
    return (money.claims, money.people, money.claimed, money.approved_people, money.approved, money.paid)


@pytest.fixture
def claims(make):
    x, y = make.course(name="足部修护师（五级）", code="SX"), make.course(name="母婴护理员（五级）", code="SY")

    def cohort(course, county, end, code):
        return make.cohort(
            course=course,
            county_code=county,
            code=code,
            start_date=end.replace(day=1),
            end_date=end,
            status=CohortStatus.FINISHED,
            standard_yuan=Decimal("4500.00"),
            standard_min_hours=40,
        )

    paid = build_claim(make, cohort=cohort(x, ZIYANG, date(2026, 6, 20), "ZY-P"), trainees=3, ineligible=1, tier_pct=80)
    for line, decision in zip(
        paid.lines, (LineDecision.APPROVED, LineDecision.REJECTED, LineDecision.REJECTED), strict=True
    ):
        line.decision = decision
    paid.status, paid.approved_yuan, paid.paid_yuan = ClaimStatus.PAID, Decimal("3600.00"), Decimal("3600.00")
    build_claim(make, cohort=cohort(x, HANBIN, date(2026, 7, 10), "HB-S"), trainees=2, status=ClaimStatus.SUBMITTED)
    build_claim(make, cohort=cohort(y, ZIYANG, date(2026, 8, 10), "ZY-D"), trainees=2)
    returned = build_claim(make, cohort=cohort(y, ZIYANG, date(2026, 8, 20), "ZY-R"), trainees=2)
    returned.status = ClaimStatus.RETURNED  # as lifecycle returns it: its lines let go of their enrollments
    for line in returned.lines:
        line.standing = False
    old = build_claim(make, cohort=cohort(x, ZIYANG, date(2025, 12, 20), "ZY-O"), trainees=2)
    old.status = ClaimStatus.PAID
    for line in old.lines:
        line.decision = LineDecision.APPROVED
    db.session.commit()
    return paid


def report_for(make, county=None, criteria=YEAR, locale="zh_CN"):
    user = make.user("coordinator", county_code=county)
    return services.build_report(user, criteria, Settings(), NOW, "Asia/Shanghai", locale)


def test_the_city_s_claims_count_once_submitted_and_their_approved_and_paid_lines(make, claims):
    report = report_for(make)
    assert figures(report.subsidy) == (2, 4, Decimal("16200.00"), 1, Decimal("3600.00"), Decimal("3600.00"))


def test_the_money_is_broken_down_by_county_and_by_course(make, claims):
    report = report_for(make)
    counties = {name: figures(money) for name, money in report.subsidy_by_county}
    assert counties == {
        "汉滨区": (1, 2, Decimal("9000.00"), 0, Decimal("0.00"), Decimal("0.00")),
        "紫阳县": (1, 2, Decimal("7200.00"), 1, Decimal("3600.00"), Decimal("3600.00")),
    }
    assert [name for name, _ in report.subsidy_by_county] == ["汉滨区", "紫阳县"]  # the most claimed first
    assert [(name, money.claimed) for name, money in report.subsidy_by_course] == [
        ("足部修护师（五级）", Decimal("16200.00"))
    ]


def test_a_county_coordinator_sees_only_the_money_of_their_county(make, claims):
    report = report_for(make, county=ZIYANG)
    assert figures(report.subsidy) == (1, 2, Decimal("7200.00"), 1, Decimal("3600.00"), Decimal("3600.00"))
    assert [name for name, _ in report.subsidy_by_county] == ["紫阳县"]


def test_the_period_picks_the_classes_by_their_end_date(make, claims):
    report = report_for(make, criteria=Criteria(date(2025, 1, 1), date(2025, 12, 31)))
    assert figures(report.subsidy) == (1, 2, Decimal("9000.00"), 2, Decimal("9000.00"), Decimal("9000.00"))


def test_a_household_category_counts_only_its_own_trainees_amounts(make, claims):
    first = claims.lines[0].enrollment
    db.session.add(TraineeCategory(trainee_id=first.trainee_id, category="relocated"))
    db.session.commit()
    report = report_for(make, criteria=Criteria(YEAR.date_from, YEAR.date_to, category="relocated"))
    assert figures(report.subsidy) == (1, 1, Decimal("3600.00"), 1, Decimal("3600.00"), Decimal("3600.00"))


def test_no_claim_is_zero_not_missing(make):
    report = report_for(make)
    assert figures(report.subsidy) == (0, 0, Decimal("0.00"), 0, Decimal("0.00"), Decimal("0.00"))
    assert report.subsidy_by_county == [] and report.subsidy_by_course == []


def test_the_dashboard_shows_the_money_with_its_definition(client, auth, claims):
    auth.login("coordinator")
    page = client.get("/reports", query_string=QUERY).get_data(as_text=True)
    assert "职业培训补贴" in page
    assert "16,200.00" in page and "3,600.00" in page and "9,000.00" in page
    assert "草稿和被退回的版本不计" in page  # the definition, beside the figures and in the list


def test_the_english_definition_says_what_counts(make, claims):
    definition = report_for(make, locale="en").definition["subsidy"]
    assert definition.label == "Training subsidy"
    assert "drafts and returned versions do not count" in definition.text


def test_the_xlsx_export_holds_the_money_by_course_and_county_with_the_total(client, auth, claims):
    auth.login("coordinator")
    response = client.get("/reports/tables.xlsx", query_string=QUERY)
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = [tuple(row) for row in workbook["职业培训补贴 · 区县"].iter_rows(values_only=True)]
    assert rows[1] == (
        "区县",
        "申领笔数",
        "申领人数",
        "申领金额（元）",
        "审核通过人数",
        "审批金额（元）",
        "拨付金额（元）",
    )
    assert rows[2:] == [
        ("汉滨区", 1, 2, 9000, 0, 0, 0),
        ("紫阳县", 1, 2, 7200, 1, 3600, 3600),
        ("合计", 2, 4, 16200, 1, 3600, 3600),
    ]
    definitions = [tuple(row) for row in workbook["口径说明"].iter_rows(values_only=True)]
    assert any(row[:1] == ("职业培训补贴",) and "拨付金额" in row[1] for row in definitions)
    assert "职业培训补贴 · 培训项目" in workbook.sheetnames
