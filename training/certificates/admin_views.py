"""Admin: the issuing authority's seal image printed on certificates, and the published signing keys."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from training import audit, navigation
from training.certificates import signing, storage
from training.certificates.forms import ConfirmForm, SealForm
from training.errors import too_large_message, when_too_large
from training.extensions import db
from training.models import Role
from training.permissions import roles_required

bp = Blueprint("certificate_admin", __name__, url_prefix="/admin")
navigation.add([Role.ADMIN], "certificate_admin.seal", _l("Certificates"), order=92)


@bp.route("/seal", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def seal():
    form = SealForm()
    if form.validate_on_submit():
        try:
            storage.save_seal(form.image.data.read())
        except storage.SealRejected:
            form.image.errors.append(_("This file is not a PNG or JPEG image that can be read."))
        else:
            audit.record("seal_uploaded", "certificate_seal", after={"filename": form.image.data.filename[:100]})
            db.session.commit()
            flash(_("The seal image is saved. Certificates issued from now on carry it."), "success")
            return redirect(url_for("certificate_admin.seal"))
    return _seal_page(form)


def _seal_page(form: SealForm):
    return render_template(
        "certificates/seal.html",
        form=form,
        remove_form=ConfirmForm(),
        seal_src=storage.seal_data_uri(),
        keys=signing.published_keys(),
        issuer=current_app.config["ISSUING_AUTHORITY"],
    )


@when_too_large("certificate_admin.seal")
def _seal_too_large(fields):
    """The seal page again, saying why the image was refused, instead of a bare error page."""
    form = SealForm(formdata=fields)
    form.image.errors = [
        too_large_message(_l("Save the scan at a lower resolution (a seal needs well under 1 MB) and upload it again."))
    ]
    return _seal_page(form)


@bp.post("/seal/remove")
@roles_required(Role.ADMIN)
def remove_seal():
    if ConfirmForm().validate_on_submit() and storage.remove_seal():
        audit.record("seal_removed", "certificate_seal")
        db.session.commit()
        flash(
            _("The seal image is removed. Certificates show a neutral placeholder until a new one is uploaded."), "info"
        )
    return redirect(url_for("certificate_admin.seal"))
