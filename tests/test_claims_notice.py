"""The public notice of a claim (公示): no login, not indexed, reached only by its unguessable
address, and masked: names as 王*英, ID numbers as first 6 + last 4, nowhere a full ID number."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.support.claims import build_claim
from tests.support.pages import texts
from training.claims import notice
from training.extensions import db
from training.identity import mask_name_public
from training.models import CohortStatus

pytestmark = pytest.mark.usefixtures("english")

NOTICE_DATES = (date(2026, 7, 1), date(2026, 7, 7))


def published(make, status="notice", trainees=3, ineligible=0, names=None):
    """A committed claim in `status` (its notice from 1 to 7 July), with these trainees' names."""
    cohort = make.cohort(status=CohortStatus.FINISHED, start_date=date(2026, 5, 1))
    claim = build_claim(make, cohort=cohort, trainees=trainees, ineligible=ineligible)
    for line, name in zip(claim.lines, names or (), strict=False):
        line.snapshot = {**line.snapshot, "name": name}
    claim.status = status
    if status not in ("draft", "submitted"):
        claim.notice_starts_on, claim.notice_ends_on = NOTICE_DATES
    db.session.commit()
    return claim


def address(app, claim_id: int) -> str:
    return f"/claims/notice/{notice.token_for(app.config['SECRET_KEY'], claim_id)}"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("王秀英", "王*英"),
        ("王英", "王*"),
        ("欧阳秀英", "欧*英"),
        ("买买提·艾力", "买*力"),
        ("王", "王*"),
        ("", ""),
        (" 李娜 ", "李*"),
    ],
)
def test_a_name_in_a_public_list_keeps_the_surname_and_the_last_character(name, masked):
    assert mask_name_public(name) == masked


def test_the_notice_opens_without_signing_in_and_is_not_indexed(app, client, make):
    claim = published(make)

    response = client.get(address(app, claim.id))

    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow, noarchive"
    assert '<meta name="robots" content="noindex, nofollow, noarchive">' in response.get_data(as_text=True)


@pytest.mark.parametrize("status", ["notice", "review", "approved", "paid"])
def test_the_notice_stays_readable_from_its_publication_on(app, client, make, status):
    assert client.get(address(app, published(make, status).id)).status_code == 200


def test_names_and_id_numbers_are_masked_and_no_full_id_number_is_anywhere_in_the_page(app, client, make):
    claim = published(make, names=["王秀英", "欧阳春花", "李娜"])

    html = client.get(address(app, claim.id)).get_data(as_text=True)

    assert texts(html, "notice-name") == ["王*英", "欧*花", "李*"]
    for line in claim.lines:
        number = line.snapshot["id_number"]
        assert number[:6] + "*" * 8 + number[-4:] in texts(html, "notice-id")
        assert line.enrollment.trainee.id_number not in html
        assert re.search(number[6:14], html) is None  # not even the hidden middle: the birth date
    assert not {"王秀英", "欧阳春花", "李娜"} & set(re.findall(r"[\u4e00-\u9fff]+", html))


def test_the_notice_shows_occupation_level_amount_dates_and_where_to_object(app, client, make):
    claim = published(make, trainees=2)
    app.config.update(CENTRE_NAME="紫阳县就业服务中心", CENTRE_PHONE="0915-4321000")

    html = client.get(address(app, claim.id)).get_data(as_text=True)

    occupation = claim.lines[0].snapshot["occupation"]
    assert all(occupation in row and "Level 5" in row and "4,500.00" in row for row in texts(html, "notice-row"))
    period = texts(html, "notice-period")[0]
    assert "July 1, 2026 to July 7, 2026" in period and "紫阳县就业服务中心" in period
    assert texts(html, "notice-phone") == ["0915-4321000"]
    assert 'href="tel:09154321000"' in html
    assert "9,000.00" in texts(html, "notice-total")[0]


def test_a_line_that_is_not_eligible_is_not_published(app, client, make):
    claim = published(make, trainees=3, ineligible=1)

    html = client.get(address(app, claim.id)).get_data(as_text=True)

    assert len(texts(html, "notice-row")) == 2
    assert claim.lines[-1].snapshot["id_number"][-4:] not in " ".join(texts(html, "notice-id"))


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_a_claim_not_on_notice_answers_as_if_it_did_not_exist(app, client, make, status):
    claim = published(make, status)

    response = client.get(address(app, claim.id))

    assert response.status_code == 404
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow, noarchive"
    assert claim.lines[0].snapshot["name"] not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "1-",
        "1-0123456789abcdef0123456789abcdef",
        "-0123",
        "99999999999999-00",
        "1-{other}",
        "{id}-{digest}00",
    ],
)
def test_a_wrong_address_answers_404(app, client, make, token):
    claim, other = published(make), published(make)
    digest = notice.token_for(app.config["SECRET_KEY"], claim.id).partition("-")[2]
    other_digest = notice.token_for(app.config["SECRET_KEY"], other.id).partition("-")[2]
    token = token.format(id=claim.id, digest=digest, other=other_digest)

    assert client.get(f"/claims/notice/{token}").status_code == 404


def test_an_address_made_with_another_secret_opens_nothing(app, client, make):
    claim = published(make)

    assert notice.claim_id_of("another-secret", notice.token_for(app.config["SECRET_KEY"], claim.id)) is None
    assert client.get(f"/claims/notice/{notice.token_for('another-secret', claim.id)}").status_code == 404


def test_the_address_carries_128_bits_of_hmac(app):
    token = notice.token_for(app.config["SECRET_KEY"], 42)

    assert re.fullmatch(r"42-[0-9a-f]{32}", token)
    assert notice.claim_id_of(app.config["SECRET_KEY"], token) == 42


def test_a_signed_in_user_sees_the_same_public_page(app, client, auth, make):
    claim = published(make)
    auth.login("coordinator")

    html = client.get(address(app, claim.id)).get_data(as_text=True)

    assert "notice-row" in html
    assert "Sign out" not in html  # a page for the public: no navigation of the signed-in


@pytest.fixture
def chinese_app(database_url, tmp_path_factory):
    from tests.conftest import translated_app
    from tests.support.translations import compiled_translations

    with translated_app(database_url, compiled_translations(tmp_path_factory)) as app:
        yield app


def test_the_notice_reads_in_chinese_for_whoever_opens_it(chinese_app, make):
    claim = published(make, names=["王秀英"])

    html = chinese_app.test_client().get(address(chinese_app, claim.id)).get_data(as_text=True)

    assert "职业培训补贴公示" in html
    assert "公示期：2026年7月1日 至 2026年7月7日" in " ".join(texts(html, "notice-period"))
    assert texts(html, "notice-name")[0] == "王*英"
