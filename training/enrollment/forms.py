"""Enrollment forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


def overlap_reason_field(label=None) -> TextAreaField:
    """The reason to enroll although the trainee's other class has sessions at the same times."""
    return TextAreaField(
        label or _l("Overlapping sessions: written reason to enroll anyway (only if asked)"),
        validators=[Optional(), Length(max=500)],
    )


class EnrollOneForm(FlaskForm):
    person = StringField(
        _l("Full ID number or name of the trainee"),
        validators=[
            DataRequired(_l("Type the trainee's full ID number, or their name to search for.")),
            Length(max=40),
        ],
    )
    # The pick buttons of a search by name post it; never a hidden field, so a retyped person wins.
    trainee_id = IntegerField(validators=[Optional()])
    override_reason = TextAreaField(
        _l("Subsidy rule override: written reason (only if a rule refuses)"), validators=[Optional(), Length(max=500)]
    )
    overlap_reason = overlap_reason_field()


class EnrollManyForm(FlaskForm):
    override_reason = TextAreaField(
        _l("Subsidy rule override: written reason (only if a rule refuses)"), validators=[Optional(), Length(max=500)]
    )
    overlap_reason = overlap_reason_field()


class DecisionForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
    override_reason = TextAreaField(
        _l("Subsidy rule override: written reason"), validators=[Optional(), Length(max=500)]
    )
    overlap_reason = overlap_reason_field(_l("Overlapping sessions: reason"))


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Reason for withdrawal"), validators=[DataRequired(), Length(max=500)])


class ApplyForm(FlaskForm):
    pass
