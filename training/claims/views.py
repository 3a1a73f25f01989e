"""Subsidy claims on the web: the list, preparing a cohort's claim (preview, then prepare), the claim's
page with the steps of its life, objections and the review line by line, and the public notice
(no login, not indexed, masked)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.routing import BuildError

from training import navigation
from training.catalog.forms import LEVELS
from training.claims import access, lifecycle, objections, pages, services
from training.claims import notice as public
from training.claims.checks import ClaimStepRefused, may_review
from training.claims.forms import (
    ButtonForm,
    ClaimFilterForm,
    ObjectionForm,
    ObjectionOutcomeForm,
    StepForm,
    posted_decisions,
)
from training.claims.lifecycle import Payment, Step
from training.claims.reasons import describe
from training.claims.review import LinesRefused, decide_lines
from training.extensions import db
from training.labels import CLAIM_STATUSES
from training.localtime import local_today
from training.models import Claim, ClaimObjection, Cohort, Role, utcnow
from training.permissions import deny, require_cohort, roles_required

bp = Blueprint("claims", __name__, url_prefix="/claims")
navigation.add([Role.COORDINATOR, Role.ADMIN, Role.REVIEWER], "claims.index", _l("Subsidy claims"), order=55)

READERS = (Role.ADMIN, Role.COORDINATOR, Role.REVIEWER)


@bp.context_processor
def claim_words():
    return {
        "level_labels": LEVELS,
        "describe": describe,
        "reasons_text": lambda reasons: " ".join(describe(reason) for reason in reasons),
        "employment_rate": pages.employment_rate,
    }


@bp.after_request
def notice_not_for_search_engines(response):
    if request.endpoint == "claims.notice":
        response.headers["X-Robots-Tag"] = public.ROBOTS
    return response


def _step(**typed) -> Step:
    return Step(
        user=current_user,
        today=local_today(),
        now=utcnow(),
        notice_days=current_app.config["CLAIM_NOTICE_DAYS"],
        **typed,
    )


# ---- the list, and preparing a cohort's claim -------------------------------------------------


@bp.get("")
@roles_required(*READERS)
def index():
    filters = ClaimFilterForm(request.args)
    cohort_id = filters.cohort_id()
    page = db.paginate(pages.claims_query(current_user, filters.status.data, cohort_id), per_page=25)
    cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
    preparable = bool(cohort and access.may_prepare(current_user, cohort) and not pages.has_standing_claim(cohort.id))
    return render_template(
        "claims/index.html",
        page=page,
        filters=filters,
        cohort=cohort if preparable or page.items else None,
        preparable=preparable,
        params={"status": filters.status.data or "", "cohort": cohort_id or ""},
    )


def _cohort_to_prepare(cohort_id: int) -> Cohort:
    cohort = require_cohort(cohort_id)
    if not access.may_prepare(current_user, cohort):
        deny("cohort", cohort_id)
    return cohort


@bp.get("/cohorts/<int:cohort_id>/prepare")
@roles_required(Role.COORDINATOR)
def preview(cohort_id: int):
    cohort = _cohort_to_prepare(cohort_id)
    try:
        found, refused = services.preview(cohort.id, today=local_today()), None
    except services.ClaimRefused as refusal:
        found, refused = None, str(refusal)
    return render_template("claims/preview.html", cohort=cohort, preview=found, refused=refused, form=ButtonForm())


@bp.post("/cohorts/<int:cohort_id>/prepare")
@roles_required(Role.COORDINATOR)
def prepare(cohort_id: int):
    cohort = _cohort_to_prepare(cohort_id)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("claims.preview", cohort_id=cohort.id))
    try:
        claim = services.prepare(cohort.id, user_id=current_user.id, today=local_today())
    except services.ClaimRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "danger")
        return redirect(url_for("claims.preview", cohort_id=cohort_id))
    db.session.commit()
    flash(_("The claim of %(code)s was prepared as a draft.", code=cohort.code), "success")
    return redirect(url_for("claims.show", claim_id=claim.id))


# ---- one claim ----------------------------------------------------------------------------------


def _document_url(claim_id: int, name: str) -> str | None:
    """The documents helper's file of this claim, when its blueprint is registered.
    LEAD: the endpoint's arguments are assumed (claim_id, name); no link while they differ."""
    if "claim_documents.document" not in current_app.view_functions:
        return None
    try:
        return url_for("claim_documents.document", claim_id=claim_id, name=name)
    except BuildError:
        return None


def _notice_url(claim: Claim) -> str | None:
    if claim.status not in public.PUBLIC:
        return None
    path = url_for("claims.notice", token=public.token_for(current_app.config["SECRET_KEY"], claim.id))
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _claim_page(claim: Claim, **forms):
    page = pages.claim_page(claim.id)
    claim = page.claim
    steps = [to for to in lifecycle.next_statuses(claim) if access.may(current_user, lifecycle.STEP[to], claim)]
    step_forms = {to: StepForm(formdata=None, prefix=to) for to in steps} | forms.pop("step_form", {})
    objection_form = forms.pop("objection_form", None) or ObjectionForm(formdata=None, prefix="objection")
    objection_form.set_lines(claim.lines)
    outcome_forms = forms.pop("outcome_forms", {})
    for objection in page.pending_objections:
        outcome_forms.setdefault(objection.id, ObjectionOutcomeForm(formdata=None, prefix=f"objection-{objection.id}"))
    return render_template(
        "claims/show.html",
        page=page,
        claim=claim,
        step_forms=step_forms,
        objection_form=objection_form,
        outcome_forms=outcome_forms,
        review_form=ButtonForm(formdata=None, prefix="review"),
        reviews=may_review(current_user, claim),
        records_objections=claim.status == "notice" and access.may(current_user, access.Action.RECORD_OBJECTION, claim),
        review_opens_on=lifecycle.review_opens_on(claim),
        notice_url=_notice_url(claim),
        notice_pdf=_document_url(claim.id, "notice.pdf"),
        **forms,
    )


@bp.get("/<int:claim_id>")
@roles_required(*READERS)
def show(claim_id: int):
    return _claim_page(access.require_claim(claim_id))


@bp.post("/<int:claim_id>/status/<any(submitted, notice, review, approved, paid, returned):to>")
@roles_required(*READERS)
def change_status(claim_id: int, to: str):
    claim = access.require_claim(claim_id)
    form = StepForm(prefix=to)
    if not form.validate_on_submit():
        return _claim_page(claim, step_form={to: form})
    payment = Payment(form.paid_on.data, form.paid_yuan.data, form.reference.data or "")
    try:
        result = lifecycle.change_status(claim, to, _step(reason=form.reason.data or "", payment=payment))
    except ClaimStepRefused as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return _claim_page(claim, step_form={to: form})
    db.session.commit()
    flash(
        _("Claim version %(version)d: %(status)s.", version=result.version, status=CLAIM_STATUSES[result.status]),
        "success",
    )
    return redirect(url_for("claims.show", claim_id=result.id))


def _local(moment: datetime) -> datetime:
    """A time typed in the centre's timezone, as UTC."""
    return moment.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).astimezone(UTC)


@bp.post("/<int:claim_id>/objections")
@roles_required(*READERS)
def record_objection(claim_id: int):
    claim = access.require_claim(claim_id)
    form = ObjectionForm(prefix="objection")
    form.set_lines(claim.lines)
    if form.validate_on_submit():
        assert form.received_at.data is not None  # InputRequired
        line = next(line for line in claim.lines if line.id == form.line_id.data)  # one of the choices
        try:
            objections.record_objection(
                line,
                raised_by=form.raised_by.data or "",
                content=form.content.data or "",
                received_at=_local(form.received_at.data),
                user=current_user,
                now=utcnow(),
            )
        except ClaimStepRefused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("The objection was recorded."), "success")
            return redirect(url_for("claims.show", claim_id=claim_id, _anchor="objections"))
    return _claim_page(claim, objection_form=form)


@bp.post("/<int:claim_id>/objections/<int:objection_id>")
@roles_required(*READERS)
def decide_objection(claim_id: int, objection_id: int):
    claim = access.require_claim(claim_id)
    objection = db.get_or_404(ClaimObjection, objection_id)
    if objection.line.claim_id != claim.id:
        abort(404)
    form = ObjectionOutcomeForm(prefix=f"objection-{objection.id}")
    if form.validate_on_submit():
        try:
            objections.decide_objection(
                objection, form.outcome.data or "", form.reason.data or "", user=current_user, now=utcnow()
            )
        except ClaimStepRefused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("The objection's outcome was recorded."), "success")
            return redirect(url_for("claims.show", claim_id=claim_id, _anchor="objections"))
    return _claim_page(claim, outcome_forms={objection_id: form})


@bp.post("/<int:claim_id>/review")
@roles_required(*READERS)
def review(claim_id: int):
    claim = access.require_claim(claim_id)
    if ButtonForm(prefix="review").validate_on_submit():
        decisions = posted_decisions(request.form, [line.id for line in claim.lines])
        try:
            changed = decide_lines(claim, decisions, user=current_user, now=utcnow())
        except LinesRefused as refusal:
            db.session.rollback()
            return _claim_page(claim, review_errors=refusal.errors, review_message=str(refusal), posted=request.form)
        except ClaimStepRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
        else:
            db.session.commit()
            flash(ngettext("%(num)d decision saved.", "%(num)d decisions saved.", changed), "success")
    return redirect(url_for("claims.show", claim_id=claim_id, _anchor="lines"))


# ---- the public notice ----------------------------------------------------------------------------


@bp.get("/notice/<token>")
def notice(token: str):
    found = public.public_notice(current_app.config["SECRET_KEY"], token)
    if found is None:
        abort(404)
    return render_template(
        "claims/notice.html",
        plain_page=True,
        notice=found,
        centre_name=current_app.config["CENTRE_NAME"],
        centre_phone=current_app.config["CENTRE_PHONE"],
    )
