"""The trainee registry pages (coordinators): list and search, create, edit, the person's page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from training import navigation
from training.choices import choices
from training.exceptions import DomainError
from training.extensions import db
from training.models import County, Role, Trainee, utcnow
from training.permissions import can_edit_trainee, deny, require_trainee, roles_required, trainee_scope
from training.trainees import category_evidence, services
from training.trainees.forms import (
    CategoryEvidenceForm,
    FindByIdForm,
    RevealIdForm,
    TraineeFilterForm,
    TraineeForm,
    education_choices,
)
from training.web import add_error

bp = Blueprint("trainees", __name__, url_prefix="/trainees")
navigation.add([Role.COORDINATOR, Role.ADMIN], "trainees.index", _l("Trainees"), order=30)
STAFF = (Role.COORDINATOR, Role.ADMIN)


def _county_choices():
    query = select(County).order_by(County.code)
    if current_user.county_code:
        query = query.where(County.code == current_user.county_code)
    return choices((c.code, c.name) for c in db.session.scalars(query))


def _data(form: TraineeForm, id_number: str) -> services.TraineeData:
    assert form.name.data is not None  # DataRequired
    return services.TraineeData(
        id_number=id_number,
        name=form.name.data.strip(),
        phone=form.phone.data,
        county_code=form.county_code.data,
        town=(form.town.data or "").strip(),
        village=(form.village.data or "").strip(),
        education=form.education.data or "",
        categories=set(form.categories.data or []),
    )


@bp.get("")
@roles_required(*STAFF)
def index():
    filters = TraineeFilterForm(request.args)
    filters.county.choices = choices([("", _l("All counties"))]) + _county_choices()
    query = services.registry_query(
        trainee_scope(current_user), filters.q.data or "", filters.county.data or "", filters.category.data or ""
    )
    page = db.paginate(query, per_page=50)
    params = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("trainees/index.html", page=page, filters=filters, params=params, find_form=FindByIdForm())


@bp.post("/find")
@roles_required(*STAFF)
def find_by_id_number():
    """Search by a full ID number in a POST, so the number stays out of URLs, logs and pages."""
    form = FindByIdForm()
    if form.validate_on_submit():
        trainee = db.session.scalar(
            select(Trainee).where(Trainee.id_number == form.id_number.data, trainee_scope(current_user))
        )
        if trainee is not None:
            return redirect(url_for("trainees.show", trainee_id=trainee.id))
        flash(_("Nobody with this ID number in your registry."), "warning")
    else:
        flash(" ".join(form.id_number.errors), "danger")
    return redirect(url_for("trainees.index"))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def create():
    form = TraineeForm()
    form.county_code.choices = _county_choices()
    if form.validate_on_submit():
        assert form.id_number.data is not None  # DataRequired
        try:
            trainee = services.register_trainee(
                _data(form, form.id_number.data),
                user_id=current_user.id,
                only_county=services.only_county(current_user),
                limit=current_app.config["REGISTERED_ELSEWHERE_LIMIT"],
                now=utcnow(),
            )
        except DomainError as refusal:
            db.session.commit()  # nothing was written but the audit event of an ID registered elsewhere
            add_error(form.id_number, str(refusal))
        else:
            db.session.commit()
            flash(_("%(name)s was registered.", name=trainee.name), "success")
            return redirect(url_for("trainees.show", trainee_id=trainee.id))
    return render_template("trainees/form.html", form=form, trainee=None)


@bp.route("/<int:trainee_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(trainee_id: int):
    trainee = require_trainee(trainee_id)
    if not can_edit_trainee(current_user, trainee):
        deny("trainee", trainee_id)
    form = TraineeForm(obj=trainee)
    if not form.is_submitted():
        form.categories.data = sorted(trainee.category_set)
    form.county_code.choices = _county_choices()
    form.education.choices = education_choices(trainee.education)
    del form.id_number  # the number identifies the person; a wrong one means a new registration
    if form.validate_on_submit():
        services.update_trainee(trainee, _data(form, trainee.id_number))
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("trainees.show", trainee_id=trainee.id))
    return render_template("trainees/form.html", form=form, trainee=trainee)


@bp.get("/<int:trainee_id>")
@roles_required(*STAFF)
def show(trainee_id: int):
    trainee = require_trainee(trainee_id)
    return _show_page(trainee)


@bp.post("/<int:trainee_id>/reveal")
@roles_required(Role.COORDINATOR)
def reveal(trainee_id: int):
    """Show the full ID number once, on this response only; the viewing is audited."""
    trainee = require_trainee(trainee_id)
    form = RevealIdForm()
    full_id = None
    if form.validate_on_submit():
        assert form.reason.data is not None  # DataRequired
        full_id = services.reveal_id_number(trainee, form.reason.data.strip())
        db.session.commit()
    return _show_page(trainee, reveal_form=form, full_id=full_id)


# ---------------------------------------------------------------- the person's page, and the proof of their categories


def _show_page(trainee: Trainee, *, reveal_form=None, full_id=None, evidence_form=None):
    """The person's page; a proof form that failed (evidence_form) is shown again with what was typed."""
    can_edit = can_edit_trainee(current_user, trainee)
    return render_template(
        "trainees/show.html",
        trainee=trainee,
        history=services.enrollment_history(trainee.id),
        reveal_form=reveal_form or RevealIdForm(),
        full_id=full_id,
        can_edit=can_edit,
        proofs=category_evidence.panel(trainee.id, may_see_proof=can_edit),
        blank_evidence_form=CategoryEvidenceForm(formdata=None),
        evidence_form=evidence_form,
    )


@bp.post("/<int:trainee_id>/evidence")
@roles_required(*STAFF)
def record_category_evidence(trainee_id: int):
    """Record the proof of one of the person's household categories (those who keep the record)."""
    trainee = require_trainee(trainee_id)
    if not can_edit_trainee(current_user, trainee):
        deny("trainee", trainee_id)
    form = CategoryEvidenceForm()
    if form.validate_on_submit():
        assert form.category.data and form.evidence.data  # DataRequired
        try:
            category_evidence.record_evidence(
                trainee, form.category.data, form.evidence.data, user_id=current_user.id, now=utcnow()
            )
        except category_evidence.EvidenceRefused as refusal:
            add_error(form.evidence, str(refusal))
        else:
            db.session.commit()
            flash(_("The proof was recorded."), "success")
            return redirect(url_for("trainees.show", trainee_id=trainee.id, _anchor="category-evidence"))
    return _show_page(trainee, evidence_form=form)
