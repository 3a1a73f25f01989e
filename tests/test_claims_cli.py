"""`flask claims prepare --cohort CODE`: each line with its name, masked ID number, verdict, reasons and
amount, then the rate, tier and total; --json; --commit --as writes the draft; refusals and exit statuses."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.support.claimable import MEASURED, TODAY, claimable_cohort, graduate
from training.extensions import db
from training.identity import mask_id_number
from training.models import AuditEvent, Claim


@pytest.fixture
def run(app, runner):
    """run(*options) → the click result of `claims prepare *options`, the words in English."""
    app.config["BABEL_DEFAULT_LOCALE"] = "en"

    def invoke(*options):
        return runner.invoke(args=["claims", "prepare", *options])

    return invoke


@pytest.fixture
def claimable(make):
    made = claimable_cohort(make, trainees=3, employed=2)
    graduate(make, made.cohort, made.cohort.sessions, name="李四", attended=1, status="failed")
    db.session.commit()
    return made


def claims() -> int:
    return db.session.scalar(select(func.count()).select_from(Claim))


def test_the_app_has_the_claims_command(app):
    assert "prepare" in app.cli.commands["claims"].commands


def test_the_preview_prints_every_line_then_the_rate_tier_and_total_and_writes_nothing(run, claimable):
    result = run("--cohort", claimable.cohort.code, "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    first = claimable.enrollments[0].trainee
    assert f"{first.name}  {mask_id_number(first.id_number)}  eligible  3600.00" in result.output
    assert "李四" in result.output and "not eligible  0.00" in result.output
    assert f"Employment rate on {MEASURED}: 2 employed ÷ 3 completed = 66.66 %; tier 80 % of 4500.00 yuan" in (
        result.output
    )
    assert "Total: 10800.00 yuan" in result.output and "Preview only" in result.output
    assert claims() == 0


def test_a_line_not_eligible_prints_its_reasons_in_words(run, claimable):
    result = run("--cohort", claimable.cohort.code, "--today", TODAY.isoformat())
    assert "- Not completed: Attendance 25%, below 80%." in result.output


def test_no_full_id_number_is_printed(run, claimable):
    result = run("--cohort", claimable.cohort.code, "--today", TODAY.isoformat(), "--json")
    for enrollment in claimable.enrollments:
        assert enrollment.trainee.id_number not in result.output


def test_json_gives_the_figures_and_the_lines_with_their_reasons(run, claimable):
    result = run("--cohort", claimable.cohort.code, "--today", TODAY.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["completed"], summary["employed"], summary["rate_pct"], summary["tier_pct"]) == (3, 2, "66.66", 80)
    assert (summary["total_yuan"], summary["measured_on"], summary["committed"]) == ("10800.00", "2026-07-20", False)
    (failed,) = [line for line in summary["lines"] if not line["eligible"]]
    assert failed["reasons"][0]["rule"] == "not_completed" and failed["reasons"][0]["text"].startswith("Not completed")
    assert failed["amount_yuan"] == "0.00" and "*" in failed["id_number"]


def test_commit_as_a_coordinator_writes_the_draft_and_audits_it_from_the_command_line(run, claimable):
    result = run(
        "--cohort",
        claimable.cohort.code,
        "--today",
        TODAY.isoformat(),
        "--commit",
        "--as",
        claimable.coordinator.username,
    )
    assert result.exit_code == 0, result.output
    claim = db.session.scalar(select(Claim))
    assert f"Written: draft claim No. {claim.id}." in result.output
    assert (claim.status, claim.total_yuan, len(claim.lines)) == ("draft", Decimal("10800.00"), 4)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "claim_prepared"))
    assert (event.actor_name, event.actor_id) == ("command line", claimable.coordinator.id)


def test_commit_needs_the_coordinator_preparing_it(run, claimable):
    result = run("--cohort", claimable.cohort.code, "--commit")
    assert result.exit_code == 2 and "--as USERNAME" in result.output
    assert claims() == 0


def test_commit_as_someone_who_may_not_prepare_it_is_refused_and_writes_nothing(run, claimable, make):
    trainer = make.user("trainer")
    db.session.commit()
    result = run("--cohort", claimable.cohort.code, "--today", TODAY.isoformat(), "--commit", "--as", trainer.username)
    assert result.exit_code == 1 and "Only a coordinator can prepare a subsidy claim." in result.output
    assert claims() == 0


def test_a_claim_before_its_measuring_date_is_refused_naming_the_date(run, claimable):
    result = run("--cohort", claimable.cohort.code, "--today", "2026-07-19")
    assert result.exit_code == 1
    assert "Refused: The claim of" in result.output and "can be prepared from 2026-07-20" in result.output


def test_a_refusal_in_json_says_why(run, claimable):
    result = run("--cohort", claimable.cohort.code, "--today", "2026-07-19", "--json")
    assert result.exit_code == 1 and "2026-07-20" in json.loads(result.output)["refused"]


def test_a_second_commit_while_the_first_claim_stands_is_refused(run, claimable):
    options = ("--cohort", claimable.cohort.code, "--today", TODAY.isoformat(), "--commit")
    assert run(*options, "--as", claimable.coordinator.username).exit_code == 0
    again = run(*options, "--as", claimable.coordinator.username)
    assert again.exit_code == 1 and "already has a claim that stands" in again.output
    assert claims() == 1


def test_an_unknown_cohort_is_a_usage_error(run, app):
    result = run("--cohort", "NO-SUCH")
    assert result.exit_code == 2 and "no cohort with code NO-SUCH" in result.output


def test_an_unknown_account_is_a_usage_error(run, claimable):
    result = run("--cohort", claimable.cohort.code, "--commit", "--as", "nobody")
    assert result.exit_code == 2 and "no account nobody" in result.output


def test_a_date_that_is_not_one_is_a_usage_error(run, claimable):
    assert run("--cohort", claimable.cohort.code, "--today", "20 July").exit_code == 2
