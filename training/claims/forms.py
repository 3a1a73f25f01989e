"""Forms of the claim pages: the list's filter, a step of a claim's life, an objection and its
outcome, and the review's decisions on lines (fields named per line, read by posted_decisions).
What a step needs (a reason, a payment) is checked by the lifecycle's services, whose refusal the
page shows beside what was typed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3, types-WTForms 3.2 lacks it
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from training.labels import CLAIM_STATUSES
from training.models import ObjectionOutcome


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ClaimFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("All statuses")),
            *(SelectChoice(v, label) for v, label in CLAIM_STATUSES.items()),
        ],
        validators=[Optional()],
    )
    cohort = HiddenField()

    def cohort_id(self) -> int | None:
        value = self.cohort.data or ""
        return int(value) if value.isdigit() else None


class StepForm(FlaskForm):
    """One step of a claim's life (its prefix is the status it leads to); only the return and the
    payment have fields of their own."""

    reason = TextAreaField(_l("What must be corrected"), validators=[Optional(), Length(max=500)], filters=[_strip])
    paid_on = DateField(_l("Date paid"), validators=[Optional()])
    paid_yuan = DecimalField(_l("Amount paid (yuan)"), places=2, validators=[Optional()])
    reference = StringField(_l("Payment reference"), validators=[Optional(), Length(max=80)], filters=[_strip])


class ObjectionForm(FlaskForm):
    line_id = SelectField(_l("Line"), coerce=int, validators=[InputRequired()])
    raised_by = StringField(_l("Raised by"), validators=[DataRequired(), Length(max=100)], filters=[_strip])
    content = TextAreaField(_l("The objection"), validators=[DataRequired(), Length(max=2000)], filters=[_strip])
    received_at = DateTimeLocalField(_l("Received at"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])

    def set_lines(self, lines: Iterable) -> None:
        self.line_id.choices = [
            SelectChoice(line.id, f"{line.position}. {line.snapshot.get('name', '')}")
            for line in lines
            if line.eligible
        ]


class ObjectionOutcomeForm(FlaskForm):
    outcome = RadioField(
        _l("Outcome"),
        choices=[
            SelectChoice(ObjectionOutcome.UPHELD.value, _l("Upheld: the line is excluded")),
            SelectChoice(ObjectionOutcome.DISMISSED.value, _l("Dismissed")),
        ],
        validators=[InputRequired()],
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)], filters=[_strip])


class ButtonForm(FlaskForm):
    """A button that changes something (prepare; save the review's decisions): only the CSRF token."""


def posted_decisions(form: Mapping[str, str], line_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """line id → (decision, reason) for each line given a decision (decision-<id>, reason-<id>)."""
    decisions = {}
    for line_id in line_ids:
        decision = form.get(f"decision-{line_id}", "")
        if decision:
            decisions[line_id] = (decision, form.get(f"reason-{line_id}", "").strip())
    return decisions
