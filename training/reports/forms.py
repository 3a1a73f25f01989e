"""The dashboard's filters (a GET form, so a report is a link one can share) and the list export."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, ValidationError
from wtforms.validators import Length, Optional

from training.choices import choices

MAX_PERIOD_DAYS = 366 * 10


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    course = SelectField(_l("Course"), validators=[Optional()])
    county = SelectField(_l("County"), validators=[Optional()])
    cohort = StringField(_l("Class code"), validators=[Optional(), Length(max=30)])
    category = SelectField(_l("Household category"), validators=[Optional()])

    def validate_date_to(self, field) -> None:
        start = self.date_from.data
        if field.data and start:
            if field.data < start:
                raise ValidationError(_l("The end of the period is before its start."))
            if (field.data - start).days > MAX_PERIOD_DAYS:
                raise ValidationError(_l("A report covers at most ten years."))


class ListExportForm(FlaskForm):
    format = RadioField(
        _l("File"), choices=choices([("xlsx", _l("Excel (.xlsx)")), ("csv", _l("CSV (.csv)"))]), default="xlsx"
    )
    full_id = BooleanField(_l("Full ID numbers"))
    reason = StringField(_l("Why the list needs full ID numbers"), validators=[Optional(), Length(max=200)])

    def validate_reason(self, field) -> None:
        if self.full_id.data and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason for exporting full ID numbers; it is recorded."))
