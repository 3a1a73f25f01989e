"""`flask trainees import FILE`: the preview on the terminal, --commit, --json, --cohort, exit statuses."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.support.import_sheets import csv_file, fail_after_the_trainees_are_written, person, workbook
from training.extensions import db
from training.imports.cli import trainees_cli
from training.models import AuditEvent, CohortStatus, Enrollment, EnrollmentStatus, Trainee


@pytest.fixture
def run(app, runner, tmp_path):
    """run(people or bytes, *options) → the click result of `trainees import FILE *options`."""
    if "trainees" not in app.cli.commands:
        app.cli.add_command(trainees_cli)
    app.config["BABEL_DEFAULT_LOCALE"] = "en"

    def invoke(rows, *options, name="roster.xlsx"):
        path = tmp_path / name
        path.write_bytes(rows if isinstance(rows, bytes) else workbook(rows))
        return runner.invoke(args=["trainees", "import", str(path), *options])

    return invoke


def trainees() -> int:
    return db.session.scalar(select(func.count()).select_from(Trainee))


def test_the_preview_prints_counts_and_each_error_with_row_column_and_reason_and_writes_nothing(run):
    result = run([person(), person(phone="555"), person(county="北京市")])
    assert result.exit_code == 1
    assert "3 rows — create 1, update 0, unchanged 0, errors 2" in result.output
    assert "row 4, 联系电话: A mobile number has 11 digits and starts with 1." in result.output
    assert "row 5, 区县: Unknown county 北京市" in result.output
    assert trainees() == 0


def test_a_clean_preview_exits_zero_and_says_how_to_commit(run):
    result = run([person(), person()])
    assert result.exit_code == 0, result.output
    assert "--commit" in result.output
    assert trainees() == 0


def test_commit_writes_every_row_and_exits_zero(run):
    result = run([person(), person()], "--commit")
    assert result.exit_code == 0, result.output
    assert "Imported: 2 created" in result.output
    assert trainees() == 2
    assert (
        db.session.scalar(select(AuditEvent.actor_name).where(AuditEvent.action == "trainees_imported"))
        == "command line"
    )


def test_commit_with_errors_in_the_file_writes_nothing_and_exits_one(run):
    result = run([person(), person(phone="555")], "--commit")
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output
    assert trainees() == 0


def test_json_output_carries_counts_errors_and_masked_id_numbers_only(run):
    someone = person()
    result = run([someone, person(phone="555")], "--json")
    summary = json.loads(result.output)
    assert result.exit_code == 1
    assert summary["counts"] == {"create": 1, "update": 0, "skip": 0, "error": 1, "total": 2}
    assert summary["errors"] == [
        {"row": 4, "column": "联系电话", "reason": "A mobile number has 11 digits and starts with 1."}
    ]
    assert summary["committed"] is False
    assert someone["id_number"] not in result.output
    assert summary["rows"][0]["id_number"] == someone["id_number"][:6] + "********" + someone["id_number"][-4:]


def test_json_output_after_a_commit_carries_the_result(run):
    summary = json.loads(run([person()], "--commit", "--json").output)
    assert summary["committed"] is True and summary["result"]["created"] == 1


def test_the_county_option_fills_rows_that_name_none(run):
    assert run([person(county=None)], "--commit", "--county", "610902").exit_code == 0
    assert db.session.scalar(select(Trainee.county_code)) == "610902"


def test_without_county_option_a_row_naming_no_county_is_an_error(run):
    result = run(csv_file([person(county="")]), name="r.csv")
    assert result.exit_code == 1 and "The county is missing" in result.output


def test_cohort_option_enrolls_the_imported_people(run, make):
    cohort = make.cohort(status=CohortStatus.OPEN, capacity=5)
    db.session.commit()
    result = run([person(), person()], "--commit", "--cohort", cohort.code)
    assert result.exit_code == 0, result.output
    assert f"2 enrolled, 0 waitlisted in {cohort.code}" in result.output
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 2


def test_an_enrollment_refusal_writes_nothing_and_exits_one(run, make):
    cohort = make.cohort(status=CohortStatus.OPEN)
    done = make.trainee(name="赵已培训")
    earlier = make.cohort(course=cohort.course, start_date=cohort.start_date.replace(year=2023))
    make.enrollment(trainee=done, cohort=earlier, status=EnrollmentStatus.COMPLETED)
    db.session.commit()
    result = run([person(), person(id_number=done.id_number, name="赵已培训")], "--commit", "--cohort", cohort.code)
    assert result.exit_code == 1
    assert "Refused, nothing was imported: Row 4 (赵已培训)" in result.output
    assert trainees() == 1


def test_a_failure_midway_through_commit_rolls_everything_back(run, monkeypatch):
    written = fail_after_the_trainees_are_written(monkeypatch)
    result = run([person() for _ in range(4)], "--commit")
    assert isinstance(result.exception, RuntimeError)
    assert result.exit_code != 0
    assert written == [4]
    assert trainees() == 0


@pytest.mark.parametrize("option", [["--cohort", "NO-SUCH"], ["--county", "999999"]])
def test_unknown_cohort_or_county_is_a_usage_error(run, option):
    assert run([person()], *option).exit_code == 2


def test_a_file_that_cannot_be_read_exits_one_with_the_reason(run):
    result = run(b"\x89PNG\r\n\x1a\n\x00\x00\x00", name="photo.xlsx")
    assert result.exit_code == 1
    assert "not a spreadsheet" in result.output


def test_help_explains_that_errors_mean_nothing_is_written(app, runner):
    if "trainees" not in app.cli.commands:
        app.cli.add_command(trainees_cli)
    output = runner.invoke(args=["trainees", "import", "--help"]).output
    assert "--commit writes nothing" in output
    assert "Exit status" in output
