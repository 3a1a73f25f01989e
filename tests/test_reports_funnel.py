"""Each figure of the report against the small city worked out by hand (tests/support/reports.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.support.reports import ZIYANG
from training.extensions import db
from training.reports import services
from training.reports.definitions import Settings
from training.reports.queries import Criteria

NOW = datetime(2026, 1, 15, 4, 0, tzinfo=UTC)
PERIOD = Criteria(date(2024, 1, 1), date(2024, 6, 30))


def report_for(make, criteria=PERIOD, settings=None, now=NOW, county=None, locale="zh_CN"):
    user = make.user("coordinator", county_code=county)
    return services.build_report(user, criteria, settings or Settings(), now, "Asia/Shanghai", locale)


def stages(funnel) -> tuple:
    return (funnel.enrolled, funnel.completed, funnel.certified, funnel.placed, funnel.retention_due, funnel.retained)


def test_the_city_funnel_counts_each_stage_by_its_definition(make, small_city):
    report = report_for(make)
    assert stages(report.total) == (11, 7, 5, 5, 5, 3)


def test_rates_use_each_stage_s_own_denominator(make, small_city):
    rates = report_for(make).total.rates
    assert rates["completed"] == pytest.approx(7 / 11)
    assert rates["certified"] == pytest.approx(5 / 7)
    assert rates["placed"] == pytest.approx(5 / 7)
    assert rates["retained"] == pytest.approx(3 / 5)


def test_average_and_median_wage_are_over_the_jobs_that_count(make, small_city):
    report = report_for(make)
    assert report.total.average_wage == Decimal("4600")
    assert report.median_wage == Decimal("5000")


def test_the_median_of_an_even_number_of_jobs_is_the_mean_of_the_middle_two(make, small_city):
    report = report_for(make, Criteria(date(2024, 1, 1), date(2024, 6, 30), county_code=ZIYANG))
    assert report.median_wage == Decimal("4000")  # 2000 3000 5000 6000


def test_no_jobs_means_no_wage_figures(make, small_city):
    report = report_for(make, Criteria(date(2020, 1, 1), date(2020, 12, 31)))
    assert stages(report.total) == (0, 0, 0, 0, 0, 0)
    assert report.total.average_wage is None and report.median_wage is None
    assert report.total.rates["completed"] is None


def test_a_revoked_certificate_does_not_count_as_certified(make, small_city):
    poverty_relocated = report_for(make).category("relocated")
    assert (poverty_relocated.completed, poverty_relocated.certified) == (2, 1)


def test_poverty_alleviated_and_relocated_trainees_are_counted_at_every_stage(make, small_city):
    report = report_for(make)
    assert stages(report.category("poverty_alleviated")) == (2, 2, 2, 2, 2, 1)
    assert stages(report.category("relocated")) == (2, 2, 1, 2, 2, 0)


def test_jobs_are_grouped_by_kind_and_by_place(make, small_city):
    report = report_for(make)
    assert {k: n for k, (n, _) in report.kinds.items()} == {
        "directed": 2,
        "self_employed": 1,
        "public_welfare": 1,
        "self_found": 1,
    }
    assert {k: n for k, (n, _) in report.scopes.items()} == {"same_county": 2, "in_province": 1, "out_of_province": 2}


def test_directed_classes_show_committed_against_placed_with_the_partner(make, small_city):
    (directed,) = report_for(make).directed
    assert (directed.cohort_code, directed.employer, directed.committed) == ("ZY-1", "上海远元足部修护连锁有限公司", 3)
    assert (directed.completed, directed.placed, directed.at_partner) == (4, 3, 2)
    assert directed.fulfilment == pytest.approx(2 / 3)


def test_breakdowns_by_county_and_course_add_up_to_the_total(make, small_city):
    report = report_for(make)
    counties = dict(report.by_county)
    assert stages(counties["紫阳县"]) == (9, 6, 4, 4, 4, 2)
    assert stages(counties["汉滨区"]) == (2, 1, 1, 1, 1, 1)
    courses = dict(report.by_course)
    assert stages(courses["足部修护师（五级）"]) == (8, 5, 4, 4, 4, 2)
    assert stages(courses["母婴护理员（五级）"]) == (3, 2, 1, 1, 1, 1)


def test_the_trend_counts_completions_by_end_month_and_jobs_by_start_month(make, small_city):
    trend = {month: (c, p) for month, c, p in report_for(make).trend}
    assert trend["2024-02"] == (4, 1)
    assert trend["2024-03"] == (1, 1)
    assert trend["2024-04"] == (2, 1)
    assert trend["2024-05"] == (0, 2)
    assert trend["2024-01"] == (0, 0)
    assert list(trend)[-1] == "2024-12"  # the period's end plus the 6 months a job may take
    assert trend["2024-07"] == (None, 0)  # completions after the period are not counted at all


def test_a_follow_up_not_yet_due_is_left_out_of_the_retention_denominator(make, small_city):
    early = datetime(2024, 9, 10, tzinfo=UTC)  # a1 (due 08-20) and a2 (09-01) are due; a3, b2, c1 not yet
    report = report_for(make, now=early)
    assert (report.total.retention_due, report.total.retained) == (2, 1)


def test_jobs_starting_after_the_figures_were_taken_do_not_count(make, small_city):
    report = report_for(make, now=datetime(2024, 4, 15, tzinfo=UTC))
    assert report.total.placed == 3  # a1, a2, c1; a3 and b2 start in May


@pytest.mark.parametrize(
    "settings, placed",
    [
        (Settings(min_contract_months=6), 6),  # a4's 6-month contract now counts
        (Settings(min_contract_months=0), 6),
        (Settings(min_contract_months=24), 2),  # a2 (24 months) and a3 (self-employed)
        (Settings(no_contract_kinds=()), 4),  # a3 has no contract
        (Settings(employed_within_months=12), 6),  # b1 started within 12 months
    ],
)
def test_the_employment_definition_follows_the_settings(make, small_city, settings, placed):
    assert report_for(make, settings=settings).total.placed == placed


def test_retention_may_be_read_from_another_follow_up(make, small_city):
    report = report_for(make, settings=Settings(retention_months=12))
    assert (report.total.retention_due, report.total.retained) == (5, 0)  # no 12-month answers recorded


def test_the_period_can_select_classes_by_their_start_date(make, small_city):
    report = report_for(make, Criteria(date(2024, 3, 1), date(2024, 3, 31)), Settings(period_date="start_date"))
    assert report.total.enrolled == 2  # HB-1 started 03-01; ZY-1 started in February, ZY-2 in April


def test_settings_are_read_from_the_app_config_with_defaults(app):
    assert Settings.from_config({}) == Settings()
    configured = Settings.from_config(
        {"REPORT_MIN_CONTRACT_MONTHS": "6", "REPORT_NO_CONTRACT_KINDS": "self_employed,public_welfare"}
    )
    assert configured.min_contract_months == 6
    assert configured.no_contract_kinds == ("self_employed", "public_welfare")


@pytest.mark.parametrize(
    "values",
    [
        {"period_date": "created_at"},
        {"retention_months": 9},
        {"no_contract_kinds": ("salaried",)},
        {"employed_within_months": 0},
    ],
)
def test_impossible_settings_are_refused(values):
    with pytest.raises(ValueError):
        Settings(**values)


def test_the_figures_come_from_a_fixed_number_of_statements(app, make, small_city):
    from bench.common import counting_statements

    user = make.user("coordinator")
    db.session.commit()

    def count() -> int:
        with counting_statements(db.engine) as statements:
            services.build_report(user, PERIOD, Settings(), NOW, "Asia/Shanghai", "zh_CN")
        return len(statements)

    few = count()
    for _ in range(30):
        make.graduate(cohort=small_city.zy2)
    db.session.commit()
    assert count() == few <= 5  # the funnel, the claims' money, the names of courses and counties, the scope


def test_the_quick_periods_are_whole_months_and_years():
    periods = [(str(label), start, end) for label, start, end in services.quick_periods(date(2026, 2, 3))]
    assert periods == [
        ("This month", date(2026, 2, 1), date(2026, 2, 28)),
        ("Last month", date(2026, 1, 1), date(2026, 1, 31)),
        ("This year", date(2026, 1, 1), date(2026, 12, 31)),
        ("Last year", date(2025, 1, 1), date(2025, 12, 31)),
    ]
