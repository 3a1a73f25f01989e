"""The form of a call's outcome: what the call found, and a note (what a trainee who denied said)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3, types-WTForms 3.2 lacks it
from wtforms.validators import InputRequired, Length, ValidationError

from training.models import SampleOutcome

OUTCOMES = {
    SampleOutcome.CONFIRMED.value: _l("Reached: confirmed attending the class"),
    SampleOutcome.DENIED.value: _l("Reached: denied attending the class"),
    SampleOutcome.UNREACHABLE.value: _l("Could not be reached"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CallForm(FlaskForm):
    outcome = RadioField(
        _l("Outcome of the call"),
        choices=[SelectChoice(value, label) for value, label in OUTCOMES.items()],
        validators=[InputRequired()],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=500)], filters=[_strip])

    def validate_note(self, field) -> None:
        if self.outcome.data == SampleOutcome.DENIED and not field.data:
            raise ValidationError(_l("Write down what the trainee said."))


class ButtonForm(FlaskForm):
    """A button that does something (show a number): only the CSRF token."""
