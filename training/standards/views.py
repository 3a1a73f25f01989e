"""The catalogue of subsidy standards: coordinators read it; admins and city coordinators keep it, by hand
or from the province's sheet (upload, preview, commit all or nothing)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from training import permissions
from training.errors import too_large_message, when_too_large
from training.exceptions import DomainError
from training.extensions import db
from training.localtime import local_today
from training.models import Role, SubsidyStandard
from training.permissions import roles_required
from training.sheets import ImportRefused
from training.standards import checking, committing, services, template
from training.standards.forms import ActionForm, CatalogueFilterForm, CommitForm, ImportForm, StandardForm
from training.uploads import Upload, UploadFolder

bp = Blueprint("standards", __name__, url_prefix="/standards")
READERS = (Role.COORDINATOR, Role.ADMIN)
UPLOADS = UploadFolder("standard-imports", Upload)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_keep(standard_id: int | None = None) -> None:
    """Admins and city-level coordinators keep the catalogue; county coordinators only read it."""
    if not permissions.sees_everything(current_user):
        permissions.deny("subsidy_standard", standard_id)


def _standard_for_keeping(standard_id: int) -> SubsidyStandard:
    _may_keep(standard_id)
    return db.get_or_404(SubsidyStandard, standard_id)


# ---- the catalogue ---------------------------------------------------------------------------


@bp.get("/")
@roles_required(*READERS)
def index():
    filters = CatalogueFilterForm(request.args)
    today = local_today()
    query = services.catalogue_query(
        filters.q.data, filters.training_type.data or None, today if filters.current.data else None
    )
    page = db.paginate(query, per_page=50)
    params = {"q": filters.q.data or "", "training_type": filters.training_type.data or ""}
    if filters.current.data:
        params["current"] = "y"
    return render_template(
        "standards/index.html",
        page=page,
        filters=filters,
        params=params,
        today=today,
        frozen=services.frozen_by([standard.id for standard in page.items]),
        can_keep=permissions.sees_everything(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*READERS)
def create():
    _may_keep()
    form = StandardForm()
    if form.validate_on_submit():
        try:
            standard = services.create_standard(form.details())
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Standard saved: %(standard)s.", standard=_describe(standard)), "success")
            return redirect(url_for(".index"))
    return render_template("standards/form.html", form=form, standard=None)


@bp.route("/<int:standard_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def edit(standard_id: int):
    standard = _standard_for_keeping(standard_id)
    form = StandardForm(obj=standard)
    if form.validate_on_submit():
        try:
            services.update_standard(standard, form.details())
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Standard saved: %(standard)s.", standard=_describe(standard)), "success")
            return redirect(url_for(".index"))
    frozen = services.frozen_by([standard.id]).get(standard.id, 0)
    return render_template("standards/form.html", form=form, standard=standard, frozen=frozen)


@bp.post("/<int:standard_id>/delete")
@roles_required(*READERS)
def delete(standard_id: int):
    standard = _standard_for_keeping(standard_id)
    if ActionForm().validate_on_submit():
        described = _describe(standard)
        try:
            services.delete_standard(standard)
        except DomainError as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
            return redirect(url_for(".edit", standard_id=standard_id))
        db.session.commit()
        flash(_("Standard deleted: %(standard)s.", standard=described), "success")
    return redirect(url_for(".index"))


def _describe(standard: SubsidyStandard) -> str:
    return services.describe(standard.occupation, standard.level, standard.training_type)


# ---- importing the province's sheet ----------------------------------------------------------


def _upload_or_404(token: str) -> Upload:
    upload = UPLOADS.find(token, current_user.id)
    if upload is None or upload.committed:
        abort(404)
    return upload


def _preview_page(upload: Upload, plan=None, refusal: str | None = None):
    if plan is None:
        try:
            plan = checking.preview(upload.path)
        except ImportRefused as problem:
            UPLOADS.discard(upload)
            return render_template("standards/import_refused.html", message=str(problem))
    form = CommitForm(formdata=None, fingerprint=plan.fingerprint)
    return render_template("standards/import_preview.html", plan=plan, form=form, upload=upload, refusal=refusal)


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*READERS)
def upload():
    _may_keep()
    form = ImportForm()
    if form.validate_on_submit():
        stored = UPLOADS.store(form.file.data.read(), owner_id=current_user.id, filename=form.file.data.filename)
        try:
            plan = checking.preview(stored.path)
        except ImportRefused as problem:
            UPLOADS.discard(stored)
            form.file.errors.append(str(problem))
        except BaseException:  # an error, or the worker's timeout (SystemExit): no file stays behind
            UPLOADS.discard(stored)
            raise
        else:
            return _preview_page(stored, plan)
    return render_template("standards/import_upload.html", form=form)


@when_too_large("standards.upload")
def _upload_too_large(fields):
    form = ImportForm(formdata=fields)
    form.file.errors = [too_large_message(_l("Split the catalogue into smaller files and upload them one by one."))]
    return render_template("standards/import_upload.html", form=form)


@bp.get("/import/template.xlsx")
@roles_required(*READERS)
def import_template():
    _may_keep()
    content = template.standards_template(local_today().year)
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name="subsidy-standards.xlsx")


@bp.get("/import/<token>")
@roles_required(*READERS)
def import_show(token: str):
    _may_keep()
    return _preview_page(_upload_or_404(token))


@bp.post("/import/<token>/commit")
@roles_required(*READERS)
def import_commit(token: str):
    _may_keep()
    upload = _upload_or_404(token)
    form = CommitForm()
    if not form.validate_on_submit():
        return _preview_page(upload)
    assert form.fingerprint.data is not None  # DataRequired
    try:
        plan, result = committing.commit(upload.path, expected=form.fingerprint.data, filename=upload.filename)
    except committing.PreviewChanged as changed:
        db.session.rollback()
        return _preview_page(upload, changed.preview, str(changed))
    except ImportRefused as refusal:
        db.session.rollback()
        return _preview_page(upload, refusal=str(refusal))
    except BaseException:
        db.session.rollback()  # all or nothing, whatever failed
        raise
    db.session.commit()
    UPLOADS.finish(upload)
    return render_template("standards/import_result.html", result=result, upload=upload)


@bp.post("/import/<token>/discard")
@roles_required(*READERS)
def import_discard(token: str):
    _may_keep()
    upload = UPLOADS.find(token, current_user.id)  # CSRFProtect has checked the form's token
    if upload is not None:
        UPLOADS.discard(upload)
    return redirect(url_for(".upload"))
