"""A placement's evidence files, on the placement's page: upload (its type and size checked by
training/files.py), download, removal. Its own blueprint beside placement's, so the job pages
stay as they are: the panel is included by templates/placement/show.html.

Who: the coordinators and admins who see the trainee (the placement pages' scope) upload, download
and remove; the trainee downloads their own; trainers nothing.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from training import files
from training.choices import choices
from training.errors import render_error, when_too_large
from training.extensions import db
from training.labels import EVIDENCE_KINDS
from training.models import Placement, PlacementEvidence, Role
from training.permissions import deny, require_trainee, roles_required
from training.placement import evidence
from training.upload_field import EvidenceField

bp = Blueprint("placement_evidence", __name__)
STAFF = (Role.COORDINATOR, Role.ADMIN)


class EvidenceForm(FlaskForm):
    kind = SelectField(
        _l("What the file is"),
        choices=choices([("", _l("Choose…")), *EVIDENCE_KINDS.items()]),
        validators=[DataRequired(_l("Choose what the file is."))],
    )
    file = EvidenceField(_l("File (PDF, JPEG or PNG)"), validators=[FileRequired(_l("Choose the file."))])


class DeleteEvidenceForm(FlaskForm):
    reason = StringField(
        _l("Why it is removed"),
        validators=[DataRequired(_l("Say why the file is removed.")), Length(max=200)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )


@bp.app_template_global()
def placement_evidence_panel(placement: Placement) -> dict:
    """The evidence panel of a placement's page (templates/placement/_evidence.html)."""
    form = EvidenceForm(formdata=None, kind=request.args.get("evidence_kind", ""))
    return {"rows": evidence.placement_evidence(placement.id), "form": form, "delete_form": DeleteEvidenceForm()}


def _placement_page(placement_id: int, **args):
    return redirect(url_for("placement.show", placement_id=placement_id, **args, _anchor="evidence"))


@bp.post("/placements/<int:placement_id>/evidence")
@roles_required(*STAFF)
def upload(placement_id: int):
    placement = db.get_or_404(Placement, placement_id)
    require_trainee(placement.trainee_id)
    form = EvidenceForm()
    if not form.validate_on_submit() or form.file.checked is None:
        for error in form.kind.errors + form.file.errors or [_("Choose what the file is, and the file.")]:
            flash(str(error), "danger")
        return _placement_page(placement.id, evidence_kind=form.kind.data or "")
    try:
        added = evidence.add_evidence(placement, form.kind.data, form.file.checked, user_id=current_user.id)
    except evidence.EvidenceRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "danger")
        return _placement_page(placement.id, evidence_kind=form.kind.data)
    db.session.commit()
    flash(_("%(name)s was added to the evidence of this job.", name=added.filename), "success")
    return _placement_page(placement.id)


@when_too_large("placement_evidence.upload")
def _upload_too_large(fields):
    return render_error(413, detail=files.too_large_words())[0]


def _evidence_in_scope(evidence_id: int) -> PlacementEvidence:
    """The evidence, if the user sees its trainee (a trainee: their own); else 404 / 403."""
    record = db.get_or_404(PlacementEvidence, evidence_id)
    trainee_id = record.placement.trainee_id
    if current_user.role == Role.TRAINEE and current_user.trainee_id != trainee_id:
        deny("placement_evidence", evidence_id)
    elif current_user.role != Role.TRAINEE:
        require_trainee(trainee_id)
    return record


@bp.get("/placement-evidence/<int:evidence_id>")
@roles_required(*STAFF, Role.TRAINEE)
def download(evidence_id: int):
    record = _evidence_in_scope(evidence_id)
    return files.send_evidence(record.sha256, record.content_type, record.filename)


@bp.post("/placement-evidence/<int:evidence_id>/delete")
@roles_required(*STAFF)
def delete(evidence_id: int):
    record = _evidence_in_scope(evidence_id)
    form = DeleteEvidenceForm()
    placement_id, name = record.placement_id, record.filename
    if not form.validate_on_submit():
        flash(_("Say why %(name)s is removed; nothing was removed.", name=name), "danger")
        return _placement_page(placement_id)
    assert form.reason.data is not None  # DataRequired
    evidence.delete_evidence(record, form.reason.data, user_id=current_user.id)
    db.session.commit()
    flash(_("%(name)s was removed from the evidence of this job.", name=name), "info")
    return _placement_page(placement_id)
