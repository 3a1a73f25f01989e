"""The snippets other pages include: the cohort's jobs, the trainee's jobs, and the graduate's own record."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import render_template_string
from flask_babel import force_locale
from flask_login import login_user

from training.extensions import db
from training.placement import queries, services

ENDED = date(2025, 6, 30)


@pytest.fixture
def render(app):
    """Render an include as the signed-in user, in English."""
    contexts = []

    def as_user(user, snippet: str, **context) -> str:
        request = app.test_request_context()
        request.push()
        contexts.append(request)
        login_user(user)
        with force_locale("en"):
            return render_template_string('{% include "placement/' + snippet + '" ignore missing %}', **context)

    yield as_user
    for request in reversed(contexts):
        request.pop()


@pytest.fixture
def directed(make):
    partner = make.employer(name="上海远元足部修护连锁有限公司")
    cohort = make.cohort(
        start_date=ENDED - timedelta(days=20),
        end_date=ENDED,
        status="finished",
        employer_id=partner.id,
        committed_placements=15,
    )
    for _ in range(3):
        make.placement(enrollment=make.enrollment(cohort=cohort, status="completed"), employer=partner)
    make.enrollment(cohort=cohort, status="completed")
    db.session.commit()
    return cohort


def test_the_cohort_page_snippet_shows_committed_vs_placed(render, make, directed):
    html = render(make.user("coordinator"), "_cohort_directed.html", cohort=directed)

    assert "3 / 15" in html and "3 of 4 graduates have a current job." in html
    assert f"/cohorts/{directed.id}/graduates" in html


def test_a_trainer_sees_the_numbers_without_the_recording_link(render, make, directed):
    html = render(make.user("trainer"), "_cohort_directed.html", cohort=directed)

    assert "3 / 15" in html and "/graduates" not in html


def test_a_cohort_without_partner_or_graduates_shows_no_jobs_section(render, make):
    html = render(make.user("coordinator"), "_cohort_directed.html", cohort=make.cohort())

    assert html.strip() == ""


def test_the_trainee_page_snippet_lists_the_jobs_with_a_link_to_record_one(render, make):
    placement = make.placement(position="足部修护师")
    db.session.commit()

    html = render(make.user("coordinator"), "_trainee_jobs.html", trainee=placement.trainee)

    assert "足部修护师" in html and f"/placements/{placement.id}" in html
    assert f"/trainees/{placement.trainee_id}/placements/new" in html and "0 of 3 done" in html


def test_the_graduate_sees_their_job_wage_and_check_ins_on_their_own_page(render, make):
    employer = make.employer(name="上海远元足部修护连锁有限公司")
    placement = make.placement(employer=employer, start_date=date(2025, 7, 15), monthly_wage=Decimal("6500"))
    services.record_follow_up(
        placement.follow_ups[0],
        services.FollowUpAnswer(True, True, Decimal("7000"), ""),
        None,
        100000,
        today=placement.follow_ups[0].due_date,
    )
    user = make.trainee_user(placement.trainee)
    db.session.commit()

    html = render(user, "_my_job.html", job=queries.trainee_job_record(placement.trainee_id))

    assert "My job" in html and "上海远元足部修护连锁有限公司" in html and "足部修护师" in html
    assert "July 15, 2025" in html and "¥6,500.00" in html
    assert "After 3 months" in html and "¥7,000.00" in html


def test_a_graduate_without_a_job_sees_no_job_section(render, make):
    trainee = make.trainee()
    user = make.trainee_user(trainee)

    assert render(user, "_my_job.html", job=queries.trainee_job_record(trainee.id)).strip() == ""
