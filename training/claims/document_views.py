"""A claim's documents and evidence pack on the web (blueprint "claim_documents", under /claims): the
page that lists them, each document as a download, the pack built in the background and its download.

Who: county coordinators their county's claims; city coordinators, admins and reviewers all;
trainers and trainees none. Reading a document with full ID numbers (the .xlsx roster, the pack)
is audited. The public notice's PDF reached by its token, without signing in, is the notice page's
(documents.notice_pdf takes the claim)."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from training import audit
from training.claims import documents, pack, pack_job
from training.claims.access import can_see_claim
from training.extensions import db
from training.jobs.views import way_back
from training.jobs.worker import enqueue
from training.localtime import local_today
from training.models import Claim, Job, Role
from training.permissions import deny, roles_required
from training.web import client_ip

bp = Blueprint("claim_documents", __name__, url_prefix="/claims")
READERS = (Role.ADMIN, Role.COORDINATOR, Role.REVIEWER)
LABELS = {
    "roster.xlsx": _l("Subsidy roster (.xlsx, full ID numbers, for the payer)"),
    "roster.pdf": _l("Subsidy roster (PDF, ID numbers masked)"),
    "notice.pdf": _l("Public notice list (PDF, names and ID numbers masked)"),
    "review.pdf": _l("Review report (PDF)"),
}


class PackForm(FlaskForm):
    """Build the evidence pack: nothing to fill in but the CSRF token."""


def require_claim(claim_id: int) -> Claim:
    """The claim with what its documents read, if the current user may see it (access.can_see_claim,
    the claim pages' rule); else 404 / 403."""
    claim = pack_job.load_claim(claim_id)
    if claim is None:
        abort(404)
    if not can_see_claim(current_user, claim):
        deny("claim", claim_id)
    return claim


@way_back(pack_job.KIND)
def _back_to_documents(job: Job) -> tuple[str, str]:
    return url_for("claim_documents.index", claim_id=job.params["claim_id"]), _("Back to the claim's documents")


def _download(content: bytes | Path, name: str, mimetype: str):
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    response = send_file(source, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:claim_id>/documents")
@roles_required(*READERS)
def index(claim_id: int):
    claim = require_claim(claim_id)
    return render_template(
        "claims/documents/page.html",
        claim=claim,
        documents=[(name, LABELS[name]) for name in documents.available(claim)],
        review_waits="review.pdf" not in documents.available(claim),
        ready=pack.ready_pack(claim.id),
        job=pack_job.current_job(claim.id),
        form=PackForm(),
    )


@bp.get("/<int:claim_id>/documents/<name>")
@roles_required(*READERS)
def document(claim_id: int, name: str):
    claim = require_claim(claim_id)
    if name not in documents.DOCUMENTS:
        abort(404)
    try:
        content = documents.render(claim, name, local_today())
    except documents.DocumentNotReady:
        flash(_("The review report is made once the claim is approved."), "warning")
        return redirect(url_for(".index", claim_id=claim.id))
    if name in documents.FULL_ID_DOCUMENTS:
        audit.record("claim_document_downloaded", "claim", claim.id, after={"document": name})
        db.session.commit()
    return _download(content, documents.file_name(claim, name), documents.DOCUMENTS[name][1])


@bp.post("/<int:claim_id>/pack")
@roles_required(*READERS)
def start_pack(claim_id: int):
    claim = require_claim(claim_id)
    if not PackForm().validate_on_submit():
        abort(400)
    job, new = pack_job.start(claim, current_user, str(get_locale()), client_ip())
    db.session.commit()
    if new:
        enqueue(job.id)
    if job.created_by_id == current_user.id:
        return redirect(url_for("jobs.show", job_id=job.id))
    flash(_("The evidence pack is being built already; it is offered here once it is complete."), "info")
    return redirect(url_for(".index", claim_id=claim.id))


@bp.get("/<int:claim_id>/pack.zip")
@roles_required(*READERS)
def pack_download(claim_id: int):
    claim = require_claim(claim_id)
    ready = pack.ready_pack(claim.id)
    if ready is None:
        flash(_("The evidence pack has not been built yet."), "warning")
        return redirect(url_for(".index", claim_id=claim.id))
    audit.record("claim_document_downloaded", "claim", claim.id, after={"document": "pack.zip"})
    db.session.commit()
    # A rebuild meanwhile replaces the file whole (pack.py): what is sent is one complete pack or the other.
    return _download(ready.path, f"{pack.folder_of(claim)}.zip", "application/zip")
