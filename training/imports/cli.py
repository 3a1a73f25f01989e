"""`flask --app app trainees import FILE`: preview a county roster, or commit it, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from training import audit
from training.extensions import db
from training.identity import mask_id_number
from training.imports import checking, committing, sheets
from training.models import Cohort, County

trainees_cli = AppGroup("trainees", help="The trainee registry.")


@trainees_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--commit", "do_commit", is_flag=True, help="Write the rows (default: only show the preview).")
@click.option("--cohort", "cohort_code", default=None, help="Enroll the imported trainees into this cohort (its code).")
@click.option(
    "--county", "county_code", default=None, help="Region code of the county of rows that name none, e.g. 610924."
)
@click.option("--json", "as_json", is_flag=True, help="Print the preview (and the result) as JSON.")
def import_trainees(
    file: Path, do_commit: bool, cohort_code: str | None, county_code: str | None, as_json: bool
) -> None:
    """Check a roster (.xlsx or .csv) and print what importing it would do.

    With --commit, the rows are written in one transaction: every valid row or none.
    If any row has an error, --commit writes nothing: fix the rows and run it again.
    Created and matched trainees are enrolled into --cohort in the same transaction;
    a refusal for any of them writes nothing.

    Exit status: 0 when the file has no errors (and, with --commit, was imported);
    1 when rows have errors, the file cannot be read or the commit was refused
    (nothing written); 2 on wrong usage.
    """
    audit.set_actor(None, "command line", None)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if county_code and db.session.get(County, county_code) is None:
            raise click.BadParameter(f"unknown county code {county_code}", param_hint="--county")
        cohort = None
        if cohort_code:
            cohort = db.session.scalar(select(Cohort).where(Cohort.code == cohort_code))
            if cohort is None:
                raise click.BadParameter(f"no cohort with code {cohort_code}", param_hint="--cohort")
        try:
            plan = checking.preview(file, checking.ImportScope(default_county=county_code))
        except sheets.ImportRefused as refusal:
            _report(as_json, {"file": str(file), "refused": str(refusal), "committed": False}, str(refusal), err=True)
            raise SystemExit(1) from None
        summary = _summary(file, plan)
        if do_commit and not plan.of("error"):
            summary.update(_commit(plan, cohort, file.name))
        summary.setdefault("committed", False)
        _report(as_json, summary, _text(summary, do_commit))
        if plan.of("error") or "refused" in summary:
            raise SystemExit(1)


def _commit(plan: checking.Preview, cohort: Cohort | None, filename: str) -> dict:
    """Step 2 in its own transaction: {"committed", "result"} or {"refused"}; rolled back on any failure."""
    try:
        result = committing.apply(plan, cohort=cohort, filename=filename)
        db.session.commit()
    except sheets.ImportRefused as refusal:
        db.session.rollback()
        return {"refused": str(refusal)}
    except BaseException:
        db.session.rollback()
        raise
    return {"committed": True, "result": vars(result)}


def _summary(file: Path, plan: checking.Preview) -> dict:
    return {
        "file": str(file),
        "counts": plan.counts,
        "errors": [
            {"row": row.row, "column": column, "reason": reason}
            for row in plan.of("error")
            for column, reason in row.errors
        ],
        "rows": [
            {
                "row": row.row,
                "action": row.action,
                "name": row.data.name,
                "id_number": mask_id_number(row.data.id_number),
            }
            for row in plan.rows
            if row.data
        ],
    }


def _text(summary: dict, do_commit: bool) -> str:
    counts = summary["counts"]
    lines = [
        f"{summary['file']}: {counts['total']} rows — create {counts['create']}, update {counts['update']}, "
        f"unchanged {counts['skip']}, errors {counts['error']}"
    ]
    lines += [f"  row {e['row']}, {e['column']}: {e['reason']}" for e in summary["errors"]]
    if "refused" in summary:
        lines.append(f"Refused, nothing was imported: {summary['refused']}")
    elif summary.get("committed"):
        result = summary["result"]
        lines.append(
            f"Imported: {result['created']} created, {result['updated']} updated, {result['skipped']} unchanged"
            + (
                f"; {result['enrolled']} enrolled, {result['waitlisted']} waitlisted in {result['cohort_code']}"
                if result["cohort_code"]
                else ""
            )
        )
    elif do_commit:
        lines.append("Nothing was imported: fix the rows in error and run the command again.")
    else:
        lines.append("Preview only: run again with --commit to import.")
    return "\n".join(lines)


def _report(as_json: bool, summary: dict, text: str, err: bool = False) -> None:
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(text, err=err)
