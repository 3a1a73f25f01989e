"""The activation form a trainee fills on their phone."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class ActivationForm(FlaskForm):
    code = StringField(_l("Code on your slip"), validators=[DataRequired(), Length(max=30)])
    password = PasswordField(_l("Choose a password (at least 8 characters)"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("The same password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class IssueSlipsForm(FlaskForm):
    pass
