"""The dashboard page: who may see it, county scope, filters, and the definitions it states."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.reports import HANBIN, PERIOD, ZIYANG
from training.extensions import db
from training.models import AuditEvent


def kpis(html: str) -> dict[str, str]:
    """The KPI cards: label → value."""
    found = re.findall(r'<div class="kpi-label">([^<]+)</div><div class="kpi-value">([^<]+)</div>', html)
    return {label: value for label, value in found}


def page(client, **params) -> str:
    response = client.get("/reports", query_string={**PERIOD, **params})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_city_coordinator_sees_the_whole_city_funnel(client, auth, small_city):
    auth.login("coordinator")
    html = page(client)
    assert kpis(html) == {
        "培训人数": "11",
        "结业人数": "7",
        "取证人数": "5",
        "就业人数": "5",
        "6个月稳岗人数": "3",
        "平均月工资（元）": "4,600",
        "月工资中位数（元）": "5,000",
        # No claim in the small city (tests/test_reports_subsidy.py has the money).
        "申领金额（元）": "0.00",
        "审批金额（元）": "0.00",
        "拨付金额（元）": "0.00",
    }
    assert "安康市" in html


def test_the_page_states_every_definition_and_when_the_figures_were_taken(client, auth, small_city):
    auth.login("coordinator")
    html = page(client)
    assert (
        "就业率 = 结业后 6 个月内开始就业并签订 12 个月以上劳动合同（自主创业不要求合同）的结业人数 ÷ 结业人数" in html
    )
    assert "6个月稳岗率 = 就业人数中 6 个月回访确认仍在岗的人数 ÷ 6 个月回访已到期" in html
    assert "结业日期在 2024-01-01 至 2024-06-30（含）之间的培训班" in html
    assert re.search(r"数据截至 \d{4}-\d\d-\d\d \d\d:\d\d", html)


def test_definitions_follow_the_app_config(app, client, auth, small_city):
    app.config.update(REPORT_EMPLOYED_WITHIN_MONTHS=2, REPORT_MIN_CONTRACT_MONTHS=6)
    auth.login("coordinator")
    html = page(client)
    assert "结业后 2 个月内开始就业并签订 6 个月以上劳动合同" in html
    assert kpis(html)["就业人数"] == "5"  # a4 (6 months) now counts; a3 (May, after a February end) does not


def test_the_page_draws_its_charts_as_inline_svg_without_style_attributes(client, auth, small_city):
    auth.login("coordinator")
    html = page(client)
    assert html.count("<svg") == 4
    assert {"chart-funnel", "chart-trend", "chart-bars"} <= set(re.findall(r'class="chart (chart-\w+)"', html))
    assert " style=" not in html and "<style" not in html
    assert "<script>" not in html


def test_a_county_coordinator_sees_only_their_county(client, auth, small_city):
    auth.login("coordinator", county=HANBIN)
    html = page(client)
    assert kpis(html)["培训人数"] == "2"
    assert "汉滨区" in html and "ZY-1" not in html


def test_a_county_coordinator_cannot_widen_their_scope_with_the_county_filter(client, auth, small_city):
    auth.login("coordinator", county=HANBIN)
    assert kpis(page(client, county=ZIYANG))["培训人数"] == "2"


def test_a_city_coordinator_filters_by_county(client, auth, small_city):
    auth.login("coordinator")
    assert kpis(page(client, county=ZIYANG))["培训人数"] == "9"


def test_the_course_filter(client, auth, small_city):
    auth.login("coordinator")
    assert kpis(page(client, course=small_city.course_y.id))["培训人数"] == "3"


def test_the_household_category_filter(client, auth, small_city):
    auth.login("coordinator")
    figures = kpis(page(client, category="poverty_alleviated"))
    assert (figures["培训人数"], figures["就业人数"]) == ("2", "2")


def test_the_class_filter_takes_a_class_code(client, auth, small_city):
    auth.login("coordinator")
    assert kpis(page(client, cohort="ZY-2"))["培训人数"] == "3"


def test_a_class_of_another_county_is_unknown_to_a_county_coordinator(client, auth, small_city):
    auth.login("coordinator", county=HANBIN)
    html = page(client, cohort="ZY-1")
    assert "No class with this code in your area." in html
    assert "kpi-value" not in html


def test_the_period_filter(client, auth, small_city):
    auth.login("coordinator")
    assert kpis(page(client, date_from="2024-03-01", date_to="2024-03-31"))["培训人数"] == "2"


def test_a_period_ending_before_it_starts_is_refused(client, auth, small_city):
    auth.login("coordinator")
    html = page(client, date_from="2024-06-01", date_to="2024-01-01")
    assert "The end of the period is before its start." in html and "kpi-value" not in html


def test_without_dates_the_report_covers_the_whole_current_year(client, auth, small_city):
    auth.login("coordinator")
    year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    html = client.get("/reports").get_data(as_text=True)
    assert f"结业日期在 {year}-01-01 至 {year}-12-31（含）" in html


def test_the_default_report_counts_a_class_ending_later_this_year_and_says_what_is_not_counted_yet(client, auth, make):
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    cohort = make.cohort(start_date=today - timedelta(days=10), end_date=date(today.year, 12, 31), status="running")
    for _ in range(3):
        make.enrollment(cohort=cohort)
    db.session.commit()
    auth.login("coordinator")

    html = client.get("/reports").get_data(as_text=True)

    assert kpis(html)["培训人数"] == "3"
    assert "已登记但尚未开始的工作暂不计入" in html


def test_a_period_already_over_says_nothing_is_left_to_count(client, auth, small_city):
    auth.login("coordinator")
    assert "not-yet" not in page(client)


@pytest.mark.parametrize("role, status", [("trainer", 403), ("trainee", 404)])
def test_trainers_and_trainees_may_not_see_reports(client, auth, make, role, status):
    user = make.trainee_user() if role == "trainee" else make.user("trainer")
    db.session.commit()
    auth.login(user)
    for path in ("/reports", "/reports/tables.csv", "/reports/tables.xlsx", "/reports/monthly.pdf"):
        assert client.get(path).status_code == status, path
    home = "/me" if role == "trainee" else "/"
    assert client.submit("/reports/exports", {"format": "csv"}, page=home).status_code == status
    assert db.session.query(AuditEvent).filter_by(action="access_denied").count() >= 5


def test_reports_ask_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/reports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_reports_link_is_in_the_coordinator_s_navigation(client, auth):
    auth.login("coordinator")
    assert 'href="/reports"' in client.get("/").get_data(as_text=True)


def test_an_admin_sees_the_whole_city(client, auth, small_city):
    auth.login("admin")
    assert kpis(page(client))["培训人数"] == "11"
