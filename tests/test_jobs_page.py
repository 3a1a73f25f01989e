"""A job's progress page: its state in the user's words and the way back to where its work shows."""

from __future__ import annotations

import pytest

from tests.conftest import AuthActions, translated_app
from tests.factories import Factories
from tests.support.translations import compiled_translations
from training.extensions import db
from training.jobs import services


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


@pytest.fixture
def chinese(database_url, translation_directory, tmp_path):
    with translated_app(database_url, translation_directory) as app:
        app.config["CERTIFICATE_DIR"] = str(tmp_path / "certificates")
        app.instance_path = str(tmp_path / "instance")
        yield app.test_client()


def _sign_in_as_its_owner(client, job) -> None:
    from training.models import User

    AuthActions(client, Factories()).login(db.session.get(User, job.created_by_id))


@pytest.mark.parametrize("run, state", [(False, "排队中"), (True, "已完成")])
def test_the_progress_page_says_the_job_s_state_in_chinese(chinese, run, state):
    job = Factories().issuing_job(graduates=1)
    if run:
        services.run(job.id)
    _sign_in_as_its_owner(chinese, job)

    html = chinese.get(f"/jobs/{job.id}").get_data(as_text=True)
    progress = chinese.get(f"/jobs/{job.id}.json").get_json()

    assert f'<span class="job-status">{state}</span>' in html
    assert progress["status_label"] == state
    assert ">queued<" not in html and ">done<" not in html


def test_the_progress_page_of_an_issuing_job_leads_back_to_the_class_s_certificates(chinese):
    job = Factories().issuing_job(graduates=1)
    _sign_in_as_its_owner(chinese, job)

    html = chinese.get(f"/jobs/{job.id}").get_data(as_text=True)

    assert f'href="/cohorts/{job.params["cohort_id"]}/certificates">返回本班证书</a>' in html
