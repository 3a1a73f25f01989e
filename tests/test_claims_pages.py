"""The claim pages: the list and the claim in each user's scope, what the claim shows (the figures
that chose its tier, the lines with their verdicts in words, masked ID numbers, versions), the
steps, objections and review through the forms, the reviewer's home page and account, and the
statements a page costs for 5 lines and for 60."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.support.claims import build_claim
from tests.support.pages import errors, input_value, texts
from tests.support.statements import statements_sent
from training.claims import lifecycle
from training.extensions import db
from training.models import AuditEvent, Claim, ClaimObjection, ClaimStatus, CohortStatus, User, utcnow

pytestmark = pytest.mark.usefixtures("english")

HOME, OTHER = "610924", "610902"


def claim_in(make, status="draft", county=HOME, trainees=3, ineligible=0, prepared_by=None, **fields) -> Claim:
    """A committed claim of a finished cohort of `county`, written as a draft then moved to `status`."""
    cohort = make.cohort(
        county_code=county, status=CohortStatus.FINISHED, start_date=date(2026, 5, 1), standard_yuan=Decimal("4500")
    )
    claim = build_claim(make, cohort=cohort, trainees=trainees, ineligible=ineligible, prepared_by=prepared_by)
    claim.status = status
    if status not in ("draft", "submitted"):
        claim.notice_starts_on, claim.notice_ends_on = date(2026, 7, 1), date(2026, 7, 7)
    for name, value in fields.items():
        setattr(claim, name, value)
    db.session.commit()
    return claim


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# ---- who reads what ------------------------------------------------------------------------------


def test_a_county_coordinator_lists_only_their_countys_claims(client, auth, make):
    mine, theirs = claim_in(make), claim_in(make, county=OTHER)
    auth.login("coordinator", county=HOME)

    html = client.get("/claims").get_data(as_text=True)

    assert texts(html, "claim-row")[0].startswith(mine.cohort.code)
    assert theirs.cohort.code not in html


@pytest.mark.parametrize("role", ["reviewer", "city", "admin"])
def test_reviewers_the_city_and_admins_list_every_claim(client, auth, make, role):
    claims = [claim_in(make), claim_in(make, county=OTHER)]
    auth.login("coordinator" if role == "city" else role)

    html = client.get("/claims").get_data(as_text=True)

    assert len(texts(html, "claim-row")) == 2
    assert all(claim.cohort.code in html for claim in claims)


def test_the_list_filters_by_status(client, auth, make):
    claim_in(make, "draft")
    in_review = claim_in(make, "review")
    auth.login("reviewer")

    html = client.get("/claims?status=review").get_data(as_text=True)

    assert [row.split()[0] for row in texts(html, "claim-row")] == [in_review.cohort.code]


@pytest.mark.parametrize(("role", "status"), [("trainer", 403), ("trainee", 404)])
def test_trainers_and_trainees_reach_no_claim(client, auth, make, role, status):
    claim = claim_in(make)
    auth.login(make.trainee_user() if role == "trainee" else role, **({} if role == "trainee" else {"county": HOME}))

    assert client.get("/claims").status_code == status
    assert client.get(f"/claims/{claim.id}").status_code == status


def test_a_claim_of_another_county_is_refused_and_the_refusal_audited(client, auth, make):
    claim = claim_in(make, county=OTHER)
    user = auth.login("coordinator", county=HOME)

    response = client.get(f"/claims/{claim.id}")

    assert response.status_code == 403
    [event] = events("access_denied")
    assert (event.actor_id, event.entity_type, event.entity_id) == (user.id, "claim", str(claim.id))


def test_an_unknown_claim_is_not_found(client, auth):
    auth.login("reviewer")

    assert client.get("/claims/999999").status_code == 404


# ---- what the claim shows ------------------------------------------------------------------------


def test_the_claim_shows_the_figures_that_chose_its_tier(client, auth, make):
    claim = claim_in(make, trainees=5, ineligible=1, tier_pct=80, employed_count=3, completed_count=4)
    auth.login("reviewer")

    html = client.get(f"/claims/{claim.id}").get_data(as_text=True)

    assert texts(html, "claim-rate") == ["3 employed ÷ 4 completed = 75.0%"]
    assert texts(html, "claim-tier") == ["80% of the standard"]
    assert texts(html, "claim-measured-on") and texts(html, "claim-standard") and texts(html, "claim-total")
    assert "18,000.00" in texts(html, "claim-total")[0]


def test_the_lines_show_their_verdicts_and_reasons_in_words_with_masked_id_numbers(client, auth, make):
    claim = claim_in(make, trainees=3, ineligible=1)
    auth.login("coordinator", county=HOME)

    html = client.get(f"/claims/{claim.id}").get_data(as_text=True)

    assert len(texts(html, "claim-line")) == 3
    assert texts(html, "verdict-ineligible") == ["✗ Not eligible"]
    assert texts(html, "line-reasons") == ["Not completed: Attendance 50%, below 80%."]
    for line in claim.lines:
        number = line.snapshot["id_number"]
        assert number not in html
        assert f"{number[:6]}********{number[-4:]}" in texts(html, "line-id-number")


def test_the_claim_links_its_other_versions(client, auth, make):
    first = claim_in(make, "submitted")
    reviewer = make.user("reviewer")
    second = lifecycle.change_status(
        first, "returned", lifecycle.Step(user=reviewer, today=date.today(), now=utcnow(), reason="更正")
    )
    db.session.commit()
    auth.login("reviewer")

    html = client.get(f"/claims/{second.id}").get_data(as_text=True)

    assert f'href="/claims/{first.id}"' in html
    assert "Version 1" in texts(html, "claim-versions")[0]
    assert texts(client.get(f"/claims/{first.id}").get_data(as_text=True), "claim-returned")[0].endswith("更正")


def test_a_claim_on_notice_links_its_public_notice(client, auth, make):
    claim = claim_in(make, "notice")
    auth.login("coordinator", county=HOME)

    html = client.get(f"/claims/{claim.id}").get_data(as_text=True)

    link = re.search(r'class="notice-link" href="([^"]+)"', html).group(1)
    assert f"/claims/notice/{claim.id}-" in link
    client.post("/logout", data={"csrf_token": client.csrf_token(f"/claims/{claim.id}")})
    assert client.get(link.split("5000", 1)[-1]).status_code == 200


def test_a_draft_has_no_public_notice_link(client, auth, make):
    claim = claim_in(make, "draft")
    auth.login("coordinator", county=HOME)

    assert "notice-link" not in client.get(f"/claims/{claim.id}").get_data(as_text=True)


def test_the_cohort_page_links_to_its_claims_and_the_list_offers_to_prepare_one(client, auth, make):
    cohort = make.cohort(county_code=HOME, status=CohortStatus.FINISHED)
    db.session.commit()
    auth.login("coordinator", county=HOME)

    cohort_page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    listed = client.get(f"/claims?cohort={cohort.id}").get_data(as_text=True)

    assert f'href="/claims?cohort={cohort.id}"' in cohort_page
    assert f'href="/claims/cohorts/{cohort.id}/prepare"' in listed


def test_a_cohort_with_a_standing_claim_is_not_offered_another(client, auth, make):
    claim = claim_in(make, "submitted")
    auth.login("coordinator", county=HOME)

    listed = client.get(f"/claims?cohort={claim.cohort_id}").get_data(as_text=True)

    assert "prepare-claim" not in listed
    assert len(texts(listed, "claim-row")) == 1


# ---- preparing a cohort's claim (claimcore's services.preview and prepare) -------------------------


def finished_cohort(make, county=HOME, days_ago=200):
    """A cohort of two graduates that ended long enough ago to be measured, with its standard frozen."""
    course = make.course()
    standard = make.standard(course=course)
    start = date.today() - timedelta(days=days_ago)
    cohort = make.cohort(
        course=course,
        county_code=county,
        status=CohortStatus.FINISHED,
        start_date=start,
        standard_id=standard.id,
        standard_yuan=standard.yuan,
        standard_min_hours=standard.min_hours,
    )
    for name in ("王秀英", "李娜"):
        make.graduate(cohort=cohort, name=name)
    db.session.commit()
    return cohort


@pytest.mark.parametrize("who", ["other county", "admin", "reviewer", "trainer"])
def test_only_a_coordinator_of_the_county_or_the_city_prepares_its_claim(client, auth, make, who):
    cohort = finished_cohort(make)
    if who == "other county":
        auth.login("coordinator", county=OTHER)
    else:
        auth.login(who, county=HOME if who == "trainer" else None)

    assert client.get(f"/claims/cohorts/{cohort.id}/prepare").status_code == 403
    assert client.submit(f"/claims/cohorts/{cohort.id}/prepare", {}, page="/").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 0


def test_the_preview_of_a_cohort_not_finished_says_why_and_writes_nothing(client, auth, make):
    pytest.importorskip("training.claims.services", reason="claimcore's services, joined by the lead")
    cohort = make.cohort(county_code=HOME, status=CohortStatus.RUNNING)
    db.session.commit()
    auth.login("coordinator", county=HOME)

    html = client.get(f"/claims/cohorts/{cohort.id}/prepare").get_data(as_text=True)
    prepared = client.submit(f"/claims/cohorts/{cohort.id}/prepare", {}, page="/")

    assert texts(html, "claim-refused")
    assert f'action="/claims/cohorts/{cohort.id}/prepare"' not in html
    assert prepared.status_code == 302 and prepared.headers["Location"].endswith(f"/claims/cohorts/{cohort.id}/prepare")
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 0


def test_preparing_a_claim_after_its_preview_makes_a_draft_and_opens_it(client, auth, make):
    pytest.importorskip("training.claims.services", reason="claimcore's services, joined by the lead")
    cohort = finished_cohort(make)
    user = auth.login("coordinator", county=HOME)
    page = f"/claims/cohorts/{cohort.id}/prepare"

    html = client.get(page).get_data(as_text=True)
    response = client.submit(page, {}, page=page)

    assert len(texts(html, "preview-line")) == 2
    claim = db.session.scalar(select(Claim).where(Claim.cohort_id == cohort.id))
    assert (claim.status, claim.prepared_by_id, len(claim.lines)) == ("draft", user.id, 2)
    assert response.headers["Location"].endswith(f"/claims/{claim.id}")


# ---- the steps through the page ------------------------------------------------------------------


def test_the_county_coordinator_submits_the_draft_from_its_page(client, auth, make):
    claim = claim_in(make)
    user = auth.login("coordinator", county=HOME)

    response = client.submit(f"/claims/{claim.id}/status/submitted", {}, page=f"/claims/{claim.id}")

    assert response.status_code == 302
    db.session.expire_all()
    assert (claim.status, claim.submitted_by_id) == ("submitted", user.id)
    [event] = events("claim_status_changed")
    assert event.actor_id == user.id


def test_a_refused_step_shows_why_and_keeps_what_was_typed(client, auth, make):
    claim = claim_in(make, "approved", approved_yuan=Decimal("13500.00"))
    auth.login("reviewer")

    response = client.submit(
        f"/claims/{claim.id}/status/paid",
        {"paid-paid_on": date.today().isoformat(), "paid-paid_yuan": "13000", "paid-reference": "国库-0718"},
        page=f"/claims/{claim.id}",
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert any("must be the approved total" in error for error in errors(html))
    assert input_value(html, "paid-reference") == "国库-0718"
    db.session.expire_all()
    assert claim.status == "approved"


def test_the_review_cannot_start_early_and_the_page_says_from_when(client, auth, make):
    claim = claim_in(make, "notice", notice_starts_on=date.today(), notice_ends_on=date.today() + timedelta(days=6))
    auth.login("reviewer")

    html = client.submit(f"/claims/{claim.id}/status/review", {}, page=f"/claims/{claim.id}").get_data(as_text=True)

    assert any("the review can start on" in error for error in errors(html))


def test_a_step_the_user_may_not_take_is_not_offered(client, auth, make):
    claim = claim_in(make, "submitted")
    auth.login("coordinator", county=HOME)

    html = client.get(f"/claims/{claim.id}").get_data(as_text=True)

    assert "step-returned" in html and "step-notice" not in html


def test_an_admin_reads_a_claim_and_is_offered_no_step(client, auth, make):
    claim = claim_in(make, "review")
    auth.login("admin")

    html = client.get(f"/claims/{claim.id}").get_data(as_text=True)

    assert "claim-steps" not in html and "claim-review" not in html


# ---- the review and objections through the page ---------------------------------------------------


def test_a_reviewer_decides_every_line_in_one_form(client, auth, make):
    claim = claim_in(make, "review", trainees=3, ineligible=1)
    auth.login("reviewer")
    page = f"/claims/{claim.id}"
    html = client.get(page).get_data(as_text=True)
    ineligible = claim.lines[-1]
    assert input_value(html, f"reason-{ineligible.id}") == "Not completed: Attendance 50%, below 80%."

    data = {f"decision-{line.id}": "approved" for line in claim.lines[:2]}
    data |= {
        f"decision-{ineligible.id}": "rejected",
        f"reason-{ineligible.id}": "Not completed: Attendance 50%, below 80%.",
    }
    response = client.submit(f"{page}/review", data, page=page)

    assert response.status_code == 302
    db.session.expire_all()
    assert [line.decision for line in claim.lines] == ["approved", "approved", "rejected"]
    assert len(events("claim_line_decided")) == 3


def test_a_refused_decision_marks_its_line_keeps_what_was_typed_and_saves_nothing(client, auth, make):
    claim = claim_in(make, "review")
    auth.login("reviewer")
    page = f"/claims/{claim.id}"
    first, second = claim.lines[0], claim.lines[1]

    response = client.submit(
        f"{page}/review",
        {f"decision-{first.id}": "approved", f"reason-{first.id}": "核对无误", f"decision-{second.id}": "rejected"},
        page=page,
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was saved" in " ".join(errors(html))
    assert input_value(html, f"reason-{first.id}") == "核对无误"
    assert re.search(rf'name="decision-{first.id}"[^>]*value="approved" checked', html)
    db.session.expire_all()
    assert all(line.decision is None for line in claim.lines)


def test_the_preparer_is_offered_no_review_and_a_forged_one_is_refused(client, auth, make):
    city = make.user("coordinator")
    claim = claim_in(make, "review", prepared_by=city)
    auth.login(city)
    page = f"/claims/{claim.id}"

    html = client.get(page).get_data(as_text=True)
    response = client.submit(f"{page}/review", {f"decision-{claim.lines[0].id}": "approved"}, page=page)

    assert "claim-review" not in html
    assert "You prepared this claim" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert claim.lines[0].decision is None


def objection_fields(line, content: str) -> dict:
    fields = {"line_id": str(line.id), "raised_by": "匿名来电", "content": content, "received_at": "2026-07-03T10:30"}
    return {f"objection-{name}": value for name, value in fields.items()}


def test_an_objection_is_recorded_and_upheld_through_the_page(client, auth, make):
    claim = claim_in(make, "notice")
    auth.login("reviewer")
    page = f"/claims/{claim.id}"
    line = claim.lines[1]

    recorded = client.submit(
        f"{page}/objections",
        objection_fields(line, content="此人未参加培训"),
        page=page,
    )
    objection = db.session.scalar(select(ClaimObjection))
    upheld = client.submit(
        f"{page}/objections/{objection.id}",
        {f"objection-{objection.id}-outcome": "upheld", f"objection-{objection.id}-reason": "经核实属实"},
        page=page,
    )

    assert (recorded.status_code, upheld.status_code) == (302, 302)
    db.session.expire_all()
    assert objection.received_at.isoformat() == "2026-07-03T02:30:00+00:00"  # 10:30 in Asia/Shanghai
    assert (objection.outcome, line.decision, line.decision_reason) == ("upheld", "rejected", "经核实属实")
    html = client.get(page).get_data(as_text=True)
    assert texts(html, "objection-content") == ["此人未参加培训"]


def test_an_objection_without_its_content_is_refused_with_what_was_typed_kept(client, auth, make):
    claim = claim_in(make, "notice")
    auth.login("coordinator", county=HOME)
    page = f"/claims/{claim.id}"

    response = client.submit(
        f"{page}/objections",
        objection_fields(claim.lines[0], content=""),
        page=page,
    )

    assert response.status_code == 200
    assert input_value(response.get_data(as_text=True), "objection-raised_by") == "匿名来电"
    assert db.session.scalar(select(func.count()).select_from(ClaimObjection)) == 0


# ---- the reviewer ----------------------------------------------------------------------------------


def test_the_reviewers_home_page_lists_the_claims_waiting_for_review(client, auth, make):
    waiting = [claim_in(make, "submitted"), claim_in(make, "notice", county=OTHER), claim_in(make, "review")]
    claim_in(make, "draft")
    claim_in(make, "paid")
    auth.login("reviewer")

    html = client.get("/").get_data(as_text=True)

    rows = texts(html, "waiting-claim")
    assert len(rows) == 3
    assert {row.split()[0] for row in rows} == {claim.cohort.code for claim in waiting}
    assert "3 lines not decided" in rows[2]
    assert 'href="/claims"' in html  # the navigation's entry


def test_a_reviewer_account_is_created_by_the_command_line_without_a_county(runner):
    made = runner.invoke(
        args=["create-user", "shen.he", "--role", "reviewer", "--password-stdin"], input="ankang tea garden\n"
    )
    refused = runner.invoke(
        args=["create-user", "shen.he2", "--role", "reviewer", "--county", HOME, "--password-stdin"],
        input="ankang tea garden\n",
    )

    assert made.exit_code == 0, made.output
    assert db.session.scalar(select(User.role).where(User.username == "shen.he")) == "reviewer"
    assert refused.exit_code != 0 and "county scope" in refused.output


def test_an_admin_creates_a_reviewer_on_the_accounts_page(client, auth):
    auth.login("admin")

    form = client.get("/admin/users/new").get_data(as_text=True)
    response = client.submit(
        "/admin/users/new",
        {"username": "shen.he", "role": "reviewer", "county_code": "", "password": "ankang tea garden"},
    )

    assert 'value="reviewer"' in form
    assert response.status_code == 302
    assert db.session.scalar(select(User.role).where(User.username == "shen.he")) == "reviewer"


# ---- statements ------------------------------------------------------------------------------------


def count(client, url: str) -> list[str]:
    client.get("/")  # the login session's bookkeeping settles outside the measurement
    with statements_sent() as sent:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return sent


def with_objections(claim: Claim, reviewer) -> Claim:
    for line in claim.lines[:2]:
        db.session.add(ClaimObjection(line=line, raised_by="村民", content="异议", recorded_by_id=reviewer.id))
    db.session.commit()
    return claim


@pytest.mark.parametrize("status", [ClaimStatus.NOTICE, ClaimStatus.REVIEW])
def test_the_claim_page_costs_as_many_statements_for_60_lines_as_for_5(client, auth, make, status):
    reviewer = auth.login("reviewer")
    small = with_objections(claim_in(make, status, trainees=5), reviewer)
    large = with_objections(claim_in(make, status, trainees=60), reviewer)

    for_5, for_60 = count(client, f"/claims/{small.id}"), count(client, f"/claims/{large.id}")

    assert len(for_5) == len(for_60) <= 10, for_60


def test_the_list_and_the_home_page_cost_as_many_statements_for_many_claims_as_for_one(client, auth, make):
    auth.login("reviewer")
    claim_in(make, "review")
    one_list, one_home = count(client, "/claims"), count(client, "/")
    for _ in range(5):
        claim_in(make, "review")

    assert len(count(client, "/claims")) == len(one_list)
    assert len(count(client, "/")) == len(one_home)
