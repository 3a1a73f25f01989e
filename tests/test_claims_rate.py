"""The claim's employment rate is the reports' (training/employment.py, one definition): for the
same cohort, measuring date and window, the claim's employed ÷ completed equals what the
dashboard's own query reports; the window is an argument, so the dashboard keeps its 6 months
while the claim measures CLAIM_MEASURE_MONTHS.

The cohort is ZY-1 of tests/support/reports.py's small city (ended 2024-02-10; a1 and a2 employed
within a month, a3 self-employed from 2024-05-01, a4's contract too short to count)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Integer, literal, select

from training.claims import rules, services
from training.employment import add_months
from training.extensions import db
from training.placement import rules as placement_rules
from training.reports import services as reports
from training.reports.definitions import Settings
from training.reports.queries import Criteria

TIMEZONE = "Asia/Shanghai"


def dashboard(app, user, cohort, window: int, on: date) -> reports.Funnel:
    """The cohort's figures as the dashboard reports them on `on`, employment counted within `window` months."""
    settings = replace(Settings.from_config(app.config), employed_within_months=window)
    criteria = Criteria(date(2024, 1, 1), date(2024, 12, 31), cohort_id=cohort.id)
    now = datetime.combine(on, time(12), ZoneInfo(TIMEZONE))
    return reports.build_report(user, criteria, settings, now, TIMEZONE, "zh_CN").total


@pytest.fixture
def zy1(small_city):
    small_city.zy1.standard_yuan = Decimal("4500.00")
    db.session.commit()
    return small_city.zy1


@pytest.mark.parametrize(("months", "employed"), [(1, 2), (2, 2), (3, 3), (6, 3)])
def test_the_claims_rate_is_the_dashboards_for_the_same_cohort_date_and_window(app, make, zy1, months, employed):
    app.config["CLAIM_MEASURE_MONTHS"] = months
    measured_on = rules.measuring_date(zy1.end_date, months)
    claim = services.preview(zy1.id, today=measured_on)
    report = dashboard(app, make.user("coordinator"), zy1, months, measured_on)
    assert claim.measured_on == measured_on
    assert (claim.completed_count, claim.employed_count) == (report.completed, report.placed) == (4, employed)
    assert claim.rate == rules.rate_pct(report.placed, report.completed)
    assert report.rates["placed"] == claim.employed_count / claim.completed_count


def test_the_dashboard_keeps_its_own_window_beside_the_claims(app, make, zy1):
    on = date(2024, 8, 10)
    claim = services.preview(zy1.id, today=on)  # CLAIM_MEASURE_MONTHS = 2: measured on 2024-04-10
    report = dashboard(app, make.user("coordinator"), zy1, Settings.from_config(app.config).employed_within_months, on)
    assert (claim.employed_count, report.placed) == (2, 3)


def test_a_class_with_nobody_completed_has_no_rate_and_the_lowest_tier(make):
    cohort = make.cohort(
        start_date=date(2024, 1, 1), end_date=date(2024, 1, 10), status="finished", standard_yuan=Decimal(4500)
    )
    make.enrollment(cohort=cohort, status="failed")
    preview = services.preview(cohort.id, today=date(2024, 3, 10))
    assert (preview.completed_count, preview.rate, preview.tier_pct) == (0, None, 0)


@pytest.mark.parametrize(
    ("day", "months"),
    [
        (date(2023, 12, 31), 2),  # to the last day of February in a leap year
        (date(2025, 12, 31), 2),
        (date(2026, 1, 31), 1),
        (date(2026, 3, 31), 6),
        (date(2026, 5, 20), 2),
        (date(2026, 11, 30), 3),
    ],
)
def test_the_sql_months_after_a_date_are_the_same_as_in_python(app, day, months):
    assert db.session.scalar(select(add_months(literal(day), literal(months, Integer)))) == placement_rules.add_months(
        day, months
    )
