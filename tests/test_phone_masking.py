"""Mobile numbers on staff pages: masked in every list and in the audit trail, in full where
someone calls (the person's page, the follow-up being recorded)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from training.extensions import db

PHONE, MASKED = "13912345678", "139****5678"


def test_the_trainee_list_masks_phones_and_the_persons_page_offers_the_full_number_to_call(client, auth, make):
    trainee = make.trainee(county_code="610924", phone=PHONE)
    db.session.commit()
    auth.login("coordinator", county="610924")
    listing = client.get("/trainees").get_data(as_text=True)
    person = client.get(f"/trainees/{trainee.id}").get_data(as_text=True)
    assert MASKED in listing and PHONE not in listing
    assert f'href="tel:{PHONE}"' in person


def test_the_audit_trail_masks_phones_in_usernames_and_in_before_and_after(client, auth, make):
    trainee = make.trainee(county_code="610924", phone="13800001111")
    db.session.commit()
    auth.login("coordinator", county="610924", username="13700002222")
    client.submit(f"/trainees/{trainee.id}/edit", {"name": trainee.name, "county_code": "610924", "phone": PHONE})
    page = client.get("/audit").get_data(as_text=True)
    assert "trainee_updated" in page
    assert "138****1111" in page and MASKED in page and "137****2222" in page
    assert "13800001111" not in page and PHONE not in page and "13700002222" not in page


def test_the_accounts_list_masks_a_username_that_is_a_phone(client, auth, make):
    make.trainee_user(make.trainee(), username=PHONE)
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert MASKED in page and PHONE not in page


def test_the_employers_list_masks_a_contacts_mobile(client, auth, make):
    make.employer(contact_name="刘经理", contact_phone=PHONE)
    db.session.commit()
    auth.login("coordinator", county="610924")
    page = client.get("/employers").get_data(as_text=True)
    assert "刘经理" in page and MASKED in page and PHONE not in page


def test_the_follow_up_list_masks_phones_and_the_follow_up_being_recorded_shows_the_number_to_call(client, auth, make):
    trainee = make.trainee(county_code="610924", phone=PHONE)
    placement = make.placement(trainee=trainee)
    follow_up = placement.follow_ups[0]
    follow_up.due_date = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # on this week's list
    db.session.commit()
    auth.login("coordinator", county="610924")
    listing = client.get("/follow-ups").get_data(as_text=True)
    record = client.get(f"/follow-ups/{follow_up.id}").get_data(as_text=True)
    assert trainee.name in listing and MASKED in listing and PHONE not in listing
    assert f'href="tel:{PHONE}"' in record
