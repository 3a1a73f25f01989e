"""A trainer marks attendance on a 360-px phone, and a trainee checks in by scanning the QR."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import zxingcpp
from playwright.sync_api import expect
from sqlalchemy import select

from tests.factories import TEST_PASSWORD
from tests.support.browser import PHONE, assert_fits, sign_in
from training.extensions import db
from training.models import Attendance, Enrollment, Trainee


@pytest.fixture
def todays_class(make):
    """A class that started half an hour ago, with eight trainees, one with a login."""
    trainer = make.user("trainer", username="teacher_li", display_name="李老师")
    cohort = make.cohort(trainers=[trainer], site_name="紫阳县蒿坪镇金川社区新社区工厂（二期）")
    session = make.session(
        cohort, starts_at=datetime.now(UTC) - timedelta(minutes=30), hours=4, topic="足部修护：修甲与护理实操"
    )
    enrollments = [make.enrollment(cohort=cohort, trainee=make.trainee(name=f"欧阳秀英{n}")) for n in range(8)]
    make.trainee_user(enrollments[0].trainee, username="trainee_chen")
    db.session.commit()
    return trainer, session


def count(page, status: str) -> str:
    return page.locator(f"[data-count='{status}']").inner_text()


def test_a_trainer_marks_three_trainees_on_a_phone_and_the_trainee_sees_it_on_me(
    live_server, new_page, todays_class, tmp_path
):
    trainer, session = todays_class
    page = new_page(PHONE)
    sign_in(page, live_server, trainer.username, TEST_PASSWORD)
    page.goto(f"{live_server}/")  # the trainer's Today page
    page.locator(".session-item", has_text="足部修护").get_by_role("link", name="Roster").click()
    page.wait_for_load_state()
    taps = page.locator(".roster-tap")
    assert taps.count() == 8
    assert page.locator(".roster-choices").first.is_hidden()  # JavaScript turned the radios into one button
    assert all(taps.nth(n).bounding_box()["height"] >= 48 for n in range(8))

    taps.nth(0).click()  # present
    taps.nth(1).click()
    taps.nth(1).click()  # late
    for _ in range(3):
        taps.nth(2).click()  # absent
    assert [taps.nth(n).inner_text() for n in range(3)] == ["Present", "Late", "Absent"]
    assert (count(page, "present"), count(page, "late"), count(page, "absent"), count(page, "unmarked")) == (
        "1",
        "1",
        "1",
        "5",
    )
    assert_fits(page)
    page.screenshot(path=tmp_path / "roster-marked-360.png", full_page=True)

    page.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state()

    assert "Saved: 3 change(s)." in page.locator(".alert-success").inner_text()
    assert (count(page, "present"), count(page, "late"), count(page, "absent"), count(page, "unmarked")) == (
        "1",
        "1",
        "1",
        "5",
    )
    assert [page.locator(".roster-tap").nth(n).inner_text() for n in range(3)] == ["Present", "Late", "Absent"]
    assert_fits(page)
    page.screenshot(path=tmp_path / "roster-saved-360.png", full_page=True)

    # 欧阳秀英0, marked present, opens /me on her own phone: the four hours count.
    phone = new_page(PHONE)
    sign_in(phone, live_server, "trainee_chen", TEST_PASSWORD)
    phone.goto(f"{live_server}/me")
    assert phone.locator(".attended-hours").first.inner_text().strip() == "4"
    assert "Present" in phone.locator(".me-recent").inner_text()
    assert_fits(phone)
    phone.screenshot(path=tmp_path / "me-after-marking-360.png", full_page=True)


def test_a_trainer_who_walks_away_from_unsaved_marks_is_warned_and_finds_them_again_after_a_reload(
    live_server, new_page, todays_class, tmp_path
):
    trainer, session = todays_class
    page = new_page(PHONE)
    dialogs = []

    def answer(dialog):  # stay on the first warning, leave on the next
        dialogs.append(dialog.type)
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    page.on("dialog", answer)
    sign_in(page, live_server, trainer.username, TEST_PASSWORD)
    roster = f"{live_server}/sessions/{session.id}/roster"
    page.goto(roster)
    taps = page.locator(".roster-tap")
    taps.nth(0).click()  # present
    taps.nth(1).click()
    taps.nth(1).click()  # late
    for _ in range(3):
        taps.nth(2).click()  # absent
    expect(page.locator(".roster-unsaved")).to_have_text("(3 unsaved)")

    page.locator("a.navbar-brand").click()  # walks away
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == roster  # stayed
    page.reload()

    assert dialogs == ["beforeunload", "beforeunload"]
    taps = page.locator(".roster-tap")
    assert [taps.nth(n).inner_text() for n in range(4)] == ["Present", "Late", "Absent", "Tap to mark"]
    expect(page.locator(".roster-unsaved")).to_have_text("(3 unsaved)")
    expect(page.locator(".roster-restored")).to_be_visible()
    assert page.locator(".roster-row.is-touched").count() == 3
    assert (count(page, "present"), count(page, "late"), count(page, "absent")) == ("1", "1", "1")
    assert db.session.scalar(select(Attendance.id)) is None  # nothing saved yet
    assert_fits(page)
    page.screenshot(path=tmp_path / "roster-restored-360.png", full_page=True)

    page.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state()

    assert "Saved: 3 change(s)." in page.locator(".alert-success").inner_text()
    assert page.locator(".roster-restored").is_hidden()
    assert page.locator(".roster-unsaved").inner_text() == ""
    stored = db.session.execute(
        select(Trainee.name, Attendance.status)
        .join(Enrollment, Attendance.enrollment_id == Enrollment.id)
        .join(Trainee, Enrollment.trainee_id == Trainee.id)
        .order_by(Trainee.name)
    ).all()
    assert [tuple(row) for row in stored] == [("欧阳秀英0", "present"), ("欧阳秀英1", "late"), ("欧阳秀英2", "absent")]
    page.reload()  # saved marks are not offered again, and leaving no longer warns
    assert page.locator(".roster-restored").is_hidden()
    page.locator("a.navbar-brand").click()
    page.wait_for_load_state()
    assert page.url != roster and len(dialogs) == 2


def test_without_javascript_the_roster_is_four_buttons_per_trainee_and_still_saves(
    live_server, new_page, todays_class, tmp_path
):
    trainer, session = todays_class
    page = new_page(PHONE, java_script_enabled=False)
    sign_in(page, live_server, trainer.username, TEST_PASSWORD)
    page.goto(f"{live_server}/sessions/{session.id}/roster")
    first = page.locator(".roster-row").first
    assert first.locator("label.roster-choice").count() == 4
    assert first.locator("label.roster-choice").first.bounding_box()["height"] >= 48
    assert_fits(page)

    first.get_by_text("Excused").click()
    page.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state()

    assert page.locator("[data-count='excused']").inner_text() == "1"
    assert page.locator(".roster-row").first.locator("input[type=radio][value=excused]").is_checked()
    assert_fits(page)
    page.screenshot(path=tmp_path / "roster-no-js-360.png", full_page=True)


def qr_text(page) -> str:
    """Decode the QR the page shows, from its pixels, the way a phone camera would."""
    pixels = page.evaluate("""async () => {
        const img = document.querySelector('.checkin-qr');
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        const context = canvas.getContext('2d');
        context.drawImage(img, 0, 0);
        const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
        const grey = [];
        for (let i = 0; i < rgba.length; i += 4) grey.push(rgba[i]);
        return {width: canvas.width, height: canvas.height, grey: grey};
    }""")
    image = memoryview(bytes(pixels["grey"])).cast("B", (pixels["height"], pixels["width"]))
    [barcode] = zxingcpp.read_barcodes(image)
    return barcode.text


def test_a_trainee_checks_in_by_scanning_the_trainer_s_qr(live_server, new_page, todays_class, tmp_path):
    trainer, session = todays_class
    screen = new_page(PHONE)
    sign_in(screen, live_server, trainer.username, TEST_PASSWORD)
    screen.goto(f"{live_server}/sessions/{session.id}/checkin-qr")
    code = screen.locator(".checkin-code").inner_text()
    assert len(code) == 6 and code.isdigit()
    assert_fits(screen)
    screen.screenshot(path=tmp_path / "checkin-qr-360.png", full_page=True)
    link = qr_text(screen)
    assert link.startswith(f"{live_server}/checkin/")

    phone = new_page(PHONE)
    sign_in(phone, live_server, "trainee_chen", TEST_PASSWORD)
    phone.goto(link)

    assert "You are checked in" in phone.locator(".checkin-message").inner_text()
    assert_fits(phone)
    phone.screenshot(path=tmp_path / "checked-in-360.png", full_page=True)
    expect(screen.locator("[data-attended]")).to_have_text("1", timeout=10000)  # the screen polls every 5 s
    screen.goto(f"{live_server}/sessions/{session.id}/roster")
    assert screen.locator(".roster-row", has_text="欧阳秀英0").locator(".roster-via").inner_text().startswith("QR")
