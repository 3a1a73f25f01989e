"""Account forms for admins."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3, types-WTForms 3.2 lacks it
from wtforms.validators import DataRequired, Length, Optional

from training.labels import ROLES as ROLE_LABELS


def _roles() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in ROLE_LABELS.items()]


class _AccountFields(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=80)])
    role = SelectField(_l("Role"), choices=_roles())
    county_code = SelectField(_l("County scope"), validators=[Optional()])

    def set_county_choices(self, counties) -> None:
        self.county_code.choices = [SelectChoice("", _l("Whole city (no county)"))] + [
            SelectChoice(c.code, c.name) for c in counties
        ]


class UserCreateForm(_AccountFields):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=64)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired()])


class UserEditForm(_AccountFields):
    active = BooleanField(_l("Account enabled"))


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()])


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=64)])
    role = SelectField(_l("Role"), choices=[SelectChoice("", _l("All roles")), *_roles()], validators=[Optional()])
