"""Certificate forms: issuing, revoking, reissuing, the public lookup and the seal upload."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from training.choices import choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class IssueForm(FlaskForm):
    """The ticked enrollments come as a list of `enrollment_id` values; `scope` is all or ticked."""


class RevokeForm(FlaskForm):
    """Revocation cannot be undone: no category is preselected (the first used to be fraud) and the
    certificate's number is typed again, a confirmation that needs no JavaScript."""

    # Ids of their own: the reissue form beside it has a `reason` too, and a label must find its box.
    category = SelectField(
        _l("Why"), validators=[DataRequired(_l("Choose why the certificate is revoked."))], id="revoke-category"
    )
    reason = TextAreaField(
        _l("Reason (kept in the record and the audit log)"),
        validators=[DataRequired(_l("Give a reason for the revocation.")), Length(max=500)],
        filters=[_strip],
        id="revoke-reason",
    )
    confirm_serial = StringField(
        _l("Type the certificate number to confirm"),
        validators=[DataRequired(_l("Type the certificate number to confirm."))],
        filters=[_strip],
        id="revoke-confirm-serial",
    )

    def prepare(self, categories: dict, serial: str) -> RevokeForm:
        self.category.choices = choices([("", _l("Choose…")), *categories.items()])
        self._serial = serial
        return self

    def validate_confirm_serial(self, field) -> None:
        if field.data and field.data.upper() != self._serial.upper():
            raise ValidationError(_l("This is not the number of this certificate (%(serial)s).", serial=self._serial))


class ReissueForm(FlaskForm):
    reason = TextAreaField(
        _l("What the new certificate corrects"),
        validators=[DataRequired(_l("Say what the new certificate corrects.")), Length(max=500)],
        filters=[_strip],
        id="reissue-reason",
    )


class LookupForm(FlaskForm):
    serial = StringField(_l("Certificate number"), validators=[DataRequired(), Length(max=40)], filters=[_strip])
    name = StringField(
        _l("Full name as printed on the certificate"), validators=[DataRequired(), Length(max=50)], filters=[_strip]
    )


class SealForm(FlaskForm):
    image = FileField(
        _l("Seal image (PNG or JPEG)"),
        validators=[
            FileRequired(),
            FileAllowed(["png", "jpg", "jpeg"], _l("A PNG or JPEG image, please.")),
        ],
    )


class ConfirmForm(FlaskForm):
    pass
