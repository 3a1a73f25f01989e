"""`flask --app app claims prepare --cohort CODE`: a cohort's subsidy claim from the command line,
for staff: each line (name, masked ID number, eligible or not, the reasons, the amount), then the
figures that chose the tier (employed ÷ completed on the measuring date), the tier and the total.
Without --commit it only previews; with --commit (and --as, the coordinator preparing it) it
writes the draft claim."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from training import audit
from training.claims import reasons, services
from training.claims.export_cli import export_command
from training.claims.services import ClaimPreview, ClaimRefused
from training.extensions import db
from training.identity import mask_id_number
from training.localtime import local_today
from training.models import Cohort, User

claims_cli = AppGroup("claims", help="Subsidy claims: prepare a cohort's claim, export its documents.")
claims_cli.add_command(export_command)


@claims_cli.command("prepare")
@click.option("--cohort", "cohort_code", required=True, help="Code of a finished or closed cohort, e.g. ZY-2026-01.")
@click.option("--json", "as_json", is_flag=True, help="Print the claim as JSON.")
@click.option("--commit", "do_commit", is_flag=True, help="Write the draft claim (default: only show the preview).")
@click.option("--as", "username", default=None, help="The coordinator preparing it (needed with --commit).")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Judge as on this day (YYYY-MM-DD)."
)
def prepare(cohort_code: str, as_json: bool, do_commit: bool, username: str | None, today) -> None:
    """Judge every line of the cohort's claim and print it; --commit writes it as a draft.

    Exit status: 0 when previewed (or, with --commit, written); 1 when the claim is refused
    (nothing written); 2 on wrong usage.
    """
    audit.set_actor(None, "command line", None)
    cohort = db.session.scalar(select(Cohort).where(Cohort.code == cohort_code.strip()))
    if cohort is None:
        raise click.BadParameter(f"no cohort with code {cohort_code}", param_hint="--cohort")
    user = None
    if do_commit:
        if not username:
            raise click.BadParameter("--commit needs --as USERNAME, the coordinator preparing the claim")
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.BadParameter(f"no account {username}", param_hint="--as")
    day = today.date() if today else local_today()
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            preview = services.preview(cohort.id, today=day)
            claim_id = None
            if user is not None:
                claim_id = services.prepare(cohort.id, user_id=user.id, today=day).id
                db.session.commit()
        except ClaimRefused as refusal:
            db.session.rollback()
            if as_json:
                click.echo(json.dumps({"cohort": cohort_code, "refused": str(refusal)}, ensure_ascii=False, indent=2))
            else:
                click.echo(f"Refused: {refusal}", err=True)
            raise SystemExit(1) from None
        summary = _summary(preview, claim_id)
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2) if as_json else _text(summary))


def _summary(preview: ClaimPreview, claim_id: int | None) -> dict:
    return {
        "cohort": preview.cohort_code,
        "measured_on": preview.measured_on.isoformat(),
        "completed": preview.completed_count,
        "employed": preview.employed_count,
        "rate_pct": None if preview.rate is None else str(preview.rate),
        "tier_pct": preview.tier_pct,
        "standard_yuan": str(preview.standard_yuan),
        "total_yuan": str(preview.total_yuan),
        "eligible": preview.eligible_count,
        "lines": [
            {
                "position": line.position,
                "enrollment_id": line.enrollment_id,
                "name": line.snapshot["name"],
                "id_number": mask_id_number(line.snapshot["id_number"]),
                "eligible": line.eligible,
                "reasons": [{**reason, "text": reasons.describe(reason)} for reason in line.reasons],
                "amount_yuan": str(line.amount_yuan),
            }
            for line in preview.lines
        ],
        "standing_claim_id": preview.standing_claim_id,
        "committed": claim_id is not None,
        "claim_id": claim_id,
    }


def _text(summary: dict) -> str:
    out = [f"Claim of {summary['cohort']}: {len(summary['lines'])} subsidised trainees, {summary['eligible']} eligible"]
    for line in summary["lines"]:
        verdict = "eligible" if line["eligible"] else "not eligible"
        out.append(f"{line['position']:>4}  {line['name']}  {line['id_number']}  {verdict}  {line['amount_yuan']}")
        out += [f"        - {reason['text']}" for reason in line["reasons"]]
    rate = "no one completed" if summary["rate_pct"] is None else f"{summary['rate_pct']} %"
    out.append(
        f"Employment rate on {summary['measured_on']}: {summary['employed']} employed ÷ {summary['completed']} "
        f"completed = {rate}; tier {summary['tier_pct']} % of {summary['standard_yuan']} yuan"
    )
    out.append(f"Total: {summary['total_yuan']} yuan")
    if summary["committed"]:
        out.append(f"Written: draft claim No. {summary['claim_id']}.")
    else:
        if summary["standing_claim_id"]:
            out.append(f"The class already has claim No. {summary['standing_claim_id']}, which stands.")
        out.append("Preview only: run again with --commit --as USERNAME to write the draft claim.")
    return "\n".join(out)
