"""Certificate forms: issuing, revoking, reissuing, the public lookup and the seal upload."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from training.choices import choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class IssueForm(FlaskForm):
    """The ticked enrollments come as a list of `enrollment_id` values; `scope` is all or ticked."""


class RevokeForm(FlaskForm):
    category = SelectField(_l("Why"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason (kept in the record and the audit log)"),
                           validators=[DataRequired(), Length(max=500)], filters=[_strip])

    def set_choices(self, categories: dict) -> None:
        self.category.choices = choices(categories.items())


class ReissueForm(FlaskForm):
    reason = TextAreaField(_l("What the new certificate corrects"), validators=[DataRequired(), Length(max=500)],
                           filters=[_strip])


class LookupForm(FlaskForm):
    serial = StringField(_l("Certificate number"), validators=[DataRequired(), Length(max=40)], filters=[_strip])
    name = StringField(_l("Full name as printed on the certificate"), validators=[DataRequired(), Length(max=50)],
                       filters=[_strip])


class SealForm(FlaskForm):
    image = FileField(_l("Seal image (PNG or JPEG)"), validators=[
        FileRequired(), FileAllowed(["png", "jpg", "jpeg"], _l("A PNG or JPEG image, please.")),
    ])


class ConfirmForm(FlaskForm):
    pass
