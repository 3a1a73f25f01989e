"""Phone sampling on the web: the running and finished cohorts in scope with their sample's progress,
a cohort's sample (numbers masked, one shown in full on a deliberate, audited click), the outcome of
each call, and the marks on the cohort page and its subsidy claim when a trainee denied attending.

The number stays masked on the list: a coordinator sees one in full only by pressing "show the
number to call" for that person, which is recorded in the audit trail and answers a page that is
not cached. A full list of numbers on screen would be a list to copy; one number at a time is
what a call needs.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from training import navigation
from training.extensions import db
from training.models import SAMPLED, Cohort, Enrollment, Role, SampleOutcome, utcnow
from training.permissions import deny, roles_required
from training.sampling import access, sample, services
from training.sampling.forms import OUTCOMES, ButtonForm, CallForm

bp = Blueprint("sampling", __name__)
navigation.add([Role.COORDINATOR, Role.ADMIN, Role.REVIEWER], "sampling.index", _l("Phone sampling"), order=56)
READERS = (Role.ADMIN, Role.COORDINATOR, Role.REVIEWER)


@bp.app_template_global()
def sampling_panel(cohort: Cohort) -> dict | None:
    """The cohort page's and the claim page's mark (one statement); None for those who do not read samples."""
    if cohort.status not in SAMPLED or not access.can_read(current_user, cohort):
        return None
    return {"denied": services.denied_counts([cohort.id]).get(cohort.id, 0)}


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


@bp.get("/sampling")
@roles_required(*READERS)
def index():
    page = db.paginate(services.sampled_cohorts(access.sample_scope(current_user)), per_page=50)
    counts = services.cohort_counts([cohort.id for cohort in page.items], sample.share())
    return render_template("sampling/index.html", page=page, counts=counts)


def _sample_page(cohort: Cohort, *, revealed: dict[int, str] | None = None, failed=None, status: int = 200):
    found = services.sample_page(cohort, _secret(), sample.share())
    response = current_app.make_response(
        (
            render_template(
                "sampling/cohort.html",
                cohort=cohort,
                found=found,
                may_call=access.may_call(current_user, cohort),
                revealed=revealed or {},
                failed=failed,
                new_form=lambda: CallForm(formdata=None),
                button=ButtonForm(formdata=None),
                outcome_labels=OUTCOMES,
                share=f"{float(sample.share() * 100):g}%",
            ),
            status,
        )
    )
    if revealed:
        response.headers["Cache-Control"] = "no-store"  # a full number is never kept by a browser or a proxy
    return response


@bp.get("/sampling/cohorts/<int:cohort_id>")
@roles_required(*READERS)
def cohort(cohort_id: int):
    return _sample_page(access.require_sampled_cohort(cohort_id))


def _caller_and_person(cohort_id: int, enrollment_id: int) -> tuple[Cohort, Enrollment]:
    """The cohort and the sampled trainee, for a coordinator who may phone them (else 403 / 404)."""
    cohort = access.require_sampled_cohort(cohort_id)
    if not access.may_call(current_user, cohort):
        deny("cohort", cohort_id)
    enrollment = services.sampled_enrollment(cohort, enrollment_id, _secret(), sample.share())
    if enrollment is None:
        abort(404)
    return cohort, enrollment


@bp.post("/sampling/cohorts/<int:cohort_id>/people/<int:enrollment_id>/number")
@roles_required(Role.COORDINATOR)
def show_number(cohort_id: int, enrollment_id: int):
    cohort, enrollment = _caller_and_person(cohort_id, enrollment_id)  # the CSRF token checked before
    number = services.show_number(cohort, enrollment, caller=current_user)
    db.session.commit()
    return _sample_page(cohort, revealed={enrollment.id: number})


@bp.post("/sampling/cohorts/<int:cohort_id>/people/<int:enrollment_id>/calls")
@roles_required(Role.COORDINATOR)
def record_call(cohort_id: int, enrollment_id: int):
    cohort, enrollment = _caller_and_person(cohort_id, enrollment_id)
    form = CallForm()
    if not form.validate_on_submit():
        return _sample_page(cohort, failed=(enrollment.id, form))
    outcome = SampleOutcome(form.outcome.data)
    services.record_call(cohort, enrollment, outcome, form.note.data or "", caller=current_user, now=utcnow())
    db.session.commit()
    flash(_("The call to %(name)s was recorded.", name=enrollment.trainee.name), "success")
    return redirect(url_for("sampling.cohort", cohort_id=cohort.id, _anchor=f"person-{enrollment.id}"))
