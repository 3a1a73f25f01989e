"""Forms of the roster import: the upload, and the commit of a previewed file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, Optional


def cohort_choices(cohorts) -> list[tuple[str, str]]:
    return [("", _l("Do not enroll"))] + [(str(c.id), f"{c.code} · {c.course.name} · {c.site_name}") for c in cohorts]


class UploadForm(FlaskForm):
    file = FileField(
        _l("Roster (.xlsx or .csv)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["xlsx", "csv", "xls"], _l("Upload an Excel workbook (.xlsx) or a CSV file.")),
        ],
    )
    county_code = SelectField(_l("County of rows that name no county"), validators=[Optional()])
    cohort_id = SelectField(_l("Enroll the imported trainees into"), validators=[Optional()])

    def set_choices(self, counties, cohorts, own_county: str | None) -> None:
        if own_county:
            self.county_code.choices = [(c.code, c.name) for c in counties if c.code == own_county]
        else:
            self.county_code.choices = [("", _l("None: every row names its county"))] + [
                (c.code, c.name) for c in counties
            ]
        self.cohort_id.choices = cohort_choices(cohorts)


class CommitForm(FlaskForm):
    fingerprint = HiddenField(validators=[DataRequired()])
    cohort_id = SelectField(_l("Enroll the imported trainees into"), validators=[Optional()])
