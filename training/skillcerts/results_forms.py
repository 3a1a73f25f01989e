"""Forms of the result-sheet import: the upload (the class, the issuer, the file) and the commit of a previewed sheet."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def cohort_choices(cohorts) -> list[tuple[str, str]]:
    return [(str(c.id), f"{c.code} · {c.course.name} · {c.site_name}") for c in cohorts]


class ResultsUploadForm(FlaskForm):
    # The choices come before the file: an over-size upload is refused unread, and only the fields
    # a browser sends ahead of the file can be shown again (errors.fields_ahead_of_files).
    cohort_id = SelectField(_l("Cohort"), validators=[DataRequired(_l("Choose the class these results are of."))])
    issuer = StringField(
        _l("Issued by (the evaluation body)"),
        validators=[DataRequired(_l("Write who issued the certificates.")), Length(max=100)],
        filters=[_strip],
    )
    file = FileField(
        _l("Result sheet (.xlsx or .csv)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["xlsx", "csv", "xls"], _l("Upload an Excel workbook (.xlsx) or a CSV file.")),
        ],
    )


class ResultsCommitForm(FlaskForm):
    fingerprint = HiddenField(validators=[DataRequired()])
