"""`flask --app app standards import FILE [--commit] [--json]`: preview the province's catalogue, or commit it."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from training import audit
from training.extensions import db
from training.sheets import ImportRefused
from training.standards import checking, committing

standards_cli = AppGroup("standards", help="The catalogue of subsidy standards (培训需求目录).")


@standards_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--commit", "do_commit", is_flag=True, help="Write the rows (default: only show the preview).")
@click.option("--json", "as_json", is_flag=True, help="Print the preview (and the result) as JSON.")
def import_standards(file: Path, do_commit: bool, as_json: bool) -> None:
    """Check a catalogue of standards (.xlsx or .csv) and print what importing it would do.

    With --commit, every row is written in one transaction, or none: if any row has an
    error, nothing is written. Exit status: 0 when the file has no errors (and, with
    --commit, was imported); 1 when rows have errors, the file cannot be read or the commit
    was refused (nothing written); 2 on wrong usage.
    """
    audit.set_actor(None, "command line", None)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            plan = checking.preview(file)
        except ImportRefused as refusal:
            _report(as_json, {"file": str(file), "refused": str(refusal), "committed": False}, str(refusal), err=True)
            raise SystemExit(1) from None
        summary = _summary(file, plan)
        if do_commit and not plan.of("error"):
            summary.update(_commit(plan, file.name))
        summary.setdefault("committed", False)
        _report(as_json, summary, _text(summary, do_commit))
        if plan.of("error") or "refused" in summary:
            raise SystemExit(1)


def _commit(plan: checking.Preview, filename: str) -> dict:
    """Step 2 in its own transaction: {"committed", "result"} or {"refused"}; rolled back on any failure."""
    try:
        result = committing.apply(plan, filename=filename)
        db.session.commit()
    except ImportRefused as refusal:
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
                "occupation": row.details.occupation,
                "level": row.details.level,
                "training_type": row.details.training_type,
                "yuan": str(row.details.yuan),
                "min_hours": row.details.min_hours,
                "valid_from": row.details.valid_from.isoformat(),
                "valid_to": row.details.valid_to.isoformat() if row.details.valid_to else None,
            }
            for row in plan.rows
            if row.details and row.action != "error"
        ],
    }


def _text(summary: dict, do_commit: bool) -> str:
    counts = summary["counts"]
    lines = [
        f"{summary['file']}: {counts['total']} rows — new {counts['create']}, update {counts['update']}, "
        f"unchanged {counts['skip']}, errors {counts['error']}"
    ]
    lines += [f"  row {e['row']}, {e['column']}: {e['reason']}" for e in summary["errors"]]
    if "refused" in summary:
        lines.append(f"Refused, nothing was imported: {summary['refused']}")
    elif summary.get("committed"):
        result = summary["result"]
        lines.append(f"Imported: {result['created']} new, {result['updated']} updated, {result['skipped']} unchanged")
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
