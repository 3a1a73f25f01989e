"""Enrollment forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class EnrollOneForm(FlaskForm):
    person = StringField(_l("Full ID number of the trainee"), validators=[DataRequired(), Length(max=40)])
    override_reason = TextAreaField(
        _l("Subsidy rule override: written reason (only if a rule refuses)"), validators=[Optional(), Length(max=500)]
    )


class EnrollManyForm(FlaskForm):
    override_reason = TextAreaField(
        _l("Subsidy rule override: written reason (only if a rule refuses)"), validators=[Optional(), Length(max=500)]
    )


class DecisionForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
    override_reason = TextAreaField(_l("Subsidy rule override: written reason"), validators=[Optional(), Length(max=500)])


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Reason for withdrawal"), validators=[DataRequired(), Length(max=500)])


class ApplyForm(FlaskForm):
    pass
