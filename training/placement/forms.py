"""Employer, placement and follow-up forms; the rules themselves are in training.placement.rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from training.choices import choices
from training.exceptions import InvalidValue
from training.placement.rules import normalize_employer_phone, normalize_uscc

PLACEMENT_KINDS = {
    "directed": _l("Directed placement (partner employer)"),
    "self_found": _l("Found a job themself"),
    "self_employed": _l("Self-employed / started a business"),
    "community_factory": _l("Community factory"),
    "public_welfare": _l("Public-welfare post"),
}

PLACEMENT_SCOPES = {
    "same_county": _l("Same county"),
    "in_city": _l("Elsewhere in the city"),
    "in_province": _l("Elsewhere in the province"),
    "out_of_province": _l("Out of the province"),
}

YES_NO = choices([("yes", _l("Yes")), ("no", _l("No"))])


def optional_int(value):
    """Select values: '' means none."""
    if value in (None, "", "None"):
        return None
    return int(value)


def _rule(check, field) -> None:
    try:
        field.data = check(field.data)
    except InvalidValue as error:
        raise ValidationError(str(error)) from None


class EmployerForm(FlaskForm):
    name = StringField(_l("Employer name"), validators=[DataRequired(), Length(max=120)])
    uscc = StringField(
        _l("Unified social credit code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("18 characters, on the business licence (统一社会信用代码)."),
    )
    province = StringField(_l("Province"), default="陕西省", validators=[Optional(), Length(max=30)])
    city = StringField(_l("City"), default="安康市", validators=[Optional(), Length(max=30)])
    county = StringField(_l("County / district"), validators=[Optional(), Length(max=30)])
    industry = StringField(_l("Industry"), validators=[Optional(), Length(max=60)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=50)])
    contact_phone = StringField(
        _l("Contact phone"),
        validators=[Optional(), Length(max=30)],
        description=_l("A mobile, or a landline with its area code: 0915-1234567."),
    )

    def validate_uscc(self, field) -> None:
        _rule(normalize_uscc, field)

    def validate_contact_phone(self, field) -> None:
        _rule(normalize_employer_phone, field)


class EmployerSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or code"), validators=[Optional(), Length(max=60)])


class PlacementFields(FlaskForm):
    """The job itself: shared by the single form, the edit form and each row of the graduates grid."""

    employer_id = SelectField(_l("Employer"), coerce=optional_int, validate_choice=False)
    position = StringField(_l("Position"), validators=[InputRequired(), Length(max=80)])
    kind = SelectField(_l("Kind of job"), choices=choices([("", "—"), *PLACEMENT_KINDS.items()]))
    scope = SelectField(_l("Where"), choices=choices([("", "—"), *PLACEMENT_SCOPES.items()]))
    place = StringField(
        _l("Place"), validators=[Optional(), Length(max=80)], description=_l("Town or city, e.g. 上海市闵行区")
    )
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    monthly_wage = DecimalField(_l("Monthly wage (yuan)"), places=2, validators=[InputRequired()])
    contract_months = IntegerField(_l("Contract (months)"), validators=[Optional(), NumberRange(min=1, max=120)])

    def validate_kind(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose the kind of job."))

    def validate_scope(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose where the job is."))


class PlacementForm(PlacementFields):
    enrollment_id = SelectField(_l("Training the job follows"), coerce=optional_int)
    employer_q = StringField(_l("Search employers"), validators=[Optional(), Length(max=60)])
    find_employer = SubmitField(_l("Search"))
    # Not Optional(): it would stop validation of an empty name before validate_new_employer_name.
    new_employer_name = StringField(_l("New employer: name"), validators=[Length(max=120)])
    new_employer_uscc = StringField(
        _l("New employer: unified social credit code"), validators=[Optional(), Length(max=40)]
    )

    @property
    def registers_employer(self) -> bool:
        return bool((self.new_employer_name.data or "").strip() or (self.new_employer_uscc.data or "").strip())

    def validate_new_employer_name(self, field) -> None:
        # The name's own validator: an error added to the name by the code's validator, which runs
        # after it, was shown but let the form through, and a nameless employer was registered.
        if self.registers_employer and not self.employer_id.data and not (field.data or "").strip():
            raise ValidationError(_l("Give the new employer's name."))

    def validate_new_employer_uscc(self, field) -> None:
        if not self.registers_employer:
            return
        if self.employer_id.data:
            raise ValidationError(_l("Choose an employer from the list or register a new one, not both."))
        _rule(normalize_uscc, field)


class PlacementRowForm(PlacementFields):
    """One graduate's row in the grid; the page's own form carries the CSRF token."""

    class Meta:
        csrf = False

    def is_filled(self) -> bool:
        """Whether anything was typed; the selects alone (with their defaults) do not count."""
        typed = (self.position, self.place, self.start_date, self.monthly_wage, self.contract_months)
        return any((field.raw_data or [""])[0].strip() for field in typed)


class GraduatesForm(FlaskForm):
    employer_q = StringField(_l("Search employers"), validators=[Optional(), Length(max=60)])
    find_employer = SubmitField(_l("Search"))


class EndPlacementForm(FlaskForm):
    end_date = DateField(_l("End date"), validators=[InputRequired()])
    reason = StringField(_l("Why it ended"), validators=[DataRequired(), Length(max=500)])


class FollowUpForm(FlaskForm):
    still_employed = RadioField(_l("Still employed?"), choices=YES_NO, validate_choice=False)
    same_employer = RadioField(_l("Same employer?"), choices=YES_NO, validate_choice=False)
    monthly_wage = DecimalField(_l("Monthly wage now (yuan)"), places=2, validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])

    def validate_still_employed(self, field) -> None:
        if field.data not in ("yes", "no"):
            raise ValidationError(_l("Say whether the graduate still has a job."))

    def validate_same_employer(self, field) -> None:
        if self.still_employed.data == "yes" and field.data not in ("yes", "no"):
            raise ValidationError(_l("Say whether it is the same employer."))
