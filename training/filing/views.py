"""Class-opening filings on the web: the filings and changes waiting for a reviewer, a cohort's filing
page (prepare, submit, approve or return; the differences since approval, changes and their
acknowledgement), the 开班申请表 as PDF and .xlsx, and the panel on the cohort page."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from training import audit, navigation
from training.extensions import db
from training.filing import access, changes, documents, lifecycle, pages
from training.filing.forms import ButtonForm, ChangeForm, StepForm, prepare_form
from training.filing.lifecycle import FilingRefused, Step
from training.labels import FILING_STATUSES
from training.models import PREPARABLE, Cohort, CohortStatus, FilingChange, FilingStatus, Role, utcnow
from training.permissions import roles_required

bp = Blueprint("filing", __name__, url_prefix="/filing")
navigation.add([Role.COORDINATOR, Role.ADMIN, Role.REVIEWER], "filing.index", _l("Class filings"), order=54)
READERS = (Role.ADMIN, Role.COORDINATOR, Role.REVIEWER)


@bp.app_template_global()
def filing_panel(cohort: Cohort) -> pages.Panel | None:
    """The cohort page's filing panel, for those who read filings (one statement)."""
    if not access.can_see_filing(current_user, cohort):
        return None
    return pages.panel(cohort)


def _today() -> date:
    return utcnow().astimezone(get_timezone()).date()


def _zone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


@bp.get("")
@roles_required(*READERS)
def index():
    return render_template("filing/index.html", waiting=pages.waiting_for_review(current_user))


def _filing_page(cohort: Cohort, **forms):
    page = pages.filing_page(cohort.id)
    filing = page.filing
    user = current_user
    preparable = (
        cohort.status == CohortStatus.OPEN
        and access.may(user, access.Action.PREPARE, cohort)
        and (filing is None or filing.status in PREPARABLE)
    )
    steps = lifecycle.steps_for(user, filing) if filing is not None else []
    if preparable and "prepare_form" not in forms:
        forms["prepare_form"] = prepare_form(page.cohort.trainers, filing.snapshot if filing else None, formdata=None)
    step_forms = {to: StepForm(formdata=None, prefix=to) for to in steps} | forms.pop("step_forms", {})
    records_changes = (
        filing is not None
        and filing.status == FilingStatus.APPROVED
        and cohort.status in changes.CHANGEABLE
        and access.may(user, access.Action.RECORD_CHANGE, cohort)
    )
    return render_template(
        "filing/show.html",
        page=page,
        cohort=page.cohort,
        filing=filing,
        preparable=preparable,
        step_forms=step_forms,
        change_form=forms.pop("change_form", None) or ChangeForm(formdata=None, prefix="change"),
        records_changes=records_changes,
        acknowledges=filing is not None and access.may(user, access.Action.ACKNOWLEDGE, cohort),
        button=ButtonForm(formdata=None, prefix="ack"),
        describe=changes.describe,
        differences_of=changes.differences_of,
        today=_today(),
        **forms,
    )


@bp.get("/cohorts/<int:cohort_id>")
@roles_required(*READERS)
def show(cohort_id: int):
    return _filing_page(access.require_filed_cohort(cohort_id))


@bp.post("/cohorts/<int:cohort_id>/prepare")
@roles_required(Role.COORDINATOR)
def prepare(cohort_id: int):
    cohort = access.require_filed_cohort(cohort_id)
    filing = lifecycle.filing_of(cohort.id)
    form = prepare_form(cohort.trainers, filing.snapshot if filing else None)
    if not form.validate_on_submit():
        return _filing_page(cohort, prepare_form=form)
    try:
        lifecycle.prepare(cohort, form.details(), user=current_user, now=utcnow(), timezone=_zone())
    except FilingRefused as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return _filing_page(cohort, prepare_form=form)
    db.session.commit()
    flash(_("The filing of %(code)s was saved as a draft: check it, then submit it.", code=cohort.code), "success")
    return redirect(url_for("filing.show", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/status/<any(submitted, approved, returned):to>")
@roles_required(*READERS)
def change_status(cohort_id: int, to: str):
    cohort = access.require_filed_cohort(cohort_id)
    filing = lifecycle.filing_of(cohort.id)
    if filing is None:
        abort(404)
    form = StepForm(prefix=to)
    if not form.validate_on_submit():
        return _filing_page(cohort, step_forms={to: form})
    step = Step(
        user=current_user,
        today=_today(),
        now=utcnow(),
        timezone=_zone(),
        reason=form.reason.data or "",
        late_reason=form.late_reason.data or "",
    )
    try:
        filing = lifecycle.change_status(filing, to, step)
    except FilingRefused as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return _filing_page(cohort, step_forms={to: form})
    db.session.commit()
    flash(_("Filing of %(code)s: %(status)s.", code=cohort.code, status=FILING_STATUSES[filing.status]), "success")
    return redirect(url_for("filing.show", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/changes")
@roles_required(Role.COORDINATOR)
def record_change(cohort_id: int):
    cohort = access.require_filed_cohort(cohort_id)
    filing = lifecycle.filing_of(cohort.id)
    form = ChangeForm(prefix="change")
    if filing is None or not form.validate_on_submit():
        return _filing_page(cohort, change_form=form)
    try:
        changes.record_change(filing, form.reason.data or "", user=current_user, now=utcnow(), timezone=_zone())
    except FilingRefused as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return _filing_page(cohort, change_form=form)
    db.session.commit()
    flash(_("The change was recorded: a reviewer acknowledges it."), "success")
    return redirect(url_for("filing.show", cohort_id=cohort.id, _anchor="changes"))


@bp.post("/cohorts/<int:cohort_id>/changes/<int:change_id>/acknowledge")
@roles_required(*READERS)
def acknowledge(cohort_id: int, change_id: int):
    cohort = access.require_filed_cohort(cohort_id)
    change = db.get_or_404(FilingChange, change_id)
    if change.filing.cohort_id != cohort.id:
        abort(404)
    if ButtonForm(prefix="ack").validate_on_submit():
        try:
            changes.acknowledge(change, user=current_user, now=utcnow())
        except FilingRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
        else:
            db.session.commit()
            flash(_("The change was acknowledged."), "success")
    return redirect(url_for("filing.show", cohort_id=cohort.id, _anchor="changes"))


@bp.get("/cohorts/<int:cohort_id>/<any('application.pdf', 'application.xlsx'):name>")
@roles_required(*READERS)
def document(cohort_id: int, name: str):
    cohort = access.require_filed_cohort(cohort_id)
    page = pages.filing_page(cohort.id)
    if page.filing is None:
        abort(404)
    content = documents.render(page.filing, name, page.people, _today())
    if name in documents.FULL_ID_DOCUMENTS:
        audit.record("filing_document_downloaded", "filing", page.filing.id, after={"document": name})
        db.session.commit()
    response = send_file(
        io.BytesIO(content),
        mimetype=documents.DOCUMENTS[name],
        as_attachment=True,
        download_name=documents.file_name(page.filing, name),
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
