"""Trainee registry forms; ID numbers and phones are checked by training.trainees.rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, ValidationError, widgets
from wtforms.validators import DataRequired, Length, Optional

from training.choices import SelectChoice, choices
from training.exceptions import InvalidValue
from training.identity import normalize_id_number, normalize_phone
from training.labels import HOUSEHOLD_CATEGORIES

EDUCATION = ["", "小学", "初中", "高中", "中专", "大专", "本科及以上"]


def education_choices(stored: str = "") -> list[SelectChoice]:
    """The list, and a stored value that is not on it (an import may bring any wording): a select
    without it would post its first option, and saving the page unchanged would erase the value."""
    extra = [stored] if stored and stored not in EDUCATION else []
    return choices((e, e or "—") for e in [*EDUCATION, *extra])


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TraineeForm(FlaskForm):
    id_number = StringField(_l("Resident ID number"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=50)])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=20)])
    county_code = SelectField(_l("County"), validators=[DataRequired()])
    town = StringField(_l("Town"), validators=[Optional(), Length(max=50)])
    village = StringField(_l("Village / community"), validators=[Optional(), Length(max=50)])
    education = SelectField(_l("Education"), choices=education_choices(), validators=[Optional()])
    categories = MultiCheckboxField(_l("Household categories"), choices=choices(HOUSEHOLD_CATEGORIES.items()))

    def validate_id_number(self, field) -> None:
        try:
            field.data = normalize_id_number(field.data)
        except InvalidValue as error:
            raise ValidationError(str(error)) from None

    def validate_phone(self, field) -> None:
        try:
            field.data = normalize_phone(field.data)
        except InvalidValue as error:
            raise ValidationError(str(error)) from None


class TraineeFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or phone"), validators=[Optional(), Length(max=40)])
    county = SelectField(_l("County"), validators=[Optional()])
    category = SelectField(
        _l("Household category"),
        choices=choices([("", _l("All categories")), *HOUSEHOLD_CATEGORIES.items()]),
        validators=[Optional()],
    )


class FindByIdForm(FlaskForm):
    id_number = StringField(_l("Full ID number"), validators=[DataRequired(), Length(max=40)])

    def validate_id_number(self, field) -> None:
        try:
            field.data = normalize_id_number(field.data)
        except InvalidValue as error:
            raise ValidationError(str(error)) from None


class RevealIdForm(FlaskForm):
    reason = StringField(_l("Why do you need the full number?"), validators=[DataRequired(), Length(max=200)])


class CategoryEvidenceForm(FlaskForm):
    """The proof of one household category (category_evidence.record_evidence checks it again)."""

    category = HiddenField(validators=[DataRequired()])
    evidence = StringField(
        _l("Proof and its number"),
        validators=[
            DataRequired(_l("Write what the proof is and its number, such as 脱贫户信息系统编号 6109240012.")),
            Length(max=120),
        ],
    )
