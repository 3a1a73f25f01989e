"""Step 2 of the result-sheet import: every valid row the preview promised is recorded, by whom and
from which issuer, audited; or, when anything fails or changed, none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.support.result_sheets import result_for, result_workbook
from training import audit
from training.extensions import db
from training.models import AuditEvent, CohortStatus, ExternalCertificate
from training.sheets import ImportRefused, PreviewChanged
from training.skillcerts import results_import

TODAY = date.today()
ISSUER = "紫阳县足部修护协会"


@pytest.fixture
def cohort(make):
    return make.cohort(status=CohortStatus.FINISHED, start_date=TODAY - timedelta(days=40))


@pytest.fixture
def graduates(make, cohort):
    people = [make.graduate(cohort=cohort) for _ in range(3)]
    db.session.commit()
    return people


@pytest.fixture
def coordinator(make):
    user = make.user("coordinator", county_code="610924")
    db.session.commit()
    return user


@pytest.fixture
def sheet(app, tmp_path):
    """sheet(rows) → the path of a result sheet of these rows."""

    def write(rows):
        path = tmp_path / "results.xlsx"
        path.write_bytes(result_workbook(rows))
        return path

    with force_locale("en"):
        yield write


def commit(path, cohort, user, expected=None):
    return results_import.commit(
        path, cohort=cohort, issuer=ISSUER, today=TODAY, expected=expected, user_id=user.id, filename="成绩单.xlsx"
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_commit_records_every_valid_row_with_its_issuer_and_who_recorded_it(sheet, cohort, graduates, coordinator):
    rows = [result_for(e) for e in graduates]
    plan, result = commit(sheet(rows), cohort, coordinator)
    db.session.commit()

    recorded = db.session.scalars(select(ExternalCertificate).order_by(ExternalCertificate.id)).all()
    assert [(c.enrollment_id, c.number) for c in recorded] == [
        (e.id, row["number"]) for e, row in zip(graduates, rows, strict=True)
    ]
    assert {(c.kind, c.level, c.issued_on, c.issuer, c.recorded_by_id) for c in recorded} == {
        ("skill_level", 5, cohort.end_date, ISSUER, coordinator.id)
    }
    assert {(c.scan_sha256, c.check_found) for c in recorded} == {(None, None)}  # no scan, nobody checked yet
    assert (result.recorded, result.errors, result.cohort_code) == (3, 0, cohort.code)


def test_rows_in_error_are_left_out_and_counted(sheet, cohort, graduates, coordinator):
    rows = [result_for(graduates[0]), result_for(graduates[1], name="王冒名"), result_for(graduates[2])]
    _, result = commit(sheet(rows), cohort, coordinator)

    assert (result.recorded, result.errors) == (2, 1)
    assert count(ExternalCertificate) == 2


def test_commit_leaves_an_event_per_certificate_and_one_for_the_sheet(sheet, cohort, graduates, coordinator):
    rows = [result_for(graduates[0]), result_for(graduates[1])]
    _, result = commit(sheet(rows), cohort, coordinator)
    db.session.commit()

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["external_certificate_imported"] * 2 + ["result_sheet_imported"]
    assert events[0].after == {
        "enrollment_id": graduates[0].id,
        "kind": "skill_level",
        "number": rows[0]["number"],
        "issuer": ISSUER,
        "level": 5,
        "issued_on": cohort.end_date.isoformat(),
    }
    assert (events[-1].entity_type, events[-1].entity_id) == ("cohort", str(cohort.id))
    assert events[-1].after == {"file": "成绩单.xlsx", "issuer": ISSUER, **vars(result)}


def test_the_commit_is_refused_when_the_records_changed_since_the_preview(sheet, make, cohort, graduates, coordinator):
    rows = [result_for(e) for e in graduates]
    path = sheet(rows)
    seen = results_import.preview(path, cohort=cohort, issuer=ISSUER, today=TODAY)
    make.external_certificate(graduates[2], number=rows[2]["number"])  # recorded by hand meanwhile
    db.session.commit()

    with pytest.raises(PreviewChanged) as changed:
        commit(path, cohort, coordinator, expected=seen.fingerprint)

    assert [row.action for row in changed.value.preview.rows] == ["record", "record", "error"]
    assert count(ExternalCertificate) == 1


def test_the_commit_goes_ahead_when_nothing_changed_since_the_preview(sheet, cohort, graduates, coordinator):
    path = sheet([result_for(e) for e in graduates])
    seen = results_import.preview(path, cohort=cohort, issuer=ISSUER, today=TODAY)
    assert commit(path, cohort, coordinator, expected=seen.fingerprint)[1].recorded == 3


def test_another_issuer_than_the_previewed_one_changes_the_fingerprint(sheet, cohort, graduates):
    path = sheet([result_for(graduates[0])])
    one = results_import.preview(path, cohort=cohort, issuer=ISSUER, today=TODAY).fingerprint
    other = results_import.preview(path, cohort=cohort, issuer="安康市职业技能鉴定中心", today=TODAY).fingerprint
    assert one != other


def test_a_failure_midway_leaves_nothing_behind(sheet, cohort, graduates, coordinator, monkeypatch):
    seen = []

    def crash(action, entity_type, changes):
        seen.append(count(ExternalCertificate))
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record_many", crash)
    with pytest.raises(RuntimeError):
        commit(sheet([result_for(e) for e in graduates]), cohort, coordinator)
    db.session.rollback()  # what the view does

    assert seen == [3]  # written, then taken back
    assert (count(ExternalCertificate), count(AuditEvent)) == (0, 0)


def test_a_number_recorded_by_another_request_after_the_check_refuses_the_whole_sheet(
    sheet, make, cohort, graduates, coordinator, monkeypatch
):
    rows = [result_for(e) for e in graduates]
    make.external_certificate(make.graduate(cohort=make.cohort(status=CohortStatus.FINISHED)), number=rows[1]["number"])
    db.session.commit()
    # The other request commits between this one's check and its insert: the check saw nothing.
    monkeypatch.setattr(results_import, "_recorded_numbers", lambda numbers: set())

    with pytest.raises(ImportRefused) as refused:
        commit(sheet(rows), cohort, coordinator)
    db.session.rollback()

    assert "was recorded meanwhile, so nothing was recorded" in str(refused.value)
    assert (count(ExternalCertificate), count(AuditEvent)) == (1, 0)
