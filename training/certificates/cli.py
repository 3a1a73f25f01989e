"""`flask --app app certificates issue | revoke | verify | rotate-key`."""

from __future__ import annotations

import sys
import urllib.parse
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from training import audit
from training.certificates import qr, services, signing, storage, verification
from training.certificates.services import REVOKE_CATEGORIES, CertificateRefused
from training.extensions import db
from training.jobs import services as job_services
from training.models import Cohort, Job

certificates_cli = AppGroup("certificates", help="Certificates: issue, revoke, verify a PDF, rotate the signing key.")


def _locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@certificates_cli.command("issue")
@click.option("--cohort", "cohort_code", required=True, help="Code of a finished or closed cohort, e.g. ZY-2026-01.")
def issue(cohort_code: str) -> None:
    """Issue certificates to everyone who completed the cohort and has none (the job, run here)."""
    audit.set_actor(None, "command line", None)
    cohort = db.session.scalar(select(Cohort).where(Cohort.code == cohort_code))
    if cohort is None:
        raise click.BadParameter(f"no cohort with code {cohort_code}", param_hint="--cohort")
    with force_locale(_locale()):
        try:
            job = services.start_issuing(cohort, None, None, _locale())
        except CertificateRefused as refusal:
            click.echo(str(refusal))
            return
        db.session.commit()
        failures, result = run_with_progress(job)
    for failure in failures:
        click.echo(f"  failed: {failure['item']}: {failure['reason']}", err=True)
    click.echo(f"issued {result['issued']}, skipped {result['skipped']} (already had one), failed {result['failed']}")
    if failures:
        sys.exit(1)


def run_with_progress(job: Job) -> tuple[list[dict], dict]:
    """The job, run in this process by the queue's own runner (claim, heartbeat, a commit per
    batch), with a progress bar."""
    failures, result = [], {}

    with click.progressbar(length=job.total, label=f"{job.total} certificates", file=sys.stderr) as bar:

        def progressed(step: job_services.Step) -> None:
            failures.extend(step.failures)
            result.update(step.result or {})
            bar.update(step.done)

        job_services.run(job.id, on_step=progressed)
    if not result:
        raise click.ClickException("the job did not finish here: see its page, or run the command again")
    return failures, result


@certificates_cli.command("revoke")
@click.argument("serial")
@click.option("--reason", required=True, help="Why, in words; kept in the record and the audit log.")
@click.option("--category", type=click.Choice(list(REVOKE_CATEGORIES)), default="other", show_default=True)
def revoke(serial: str, reason: str, category: str) -> None:
    """Revoke a certificate: its QR code says so from now on."""
    audit.set_actor(None, "command line", None)
    certificate = services.certificate_by_serial(serial)
    if certificate is None:
        raise click.ClickException(f"no certificate {serial}")
    with force_locale(_locale()):
        try:
            services.revoke(certificate.id, category, reason, None)
        except CertificateRefused as refusal:
            db.session.rollback()
            raise click.ClickException(str(refusal)) from None
    db.session.commit()
    click.echo(f"revoked {serial} ({category})")


@certificates_cli.command("rotate-key")
def rotate_key() -> None:
    """Make a new signing key; the old public key stays published, retired."""
    audit.set_actor(None, "command line", None)
    old, new = signing.rotate_key()
    audit.record("signing_key_rotated", "signing_key", new.key_id, before={"key_id": old}, after={"key_id": new.key_id})
    db.session.commit()
    click.echo(f"new signing key {new.key_id}" + (f"; {old} retired" if old else ""))


@certificates_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(file: Path) -> None:
    """Read the QR code of a certificate PDF and check it against the records and the signature.

    Exit status 0 only when the certificate is valid, its signature verifies and the file
    is the one that was issued.
    """
    problems, lines = check_file(file.read_bytes())
    for line in lines:
        click.echo(line)
    click.echo("VALID" if not problems else "NOT VALID: " + "; ".join(problems))
    sys.exit(0 if not problems else 1)


def check_file(data: bytes) -> tuple[list[str], list[str]]:
    """(problems, report lines) for a certificate PDF; no problems means valid."""
    try:
        texts = qr.qr_texts(data)
    except Exception as error:  # not a PDF, or one pdfium cannot open
        return [f"cannot read the PDF ({type(error).__name__})"], []
    if not texts:
        return ["no QR code found"], []
    url = urllib.parse.urlsplit(texts[0])
    lines = [f"QR code: {texts[0]}"]
    base = urllib.parse.urlsplit(current_app.config["PUBLIC_BASE_URL"])
    serial = url.path.rstrip("/").rpartition("/")[2]
    token = urllib.parse.parse_qs(url.query).get("t", [""])[0]
    if (url.scheme, url.netloc) != (base.scheme, base.netloc) or not url.path.startswith(
        base.path.rstrip("/") + "/verify/"
    ):
        return ["the QR code does not point at this site's verification page"], lines
    found = verification.by_token(serial, token)
    if found is None:
        return ["unknown certificate (no such serial, or a wrong token)"], lines
    c, s = found.certificate, found.snapshot
    lines += [
        f"serial: {c.serial}",
        f"name: {s['name']}",
        f"course: {s['course']} ({s['level']}), {s['hours']} hours",
        f"dates: {s['start_date']} – {s['end_date']}",
        f"issuer: {s['issuer']}, issued on {s['issued_on']}",
        f"status: {c.status}",
        f"payload version: {s.get('v', 1)}",
        f"signature: {'verified' if found.signature_ok else 'DOES NOT VERIFY'} (key {c.key_id})",
    ]
    problems = []
    if c.status == "revoked":
        problems.append(f"revoked on {c.revoked_at:%Y-%m-%d} ({c.revoke_category})")
    elif c.status == "superseded":
        problems.append(f"superseded by {found.superseded_by}")
    if not found.signature_ok:
        problems.append("the signature does not verify")
    same_file = storage.sha256(data) == c.pdf_sha256
    lines.append(f"file: {'identical to the issued PDF' if same_file else 'DIFFERS from the issued PDF'}")
    if not same_file:
        problems.append("the file is not the PDF that was issued")
    return problems, lines
