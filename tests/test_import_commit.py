"""Step 2 of the import: every valid row the preview promised, or none; enrollment in the same transaction."""

from __future__ import annotations

import os
import stat
import time

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.support.import_sheets import fail_after_the_trainees_are_written, person, workbook
from training.extensions import db
from training.imports import checking, committing, sheets, uploads
from training.jobs import services as jobs
from training.models import AuditEvent, CohortStatus, Enrollment, EnrollmentStatus, Job, JobStatus, Trainee
from training.trainees import services

CITY = checking.ImportScope(default_county="610924")


@pytest.fixture
def roster(app, tmp_path):
    """roster(people) → the path of an .xlsx roster of these rows."""

    def write(people, name="roster.xlsx"):
        path = tmp_path / name
        path.write_bytes(workbook(people))
        return path

    with force_locale("en"):
        yield write


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def commit(path, **options):
    return committing.commit(path, options.pop("scope", CITY), **options)[1]


def test_commit_creates_new_people_updates_changed_ones_and_leaves_the_rest(roster, make):
    same = make.trainee(phone="13900000001", town="蒿坪镇", village="金川社区", education="初中")
    moved = make.trainee(phone="13900000002")
    db.session.commit()
    path = roster(
        [
            person(),
            person(categories="残疾人"),
            person(id_number=same.id_number, name=same.name, phone="13900000001", categories=""),
            person(id_number=moved.id_number, name=moved.name, phone="13900000003", categories=""),
            person(phone="123"),
        ]
    )
    result = commit(path)
    db.session.commit()
    assert (result.created, result.updated, result.skipped, result.errors) == (2, 1, 1, 1)
    assert count(Trainee) == 4
    assert moved.phone == "13900000003"
    created = db.session.scalars(select(Trainee).where(Trainee.id.not_in([same.id, moved.id]))).all()
    assert sorted(sorted(t.category_set) for t in created) == [["disabled"], ["poverty_alleviated", "relocated"]]


def test_commit_leaves_one_import_event_with_counts_and_one_event_per_person_written(roster):
    result = commit(roster([person(), person(), person(phone="1")]), filename="紫阳一期.xlsx")
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["trainee_imported", "trainee_imported", "trainees_imported"]
    assert events[-1].after == {"file": "紫阳一期.xlsx", **vars(result)}
    assert events[-1].after["created"] == 2 and events[-1].after["errors"] == 1
    assert "*" in events[0].after["id_number"]  # masked in the trail


def test_a_failure_midway_leaves_nothing_behind(roster, make, monkeypatch):
    make.trainee()
    db.session.commit()
    before = count(Trainee), count(AuditEvent)
    written = fail_after_the_trainees_are_written(monkeypatch)
    with pytest.raises(RuntimeError):
        commit(roster([person() for _ in range(5)]))
    db.session.rollback()  # what every caller does: the view, the command, the job runner
    assert written == [before[0] + 5]
    assert (count(Trainee), count(AuditEvent)) == before


def test_the_commit_is_refused_when_the_registry_changed_since_the_preview(roster, make):
    path = roster([person(), person()])
    seen = checking.preview(path, CITY)
    registered = seen.rows[1].data
    make.trainee(id_number=registered.id_number, name=registered.name)
    db.session.commit()
    with pytest.raises(committing.PreviewChanged) as changed:
        commit(path, expected=seen.fingerprint)
    assert [row.action for row in changed.value.preview.rows] == ["create", "update"]
    assert count(Trainee) == 1


def test_the_commit_goes_ahead_when_nothing_changed_since_the_preview(roster):
    path = roster([person(), person()])
    assert commit(path, expected=checking.preview(path, CITY).fingerprint).created == 2


def test_an_edit_to_a_matched_person_since_the_preview_changes_the_fingerprint(roster, make):
    someone = make.trainee()
    db.session.commit()
    path = roster([person(id_number=someone.id_number, name="新名字")])
    before = checking.preview(path, CITY).fingerprint
    someone.town = "城关镇"
    db.session.commit()
    assert checking.preview(path, CITY).fingerprint != before


@pytest.fixture
def open_cohort(make):
    return make.cohort(status=CohortStatus.OPEN, capacity=2)


def test_imported_people_are_enrolled_and_the_overflow_waitlisted(roster, make, open_cohort):
    known = make.trainee()
    db.session.commit()
    path = roster([person(), person(id_number=known.id_number, name=known.name), person()])
    result = commit(path, cohort=open_cohort)
    assert (result.enrolled, result.waitlisted, result.cohort_code) == (2, 1, open_cohort.code)
    assert count(Enrollment) == 3


def test_a_subsidy_refusal_for_one_row_aborts_the_whole_import(roster, make, open_cohort):
    subsidised_before = make.trainee(name="赵已培训")
    earlier = make.cohort(course=open_cohort.course, start_date=open_cohort.start_date.replace(year=2024))
    make.enrollment(trainee=subsidised_before, cohort=earlier, status=EnrollmentStatus.COMPLETED)
    db.session.commit()
    before = count(Trainee), count(Enrollment), count(AuditEvent)
    path = roster([person(), person(id_number=subsidised_before.id_number, name="赵已培训"), person()])
    with pytest.raises(sheets.ImportRefused) as refused:
        commit(path, cohort=open_cohort)
    db.session.rollback()
    assert "Row 4 (赵已培训)" in str(refused.value)
    assert "same occupation and level was already subsidised" in str(refused.value)
    assert (count(Trainee), count(Enrollment), count(AuditEvent)) == before


def test_uploads_are_private_and_found_only_by_their_owner(app):
    upload = uploads.store_upload(b"data", owner_id=7, filename="../../etc/紫阳.xlsx")
    assert stat.S_IMODE(os.stat(upload.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(upload.meta_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(upload.path.parent).st_mode) == 0o700
    assert upload.filename == "紫阳.xlsx"
    assert uploads.find_upload(upload.token, 7).path == upload.path
    assert uploads.find_upload(upload.token, 8) is None
    assert uploads.find_upload("../" + upload.token[3:], 7) is None


def test_uploads_older_than_a_day_are_forgotten_and_purged(app):
    upload = uploads.store_upload(b"data", owner_id=7, filename="r.csv")
    old = time.time() - uploads.UPLOAD_MAX_AGE_SECONDS - 60
    for path in (upload.path, upload.meta_path):
        os.utime(path, (old, old))
    assert uploads.find_upload(upload.token, 7) is None
    uploads.purge_stale_uploads()
    assert not upload.path.exists() and not upload.meta_path.exists()


def test_after_a_commit_the_file_is_gone_and_only_the_error_rows_stay(roster, app):
    path = roster([person(), person(phone="1")])
    upload = uploads.store_upload(path.read_bytes(), owner_id=1, filename="r.xlsx")
    plan, _ = committing.commit(upload.path, CITY)
    uploads.finish_upload(upload, plan)
    assert not upload.path.exists() and upload.errors_path.exists()
    assert uploads.find_upload(upload.token, 1).committed


def test_a_large_import_runs_as_one_job_and_commits_at_its_end(roster, make):
    user = make.user("coordinator")
    db.session.commit()
    path = roster([person(), person(), person(phone="1")])
    upload = uploads.store_upload(path.read_bytes(), owner_id=user.id, filename="r.xlsx")
    fingerprint = checking.preview(upload.path, checking.ImportScope.of(user, "610924")).fingerprint
    job = jobs.create_job(
        "trainee_import",
        {
            "token": upload.token,
            "user_id": user.id,
            "fingerprint": fingerprint,
            "default_county": "610924",
            "locale": "en",
        },
        user.id,
        total=3,
    )
    db.session.commit()
    jobs.run(job.id)
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.DONE and job.done == 3
    assert job.result["created"] == 2 and job.result["errors"] == 1
    assert count(Trainee) == 2
    assert not upload.path.exists()


def test_a_job_whose_preview_went_stale_writes_nothing_and_says_why(roster, make):
    user = make.user("coordinator")
    db.session.commit()
    upload = uploads.store_upload(roster([person()]).read_bytes(), owner_id=user.id, filename="r.xlsx")
    job = jobs.create_job(
        "trainee_import",
        {
            "token": upload.token,
            "user_id": user.id,
            "fingerprint": "0" * 64,
            "default_county": "610924",
            "locale": "en",
        },
        user.id,
        total=1,
    )
    db.session.commit()
    jobs.run(job.id)
    job = db.session.get(Job, job.id)
    assert "registry changed since the preview" in job.message
    assert count(Trainee) == 0
    assert upload.path.exists()


def test_a_person_registered_between_check_and_write_refuses_the_import_naming_the_number(roster, make):
    from training.identity import mask_id_number

    path = roster([person(), person()])
    plan = checking.preview(path, CITY)
    make.trainee(id_number=plan.rows[1].data.id_number)
    with pytest.raises(sheets.ImportRefused) as refused:
        committing.apply(plan)
    masked = mask_id_number(plan.rows[1].data.id_number)
    assert str(refused.value).startswith(f"A trainee with the ID number {masked} is already registered.")


def test_a_failure_among_the_updates_also_takes_back_the_people_already_created(roster, make, monkeypatch):
    registered = [make.trainee(phone=f"1390000000{n}") for n in range(3)]
    db.session.commit()
    real, calls = services.update_trainee, []

    def failing_on_the_second(trainee, data, audit_action="trainee_updated"):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        return real(trainee, data, audit_action=audit_action)

    monkeypatch.setattr(services, "update_trainee", failing_on_the_second)
    people = [person(), person()] + [
        person(id_number=t.id_number, name=t.name, phone="13911112222") for t in registered
    ]
    with pytest.raises(RuntimeError):
        commit(roster(people))
    db.session.rollback()
    assert count(Trainee) == 3
    assert [t.phone for t in db.session.scalars(select(Trainee).order_by(Trainee.id))] == [
        "13900000000",
        "13900000001",
        "13900000002",
    ]
