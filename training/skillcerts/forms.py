"""Forms of skill certificates issued elsewhere: recording one, its scan, the check, revocation.

A scan is checked as the form validates (training/upload_field.py). The file input comes last:
when an upload is over the request limit, the fields before it are read back.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from training.catalog.forms import LEVELS
from training.choices import choices
from training.labels import EXTERNAL_CERTIFICATE_KINDS
from training.skillcerts.services import CertificateDetails
from training.upload_field import EvidenceField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _level(value) -> int | None:
    return None if value in ("", None, "None") else int(value)


class CertificateForm(FlaskForm):
    enrollment_id = SelectField(_l("Training"), coerce=int, validators=[InputRequired(_l("Choose the training."))])
    kind = SelectField(
        _l("Kind of certificate"),
        choices=choices([("", _l("Choose…")), *EXTERNAL_CERTIFICATE_KINDS.items()]),
        validators=[DataRequired(_l("Choose the kind of certificate."))],
    )
    number = StringField(
        _l("Certificate number"),
        validators=[DataRequired(_l("Type the certificate number.")), Length(max=60)],
        filters=[_strip],
    )
    issuer = StringField(
        _l("Issued by"),
        description=_l("The evaluation organisation or authority printed on the certificate."),
        validators=[DataRequired(_l("Give who issued the certificate.")), Length(max=100)],
        filters=[_strip],
    )
    level = SelectField(
        _l("Level"), coerce=_level, choices=choices([("", _l("No level")), *LEVELS.items()]), default=""
    )
    issued_on = DateField(_l("Issue date"), validators=[InputRequired(_l("Give the issue date."))])
    scan = EvidenceField(_l("Scan of the certificate (PDF, JPEG or PNG; optional)"))

    def details(self) -> CertificateDetails:
        """What was typed, once the form has validated (its required fields are there)."""
        assert self.number.data is not None and self.issuer.data is not None and self.issued_on.data is not None
        return CertificateDetails(
            self.kind.data, self.number.data, self.issuer.data, self.level.data, self.issued_on.data
        )


class ScanForm(FlaskForm):
    scan = EvidenceField(
        _l("Scan of the certificate (PDF, JPEG or PNG)"), validators=[FileRequired(_l("Choose the file of the scan."))]
    )


class CheckForm(FlaskForm):
    found = RadioField(
        _l("What the query site showed"),
        choices=choices(
            [("yes", _l("Found, and it agrees with this record")), ("no", _l("Not found, or it disagrees"))]
        ),
        validators=[InputRequired(_l("Say what the query site showed."))],
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the revocation (kept in the record and the audit log)"),
        validators=[DataRequired(_l("Give the reason for the revocation.")), Length(max=500)],
        filters=[_strip],
        id="revoke-reason",
    )
