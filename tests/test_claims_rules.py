"""The claim's pure rules (training/claims/rules.py) and settings (settings.py): the tier table and
the other settings checked at start-up, the payout in Decimal, and a line's verdict from its facts,
one reason at a time; and the words of every reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import base_config, translated_app
from tests.support.translations import compiled_translations
from training import create_app
from training.claims import reasons, rules, settings
from training.claims.rules import CertificateFact, CohortFacts, LineFacts, OtherTraining
from training.claims.settings import ClaimRules, SettingRefused, Tier
from training.enrollment.rules import PastTraining

SHAANXI = settings.parse_tiers("0:0,50:60,65:80,80:100")
RULES = ClaimRules(
    tiers=SHAANXI,
    certificates=settings.parse_certificates(
        "project=own,skill_level,special_ability,special_operation;employee=skill_level"
    ),
    evidence_categories=settings.parse_categories("poverty_alleviated,disabled"),
    window_months=12,
    measure_months=2,
)
TODAY = date(2026, 9, 1)
COHORT = CohortFacts(
    cohort_id=10,
    training_type="project",
    occupation="足部修护师",
    level=5,
    start_date=date(2026, 5, 1),
    held_hours=Decimal(40),
    min_attendance_pct=80,
    pass_score=60,
    standard_min_hours=40,
)
OWN = CertificateFact("own", "AK-2026-610924-000001", date(2026, 5, 20))
LINE = LineFacts(
    enrollment_id=1,
    status="completed",
    attended_hours=Decimal(36),
    theory_score=Decimal(80),
    practical_score=Decimal(75),
    categories={"poverty_alleviated": "脱贫户登记 6109240001", "relocated": None},
    certificates=(OWN,),
)


def skill(found=True, revoked=False, number="S0000616109242650000012", issued_on=date(2026, 6, 1)):
    return CertificateFact("skill_level", number, issued_on, revoked=revoked, found=found)


def other(code, occupation="足部修护师", level=5, started=date(2026, 2, 1), status="completed", subsidised=True, id=1):
    return OtherTraining(id, started, PastTraining(code, "课程", occupation, level, started.year, status, subsidised))


# ---------------------------------------------------------------- the tier table


@pytest.mark.parametrize(
    ("rate", "share"),
    [
        (None, 0),  # nobody completed
        (Decimal("0"), 0),
        (Decimal("49.99"), 0),
        (Decimal("50"), 60),
        (Decimal("64.9"), 60),
        (Decimal("64.99"), 60),
        (Decimal("65"), 80),
        (Decimal("79.99"), 80),
        (Decimal("80"), 100),
        (Decimal("100"), 100),
    ],
)
def test_the_tier_is_the_share_of_the_highest_tier_the_rate_reaches(rate, share):
    assert rules.tier_for(rate, SHAANXI) == share


def test_the_shaanxi_table_parses_into_its_four_tiers():
    assert settings.parse_tiers(" 0:0, 50:60 ,65:80,80:100 ") == (
        Tier(Decimal(0), 0),
        Tier(Decimal(50), 60),
        Tier(Decimal(65), 80),
        Tier(Decimal(80), 100),
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "is empty"),
        ("10:0,50:60", "must start at 0"),
        ("0:0,65:80,50:60", "must rise strictly"),
        ("0:0,50:60,50:80", "must rise strictly"),
        ("0:0,50:160", "outside 0-100"),
        ("0:-10,50:60", "outside 0-100"),
        ("0:0,50:60.5", "is not a tier"),
        ("0:0,50", "is not a tier"),
        ("0:0,fifty:60", "is not a tier"),
        ("0:0,150:100", "percentage from 0 to 100"),
        ("0:0,64.995:80", "0.01 at most"),
    ],
)
def test_a_tier_table_that_cannot_work_is_refused_naming_the_setting(text, words):
    with pytest.raises(SettingRefused, match="CLAIM_TIERS") as refused:
        settings.parse_tiers(text)
    assert words in str(refused.value)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("CLAIM_TIERS", "10:0,50:60"),
        ("CLAIM_TIERS", "0:0,65:80,50:60"),
        ("CLAIM_TIERS", "0:0,50:101"),
        ("CLAIM_CERTIFICATES", "project=own,diploma"),
        ("CLAIM_CERTIFICATES", "apprenticeship=own"),
        ("CLAIM_EVIDENCE_CATEGORIES", "poverty_alleviated,rich"),
        ("CLAIM_MEASURE_MONTHS", 0),
        ("CLAIM_WINDOW_MONTHS", "twelve"),
    ],
)
def test_the_app_refuses_to_start_on_a_claim_setting_that_cannot_work(tmp_path, setting, value):
    with pytest.raises(SettingRefused, match=setting):
        create_app({**base_config(f"sqlite:///{tmp_path / 'x.sqlite'}"), setting: value})


def test_the_app_starts_on_the_default_claim_settings(app):
    assert ClaimRules.from_config(app.config).tiers == SHAANXI


def test_a_training_type_the_certificate_setting_leaves_out_counts_no_certificate():
    assert RULES.counting_kinds("individual") == ()
    assert RULES.counting_kinds("project") == ("own", "skill_level", "special_ability", "special_operation")


# ---------------------------------------------------------------- the payout


@pytest.mark.parametrize(
    ("employed", "completed", "rate"),
    [
        (0, 0, None),
        (0, 5, Decimal("0.00")),
        (1, 2, Decimal("50.00")),
        (2, 3, Decimal("66.66")),  # rounded down, never up into a tier
        (13, 20, Decimal("65.00")),
        (649, 1000, Decimal("64.90")),
        (64999, 100000, Decimal("64.99")),
        (5, 5, Decimal("100.00")),
    ],
)
def test_the_rate_is_employed_over_completed_in_percent_rounded_down(employed, completed, rate):
    assert rules.rate_pct(employed, completed) == rate


@pytest.mark.parametrize(
    ("standard", "tier", "eligible", "amount"),
    [
        ("4500.00", 100, True, "4500.00"),
        ("4500.00", 80, True, "3600.00"),
        ("4500.00", 60, True, "2700.00"),
        ("4500.00", 0, True, "0.00"),
        ("4500.00", 100, False, "0.00"),
        ("0.05", 50, True, "0.03"),  # half a fen rounds up, not to even
        ("1234.57", 60, True, "740.74"),
    ],
)
def test_a_line_is_paid_the_standard_times_the_tier_to_the_fen(standard, tier, eligible, amount):
    result = rules.amount(Decimal(standard), tier, eligible)
    assert result == Decimal(amount) and result.as_tuple().exponent == -2


def test_the_total_is_the_sum_of_the_lines():
    assert rules.total([Decimal("740.74"), Decimal("0.00"), Decimal("740.74")]) == Decimal("1481.48")


def test_a_claim_without_lines_totals_zero_fen():
    assert str(rules.total([])) == "0.00"


@pytest.mark.parametrize(
    ("end", "months", "measured"),
    [
        (date(2026, 5, 20), 2, date(2026, 7, 20)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
    ],
)
def test_the_rate_is_measured_the_set_months_after_the_class_ends(end, months, measured):
    assert rules.measuring_date(end, months) == measured


# ---------------------------------------------------------------- a line's verdict


def test_a_completed_certified_trainee_with_proof_recorded_is_eligible():
    verdict = rules.judge(LINE, COHORT, RULES, TODAY)
    assert verdict.eligible and verdict.reasons == () and verdict.certificate == OWN


VERDICTS = [
    # completion
    ({"attended_hours": Decimal(31)}, {}, ["not_completed"]),
    ({"theory_score": None}, {}, ["not_completed"]),
    ({"practical_score": Decimal(59)}, {}, ["not_completed"]),
    ({"status": "failed"}, {}, ["not_completed"]),
    ({"status": "withdrawn", "attended_hours": Decimal(8)}, {}, ["not_completed"]),
    ({"attended_hours": Decimal(32)}, {}, []),  # exactly the minimum
    # the standard's minimum hours
    ({"attended_hours": Decimal(30)}, {"held_hours": Decimal(36)}, ["hours_below_standard"]),
    ({}, {"standard_min_hours": None}, []),
    # certificates
    ({"certificates": ()}, {}, ["no_certificate"]),
    ({}, {"training_type": "employee"}, ["no_certificate"]),  # ours does not count there
    ({"certificates": (skill(),)}, {"training_type": "employee"}, []),
    ({"certificates": (replace(OWN, revoked=True),)}, {}, ["certificate_revoked"]),
    ({"certificates": (skill(revoked=True),)}, {}, ["certificate_revoked"]),
    ({"certificates": (skill(found=None),)}, {}, ["certificate_unchecked"]),
    ({"certificates": (skill(found=False),)}, {}, ["certificate_not_found"]),
    (
        {"certificates": (skill(found=None), replace(OWN, revoked=True))},
        {},
        ["certificate_revoked", "certificate_unchecked"],
    ),
    ({"certificates": (skill(found=False), OWN)}, {}, []),  # one that stands is enough
    # the subsidy rules, over the earlier trainings
    (
        {"other_trainings": (other("A", "茶艺师"), other("B", "月嫂"), other("C", "电工", id=3))},
        {},
        ["yearly_limit"],
    ),
    ({"other_trainings": (other("A", "茶艺师"), other("B", "月嫂"))}, {}, []),
    ({"other_trainings": (other("A", "茶艺师"), other("B", "月嫂"), other("C", "电工", subsidised=False))}, {}, []),
    (
        {
            "other_trainings": (
                other("A", "茶艺师"),
                other("B", "月嫂"),
                other("C", "电工", started=date(2025, 12, 1)),
            )
        },
        {},
        [],
    ),
    ({"other_trainings": (other("A"),)}, {}, ["same_course"]),
    ({"other_trainings": (other("A", status="withdrawn"),)}, {}, []),
    ({"other_trainings": (other("A", level=4),)}, {}, ["higher_level_done"]),
    ({"other_trainings": (other("A", level=4, status="failed"),)}, {}, []),
    ({"other_trainings": (other("A", level=6),)}, {}, []),
    # a training that started later does not stop this one's claim
    ({"other_trainings": (other("A", started=date(2026, 7, 1)),)}, {}, []),
    ({"other_trainings": (other("A", level=4, started=date(2026, 8, 1)),)}, {}, []),
    # the same start date: the earlier cohort counts first
    ({"other_trainings": (other("A", started=date(2026, 5, 1), id=9),)}, {}, ["same_course"]),
    ({"other_trainings": (other("A", started=date(2026, 5, 1), id=11),)}, {}, []),
    # household categories' proof
    ({"categories": {"poverty_alleviated": None}}, {}, ["evidence_missing"]),
    ({"categories": {"poverty_alleviated": "  "}}, {}, ["evidence_missing"]),
    ({"categories": {"poverty_alleviated": None, "disabled": ""}}, {}, ["evidence_missing", "evidence_missing"]),
    ({"categories": {"relocated": None}}, {}, []),  # a category that needs none
    ({"categories": {}}, {}, []),
    # another claim that stands
    ({"standing_claims": (7,)}, {}, ["already_claimed"]),
    # everything at once: every reason listed
    (
        {"status": "failed", "certificates": (), "categories": {"disabled": None}, "standing_claims": (3,)},
        {},
        ["not_completed", "no_certificate", "evidence_missing", "already_claimed"],
    ),
]


@pytest.mark.parametrize(("line_changes", "cohort_changes", "expected"), VERDICTS)
def test_a_line_is_eligible_unless_a_rule_says_why_not(line_changes, cohort_changes, expected):
    verdict = rules.judge(replace(LINE, **line_changes), replace(COHORT, **cohort_changes), RULES, TODAY)
    assert verdict.rules == expected
    assert verdict.eligible is (expected == [])


@pytest.mark.parametrize(
    ("issued_on", "today", "expected"),
    [
        (date(2025, 9, 1), date(2026, 9, 1), []),  # the last day of the window
        (date(2025, 9, 1), date(2026, 9, 2), ["window_passed"]),
        (date(2025, 2, 28), date(2026, 2, 28), []),
        (date(2026, 5, 20), date(2026, 7, 20), []),
    ],
)
def test_a_certificate_is_claimed_within_the_window_after_its_date(issued_on, today, expected):
    line = replace(LINE, certificates=(replace(OWN, issued_on=issued_on),))
    assert rules.judge(line, COHORT, RULES, today).rules == expected


def test_the_window_passed_reason_names_the_dates():
    line = replace(LINE, certificates=(replace(OWN, issued_on=date(2025, 1, 31)),))
    assert rules.judge(line, COHORT, RULES, TODAY).reasons == (
        {"rule": "window_passed", "params": {"issued_on": "2025-01-31", "deadline": "2026-01-31", "months": 12}},
    )


def test_the_line_is_claimed_on_its_newest_standing_certificate():
    newer = skill(issued_on=date(2026, 7, 1))
    verdict = rules.judge(replace(LINE, certificates=(OWN, newer, skill(found=None))), COHORT, RULES, TODAY)
    assert verdict.certificate == newer


def test_a_line_within_the_window_on_a_newer_certificate_is_eligible():
    old = replace(OWN, issued_on=date(2024, 1, 1))
    verdict = rules.judge(replace(LINE, certificates=(old, skill(issued_on=date(2026, 6, 1)))), COHORT, RULES, TODAY)
    assert verdict.eligible


def test_the_not_completed_reason_keeps_the_facts_it_was_judged_on():
    (reason,) = rules.judge(replace(LINE, attended_hours=Decimal("30.5")), COHORT, RULES, TODAY).reasons
    assert reason == {
        "rule": "not_completed",
        "params": {
            "status": "completed",
            "attended_hours": "30.5",
            "held_hours": "40",
            "min_attendance_pct": 80,
            "theory_score": "80",
            "practical_score": "75",
            "pass_score": 60,
        },
    }


def test_the_yearly_limit_reason_names_the_earlier_classes():
    earlier = (other("A", "茶艺师"), other("B", "月嫂"), other("C", "电工"))
    (reason,) = rules.judge(replace(LINE, other_trainings=earlier), COHORT, RULES, TODAY).reasons
    assert reason == {"rule": "yearly_limit", "params": {"year": 2026, "limit": 3, "cohorts": ["A", "B", "C"]}}


# ---------------------------------------------------------------- the words of the reasons


def not_completed(**changes) -> dict:
    """The not_completed reason the verdict gives for LINE with these changes."""
    return rules.judge(replace(LINE, **changes), COHORT, RULES, TODAY).reasons[0]


EVERY_REASON = [
    (
        not_completed(attended_hours=Decimal(20), theory_score=None),
        "Not completed: Attendance 50%, below 80%; No theory score entered.",
    ),
    (not_completed(status="failed"), "Not recorded as completed: the enrollment is “Not passed”."),
    (
        {"rule": "hours_below_standard", "params": {"held_hours": "36.0", "min_hours": 40}},
        "The class held 36 hours, fewer than the 40 its subsidy standard requires.",
    ),
    (
        {"rule": "no_certificate", "params": {"accepted": ["own", "skill_level"]}},
        "No certificate that counts for this training type (certificate of completion, vocational skill level certificate).",
    ),
    (
        {"rule": "no_certificate", "params": {"accepted": []}},
        "No certificate counts for this training type in the settings.",
    ),
    (
        {"rule": "certificate_revoked", "params": {"kind": "own", "number": "AK-1"}},
        "The certificate of completion AK-1 is revoked.",
    ),
    (
        {"rule": "certificate_unchecked", "params": {"kind": "skill_level", "number": "S1"}},
        "The vocational skill level certificate S1 has not been checked on the national query site.",
    ),
    (
        {"rule": "certificate_not_found", "params": {"kind": "special_operation", "number": "T1"}},
        "The special operation permit T1 was not found on the national query site.",
    ),
    (
        {"rule": "yearly_limit", "params": {"year": 2026, "limit": 3, "cohorts": ["A", "B", "C"]}},
        "Already 3 subsidised trainings in 2026 before this one (A, B, C); the limit is 3 a year.",
    ),
    ({"rule": "same_course", "params": {"cohorts": ["A"]}}, "The same occupation and level was subsidised before (A)."),
    (
        {"rule": "higher_level_done", "params": {"cohorts": ["A", "B"]}},
        "A higher level of this occupation was completed before (A, B).",
    ),
    (
        {"rule": "window_passed", "params": {"issued_on": "2025-01-31", "deadline": "2026-01-31", "months": 12}},
        "Too late: a certificate of 2025-01-31 can be claimed for 12 months, until 2026-01-31.",
    ),
    (
        {"rule": "evidence_missing", "params": {"category": "disabled"}},
        "No proof of the household category “Person with disability” is recorded.",
    ),
    ({"rule": "already_claimed", "params": {"claim_id": 7}}, "Already a line of claim No. 7, which still stands."),
]


@pytest.mark.parametrize(("reason", "words"), EVERY_REASON, ids=[r["rule"] for r, _ in EVERY_REASON])
def test_every_reason_has_its_words(app, reason, words):
    assert reasons.describe(reason) == words


RULE_NAMES = (
    "not_completed",
    "hours_below_standard",
    "no_certificate",
    "certificate_revoked",
    "certificate_unchecked",
    "certificate_not_found",
    "yearly_limit",
    "same_course",
    "higher_level_done",
    "window_passed",
    "evidence_missing",
    "already_claimed",
)


def test_every_rule_the_verdict_tables_give_has_words_and_no_other():
    rules_in_module = set(RULE_NAMES)
    assert {reason["rule"] for reason, _ in EVERY_REASON} == rules_in_module
    given = {rule for _, _, expected in VERDICTS for rule in expected} | {"window_passed"}
    assert given == rules_in_module


def test_a_reason_of_an_unknown_rule_still_reads_as_its_facts(app):
    assert (
        reasons.describe({"rule": "objection_upheld", "params": {"objection_id": 4}})
        == "objection_upheld objection_id=4"
    )


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


def test_a_reason_reads_in_chinese_with_the_real_catalog(database_url, translation_directory):
    with translated_app(database_url, translation_directory) as app, app.test_request_context():
        words = [reasons.describe(reason) for reason, _ in EVERY_REASON[:2]]
        lists = reasons.describe({"rule": "higher_level_done", "params": {"cohorts": ["A", "B"]}})
    assert words == ["未结业：出勤率 50%，低于 80%；没有录入理论成绩。", "未登记为结业：报名状态为“未通过”。"]
    assert lists == "此前已完成该职业（工种）更高等级的培训（A、B）。"
