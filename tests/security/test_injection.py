"""Every search box takes what is typed literally: a quote and SQL comment find nothing and
break nothing, % and _ match only themselves. The search boxes are the forms with a `q`
field; test_every_search_box_is_covered fails when a template grows a new one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.security.conftest import HOME, fingerprint
from training.extensions import db
from training.models import CohortStatus

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MARKERS = {"percent": "甲%百分", "underscore": "乙_下划", "plain": "丙普通"}
PAYLOADS = {
    "' OR 1=1--": set(),
    "%": {"percent"},
    "_": {"underscore"},
    "%' OR '1'='1": set(),
    "\\": set(),
    "甲": {"percent"},
}


def _trainees(make, cohort):
    for marker in MARKERS.values():
        make.trainee(county_code=HOME, name=marker)


def _cohorts(make, cohort):
    for n, marker in enumerate(MARKERS.values()):
        make.cohort(county_code=HOME, site_name=marker, code=f"INJ-{n}")


def _users(make, cohort):
    for n, marker in enumerate(MARKERS.values()):
        make.user("trainer", county_code=HOME, username=f"inj{n}", display_name=marker)


def _employers(make, cohort):
    for marker in MARKERS.values():
        make.employer(name=marker)


def _standards(make, cohort):
    for marker in MARKERS.values():
        make.standard(occupation=marker)


# (search box, the page, records holding the markers, a role that reaches the page)
BOXES = {
    "trainees/index.html": ("/trainees", _trainees, "coordinator"),
    "enrollment/enroll_many.html": ("/cohorts/{cohort}/enroll", _trainees, "coordinator"),
    "catalog/cohorts.html": ("/cohorts", _cohorts, "coordinator"),
    "admin/users.html": ("/admin/users", _users, "admin"),
    "placement/employers.html": ("/employers", _employers, "coordinator"),
    "standards/index.html": ("/standards/", _standards, "coordinator"),
}


def test_every_search_box_is_covered():
    boxes = {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r'name="q"|\.q\(', path.read_text())
    }

    assert boxes == set(BOXES)


@pytest.mark.parametrize("typed", sorted(PAYLOADS))
@pytest.mark.parametrize("box", sorted(BOXES))
def test_a_search_box_takes_what_is_typed_literally(app, client, auth, make, box, typed):
    path, records, role = BOXES[box]
    cohort = make.cohort(county_code=HOME, status=CohortStatus.OPEN, code="INJ-TARGET", site_name="目标")
    records(make, cohort)
    db.session.commit()
    auth.login(role, county=HOME if role == "coordinator" else None)
    before = fingerprint()

    response = client.get(path.format(cohort=cohort.id), query_string={"q": typed})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert {key for key, marker in MARKERS.items() if marker in html} == PAYLOADS[typed]
    assert fingerprint() == before
