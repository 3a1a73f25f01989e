"""A trainee's page shows their own records and nothing of anyone else's, however they ask."""

from __future__ import annotations

import re

import pytest

from tests.support.me import certificate_row, in_class, text_of
from training.extensions import db
from training.models import EnrollmentStatus


@pytest.fixture
def two_trainees(make):
    """Two trainees in the same class with different marks, each also with a certificate and a job elsewhere."""
    mine = in_class(make, held=3, to_come=2, marks=["present", "absent", "absent"])
    theirs_trainee = make.trainee(name="欧阳翠花", phone="13900000000")
    theirs = make.enrollment(trainee=theirs_trainee, cohort=mine.cohort)
    for session in mine.held:
        make.attendance(theirs, session, "present")
    theirs_user = make.trainee_user(trainee=theirs_trainee)
    records = {}
    for who, trainee in (("mine", mine.trainee), ("theirs", theirs_trainee)):
        done = in_class(
            make,
            held=2,
            marks=["present"] * 2,
            status=EnrollmentStatus.COMPLETED,
            trainee=trainee,
            course_name=f"茶艺师 {who}",
        )
        records[who] = certificate_row(done.enrollment)
        make.placement(enrollment=done.enrollment, position=f"茶艺师岗位 {who}")
    db.session.commit()
    return mine, theirs_user, theirs_trainee, records


def test_the_page_shows_none_of_another_trainees_name_hours_certificate_or_job(client, auth, two_trainees):
    mine, _, theirs, records = two_trainees
    auth.login(mine.user)

    page = client.get("/me").get_data(as_text=True)

    assert text_of(page, "attended-hours") == "4"  # their three present marks are not mine
    assert records["mine"].serial in page and "茶艺师岗位 mine" in page
    for secret in (
        theirs.name,
        theirs.phone,
        theirs.id_number,
        records["theirs"].serial,
        "茶艺师岗位 theirs",
        "茶艺师 theirs",
    ):
        assert secret not in page


def test_the_page_takes_no_id_from_the_address(client, auth, two_trainees):
    mine, _, theirs, records = two_trainees
    auth.login(mine.user)

    page = client.get(f"/me?trainee_id={theirs.id}&id={theirs.id}").get_data(as_text=True)

    assert mine.trainee.name in page and theirs.name not in page
    assert records["theirs"].serial not in page


def test_links_on_one_trainees_page_lead_another_trainee_nowhere_of_the_first(client, auth, two_trainees):
    # Today both pages link to the same places; once the certificates feature lists downloads
    # here, the first trainee's certificate link must answer 404 to the second.
    mine, theirs_user, _, _ = two_trainees
    auth.login(mine.user)
    my_links = set(re.findall(r'href="(/[^"]*)"', client.get("/me").get_data(as_text=True)))
    client.submit("/logout", page="/me")
    auth.login(theirs_user)
    their_links = set(re.findall(r'href="(/[^"]*)"', client.get("/me").get_data(as_text=True)))

    for link in sorted(my_links - their_links):
        assert client.get(link).status_code == 404, link


def test_someone_signed_out_is_sent_to_sign_in(client):
    response = client.get("/me")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_trainee_account_without_a_trainee_record_sees_an_empty_page(client, auth, make):
    auth.login("trainee")

    response = client.get("/me")

    assert response.status_code == 200
    assert "attended-hours" not in response.get_data(as_text=True)
