"""Forms of the catalogue of standards: one standard, the catalogue's filters, an import's upload and commit."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from training.choices import choices
from training.labels import TRAINING_TYPES, VOCATIONAL_LEVELS
from training.models import TrainingType
from training.standards.rules import MAX_HOURS, MAX_YUAN
from training.standards.services import StandardDetails

FEN = Decimal("0.01")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class StandardForm(FlaskForm):
    occupation = StringField(_l("Occupation (工种)"), validators=[DataRequired(), Length(max=80)], filters=[_strip])
    level = SelectField(_l("Vocational level"), coerce=int, choices=choices(VOCATIONAL_LEVELS.items()), default=5)
    training_type = SelectField(
        _l("Training type"), choices=choices(TRAINING_TYPES.items()), default=str(TrainingType.PROJECT)
    )
    yuan = DecimalField(
        _l("Subsidy per person (yuan)"),
        places=2,
        validators=[InputRequired(), NumberRange(min=0, max=MAX_YUAN)],
    )
    min_hours = IntegerField(_l("Minimum hours"), validators=[InputRequired(), NumberRange(min=1, max=MAX_HOURS)])
    valid_from = DateField(_l("In force from"), validators=[InputRequired()])
    valid_to = DateField(
        _l("In force until"), description=_l("Leave empty while no end is announced."), validators=[Optional()]
    )

    def validate_yuan(self, field) -> None:
        if field.data is not None and field.data != field.data.quantize(FEN):
            raise ValidationError(_l("The amount has at most two decimals (fen)."))

    def validate_valid_to(self, field) -> None:
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The end date is before the start date."))

    def details(self) -> StandardDetails:
        assert self.occupation.data and self.yuan.data is not None and self.min_hours.data and self.valid_from.data
        return StandardDetails(
            occupation=self.occupation.data,
            level=self.level.data,
            training_type=self.training_type.data,
            yuan=self.yuan.data.quantize(FEN),
            min_hours=self.min_hours.data,
            valid_from=self.valid_from.data,
            valid_to=self.valid_to.data,
        )


class CatalogueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Occupation"), validators=[Optional(), Length(max=64)])
    training_type = SelectField(
        _l("Training type"),
        choices=choices([("", _l("All training types")), *TRAINING_TYPES.items()]),
        validators=[Optional()],
    )
    current = BooleanField(_l("Only those in force today"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("The province's catalogue (.xlsx or .csv)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["xlsx", "csv", "xls"], _l("Upload an Excel workbook (.xlsx) or a CSV file.")),
        ],
    )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class CommitForm(FlaskForm):
    fingerprint = HiddenField(validators=[DataRequired()])
