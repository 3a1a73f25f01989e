"""Step 1 of the result-sheet import, row by row: each row matched to a seated trainee of the class by
ID number, and every reason a row cannot be recorded; nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.support.result_sheets import EN, result_for, result_workbook, skill_number
from training.extensions import db
from training.identity import make_id_number
from training.models import AuditEvent, CohortStatus, EnrollmentStatus, ExternalCertificate, utcnow
from training.sheets import ImportRefused
from training.skillcerts import results_import

TODAY = date.today()


@pytest.fixture
def cohort(make):
    """A finished class of 紫阳县 that started 40 days ago and ended 30 days ago."""
    return make.cohort(status=CohortStatus.FINISHED, start_date=TODAY - timedelta(days=40))


@pytest.fixture
def graduates(make, cohort):
    people = [make.graduate(cohort=cohort) for _ in range(3)]
    db.session.commit()
    return people


@pytest.fixture
def check(app, tmp_path, cohort):
    """check(rows, **options) → the preview of a result sheet of these rows for the class."""

    def preview(rows, cohort=cohort, issuer="紫阳县足部修护协会", **layout):
        path = tmp_path / "results.xlsx"
        path.write_bytes(result_workbook(rows, **layout))
        return results_import.preview(path, cohort=cohort, issuer=issuer, today=TODAY)

    with force_locale("en"):
        yield preview


def verdicts(plan) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(row.action, row.errors) for row in plan.rows]


def only_errors(plan) -> list[tuple[str, str]]:
    [row] = plan.rows
    assert row.action == "error"
    return row.errors


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_each_row_of_a_seated_trainee_is_to_be_recorded_on_their_enrollment(check, graduates):
    plan = check([result_for(e) for e in graduates])

    assert [row.action for row in plan.rows] == ["record"] * 3
    assert [row.result.enrollment_id for row in plan.rows] == [e.id for e in graduates]
    assert plan.rows[0].result.kind == "skill_level" and plan.rows[0].result.level == 5
    assert plan.counts == {"record": 3, "error": 0, "total": 3}


def test_the_preview_writes_nothing(check, graduates):
    check([result_for(e) for e in graduates])
    db.session.rollback()

    assert (count(ExternalCertificate), count(AuditEvent)) == (0, 0)


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_sheet_numbers(check, graduates):
    plan = check([result_for(e) for e in graduates[:2]], titles=("安康市职业技能等级认定", "颁证花名册"))
    assert [row.row for row in plan.rows] == [4, 5]


def test_english_headers_are_read_like_chinese_ones(check, graduates):
    assert [row.action for row in check([result_for(graduates[0])], headers=EN, titles=()).rows] == ["record"]


def test_a_sheet_without_a_kind_column_holds_skill_level_certificates(check, graduates):
    headers = {name: header for name, header in EN.items() if name != "kind"}
    [row] = check([result_for(graduates[0])], headers=headers).rows
    assert (row.action, row.result.kind) == ("record", "skill_level")


def test_a_special_ability_certificate_needs_no_level_and_no_national_number_form(check, graduates):
    row = result_for(graduates[0], kind="专项职业能力证书", number="ZX-2026-0001", level=None)
    [checked] = check([row]).rows
    assert checked.action == "record"
    assert (checked.result.kind, checked.result.number, checked.result.level) == (
        "special_ability",
        "ZX-2026-0001",
        None,
    )


@pytest.mark.parametrize(
    "status", [EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED, EnrollmentStatus.FAILED], ids=str
)
def test_every_seated_trainee_may_have_results(check, make, cohort, status):
    enrollment = make.enrollment(cohort=cohort, status=status)
    db.session.commit()
    assert [row.action for row in check([result_for(enrollment)]).rows] == ["record"]


@pytest.mark.parametrize(
    "status", [EnrollmentStatus.APPLIED, EnrollmentStatus.WITHDRAWN, EnrollmentStatus.DECLINED], ids=str
)
def test_a_trainee_not_seated_in_the_class_gets_no_results(check, make, cohort, status):
    enrollment = make.enrollment(cohort=cohort, status=status)
    db.session.commit()
    [(column, why)] = only_errors(check([result_for(enrollment)]))
    assert column == "身份证号"
    assert why.endswith(f"in {cohort.code}: only a seated trainee's results are recorded.")


def test_a_person_of_another_class_or_county_is_told_apart_from_nobody_in_no_way(check, make, graduates):
    elsewhere = make.graduate(cohort=make.cohort(county_code="610902", status=CohortStatus.FINISHED))
    db.session.commit()
    unknown = result_for(graduates[0], id_number=make_id_number("610902", date(1979, 4, 4), 11), name="无此人")
    plan = check([result_for(elsewhere, issued_on=graduates[0].cohort.end_date), unknown])

    assert [row.errors for row in plan.rows][0] == [row.errors for row in plan.rows][1]
    assert plan.rows[0].errors[0][1] == f"Nobody with this ID number is on the list of {plan.cohort.code}."
    assert elsewhere.trainee.name not in str(plan.rows[0].errors)


def test_a_name_that_is_not_the_registrys_is_an_error_naming_the_registrys(check, graduates):
    [(column, why)] = only_errors(check([result_for(graduates[0], name="王冒名")]))
    assert (column, why) == ("姓名", f"The registry has another name for this ID number: {graduates[0].trainee.name}.")


def test_a_certificate_number_recorded_already_is_an_error(check, make, graduates):
    earlier = make.external_certificate(make.graduate(cohort=make.cohort(status=CohortStatus.FINISHED)))
    db.session.commit()
    [(column, why)] = only_errors(check([result_for(graduates[0], number=earlier.number)]))
    assert (column, why) == ("证书编号", "This certificate number is recorded already.")


def test_a_trainee_holding_a_certificate_of_the_kind_for_the_class_is_an_error(check, make, graduates):
    held = make.external_certificate(graduates[0])
    db.session.commit()
    [(column, why)] = only_errors(check([result_for(graduates[0])]))
    assert column == "证书类型"
    assert why.startswith(
        f"{graduates[0].trainee.name} already holds a certificate of this kind for this class ({held.number})"
    )


def test_a_revoked_certificate_of_the_kind_does_not_stand_in_the_way(check, make, graduates):
    make.external_certificate(graduates[0], revoked_at=utcnow(), revoke_reason="编号录错")
    db.session.commit()
    assert [row.action for row in check([result_for(graduates[0])]).rows] == ["record"]


def test_two_rows_of_one_number_are_both_errors_naming_each_other(check, graduates):
    number = skill_number(issued_on=graduates[0].cohort.end_date)
    plan = check([result_for(graduates[0], number=number), result_for(graduates[1], number=number)])
    assert verdicts(plan) == [
        ("error", [("证书编号", "The same number is also on row 4.")]),
        ("error", [("证书编号", "The same number is also on row 3.")]),
    ]


def test_two_rows_of_one_person_and_kind_are_both_errors(check, graduates):
    plan = check([result_for(graduates[0]), result_for(graduates[0])])
    assert [row.errors[0] for row in plan.rows] == [
        ("身份证号", "The same person has a certificate of this kind on row 4 too."),
        ("身份证号", "The same person has a certificate of this kind on row 3 too."),
    ]


def test_one_person_may_have_certificates_of_two_kinds(check, graduates):
    special = result_for(graduates[0], kind="专项职业能力证书", number="ZX-2026-0002", level=None)
    assert [row.action for row in check([result_for(graduates[0]), special]).rows] == ["record", "record"]


@pytest.mark.parametrize(
    "change",
    [
        {"level": 4, "number": skill_number(5, TODAY - timedelta(days=30))},  # the number says 五级
        {"number": "S00006161092499" + "5000001"},  # the number says 2099
        {"number": "X000061610924265000001"},
        {"number": "S00006161092426500001"},  # 21 characters
    ],
    ids=["level", "year", "prefix", "length"],
)
def test_a_number_that_breaks_the_number_rule_is_an_error_of_its_column(check, graduates, change):
    errors = only_errors(check([result_for(graduates[0], **change)]))
    assert {column for column, _ in errors} == {"证书编号"}


def test_every_unreadable_cell_of_a_row_is_named(check, graduates):
    row = result_for(graduates[0], id_number="6.10924E+17", level="六级", issued_on="明天")
    assert [column for column, _ in only_errors(check([row]))] == ["身份证号", "等级", "发证日期"]


def test_an_issue_date_before_the_class_started_is_an_error(check, graduates, cohort):
    before = cohort.start_date - timedelta(days=1)
    row = result_for(graduates[0], issued_on=before, number=skill_number(5, before))
    [(column, why)] = only_errors(check([row]))
    assert column == "发证日期" and "is before the class started" in why


def test_a_formula_cell_is_an_error_and_never_evaluated(check, graduates):
    [(column, why)] = only_errors(check([result_for(graduates[0], name='=HYPERLINK("x")')]))
    assert (column, why) == ("姓名", "Formulas are not accepted: copy the column and paste it as values.")


@pytest.mark.parametrize("status", [CohortStatus.DRAFT, CohortStatus.OPEN, CohortStatus.CLOSED], ids=str)
def test_a_class_that_is_neither_running_nor_finished_takes_no_results(check, make, status):
    other = make.cohort(status=status)
    db.session.commit()
    with pytest.raises(ImportRefused) as refused:
        check([], cohort=other)
    assert str(refused.value).startswith(f"Results are imported into a running or finished class; {other.code} is")


def test_a_sheet_without_a_certificate_number_or_date_column_is_refused_whole(check, graduates):
    headers = {"name": "姓名", "id_number": "身份证号", "level": "等级"}
    with pytest.raises(ImportRefused) as refused:
        check([result_for(graduates[0])], headers=headers)
    assert str(refused.value) == "The sheet has no column 证书编号、发证日期."


def test_a_sheet_of_more_rows_than_one_exam_is_refused_whole(check, graduates, monkeypatch):
    monkeypatch.setattr(results_import, "MAX_RESULT_ROWS", 2)
    with pytest.raises(ImportRefused) as refused:
        check([result_for(e) for e in graduates])
    assert "more than 2 rows" in str(refused.value)


def test_the_fingerprint_changes_when_a_number_is_recorded_meanwhile(check, make, graduates):
    rows = [result_for(e) for e in graduates]
    before = check(rows).fingerprint
    make.external_certificate(graduates[1], number=rows[1]["number"])
    db.session.commit()
    assert check(rows).fingerprint != before


def test_the_fingerprint_is_the_same_for_the_same_sheet_and_records(check, graduates):
    rows = [result_for(e) for e in graduates]
    assert check(rows).fingerprint == check(rows).fingerprint
