"""Catalog forms: courses, cohorts, the schedule generator, one session, the cohort list filters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from training.catalog.courses import CourseDetails
from training.catalog.schedule import Slot
from training.catalog.services import CohortChoices, CohortDetails
from training.catalog.timetable import SessionDetails
from training.choices import SelectChoice, choices
from training.labels import COHORT_STATUSES, SESSION_KINDS, SITE_KINDS, TRAINING_TYPES, VOCATIONAL_LEVELS

LEVELS = VOCATIONAL_LEVELS
WEEKDAYS = {0: _l("Mon"), 1: _l("Tue"), 2: _l("Wed"), 3: _l("Thu"), 4: _l("Fri"), 5: _l("Sat"), 6: _l("Sun")}


T = TypeVar("T")
K = TypeVar("K")


def _choices(labels: Mapping[K, object], first: tuple[object, object] | None = None) -> list[SelectChoice]:
    """Select options from a {value: label} table, optionally after a first "all"/"none" option."""
    return choices([*([first] if first else []), *labels.items()])


def _validated(value: T | None) -> T:
    """A field's data once the form has validated, which its InputRequired or DataRequired guarantees."""
    assert value is not None, "details() is read from a validated form"
    return value


def _optional_int(value) -> int | None:
    return None if value in (None, "", "None") else int(value)


def _lines(text: str | None) -> list[str]:
    """The non-empty lines of a textarea; commas and semicolons separate too."""
    return [part.strip() for part in re.split(r"[\n,，;；]", text or "") if part.strip()]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CheckboxListField(SelectMultipleField):
    """Several choices as checkboxes: easier than a multi-select on a phone and with a mouse."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])


class CourseForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)], filters=[_strip])
    name = StringField(_l("Course name"), validators=[DataRequired(), Length(max=80)], filters=[_strip])
    occupation = StringField(_l("Occupation"), validators=[DataRequired(), Length(max=80)], filters=[_strip])
    level = SelectField(_l("Vocational level"), coerce=int, choices=_choices(LEVELS), default=5)
    labour_brand = StringField(_l("Labour brand"), validators=[Optional(), Length(max=40)], filters=[_strip])
    total_hours = IntegerField(_l("Total hours"), validators=[InputRequired(), NumberRange(min=1, max=2000)])
    min_attendance_pct = IntegerField(
        _l("Minimum attendance (percent of scheduled hours)"),
        default=80,
        validators=[InputRequired(), NumberRange(min=1, max=100)],
    )
    pass_score = IntegerField(_l("Pass score"), default=60, validators=[InputRequired(), NumberRange(min=0, max=100)])
    marks_per_session = SelectField(
        _l("Attendance marks per session"),
        coerce=int,
        choices=_choices({1: _l("One mark per session"), 2: _l("Two marks (sign-in and sign-out)")}),
        default=1,
        description=_l(
            "With two marks, trainees also sign out at the end of each session, and its hours count only once they have."
        ),
    )

    def details(self) -> CourseDetails:
        return CourseDetails(
            code=_validated(self.code.data),
            name=_validated(self.name.data),
            occupation=_validated(self.occupation.data),
            level=self.level.data,
            labour_brand=self.labour_brand.data or "",
            total_hours=_validated(self.total_hours.data),
            min_attendance_pct=_validated(self.min_attendance_pct.data),
            pass_score=_validated(self.pass_score.data),
            marks_per_session=self.marks_per_session.data,
        )


class CohortForm(FlaskForm):
    course_id = SelectField(_l("Course"), coerce=int)
    county_code = SelectField(_l("County"))
    code = StringField(_l("Cohort code"), validators=[DataRequired(), Length(max=30)], filters=[_strip])
    site_name = StringField(_l("Training site"), validators=[DataRequired(), Length(max=100)], filters=[_strip])
    site_kind = SelectField(_l("Kind of site"), choices=_choices(SITE_KINDS))
    training_type = SelectField(
        _l("Training type"),
        choices=_choices(TRAINING_TYPES),
        default="project",
        description=_l("With the course's occupation and level, it chooses the subsidy standard."),
    )
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    end_date = DateField(_l("End date"), validators=[InputRequired()])
    capacity = IntegerField(_l("Capacity"), default=30, validators=[InputRequired(), NumberRange(min=1, max=500)])
    trainer_ids = CheckboxListField(_l("Trainers"), coerce=int, validators=[Optional()])
    employer_id = SelectField(_l("Partner employer (directed training)"), coerce=_optional_int, validators=[Optional()])
    committed_placements = IntegerField(
        _l("Committed placements"), validators=[Optional(), NumberRange(min=1, max=500)]
    )
    site_latitude = FloatField(_l("Site latitude"), validators=[Optional(), NumberRange(min=-90, max=90)])
    site_longitude = FloatField(_l("Site longitude"), validators=[Optional(), NumberRange(min=-180, max=180)])
    checkin_radius_m = IntegerField(
        _l("Check-in radius (metres)"),
        validators=[Optional(), NumberRange(min=10, max=50000)],
        description=_l("A self check-in farther than this from the site still counts, and is flagged."),
    )

    def set_choices(self, choices: CohortChoices) -> None:
        self.course_id.choices = _choices({c.id: f"{c.code} · {c.name}" for c in choices.courses})
        self.county_code.choices = _choices({c.code: c.name for c in choices.counties})
        self.trainer_ids.choices = _choices(
            {
                u.id: " · ".join(filter(None, [u.display_name or u.username, u.county.name if u.county else ""]))
                for u in choices.trainers
            }
        )
        self.employer_id.choices = _choices({e.id: e.name for e in choices.employers}, ("", _l("None")))

    def validate_end_date(self, field) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date is before the start date."))

    def details(self) -> CohortDetails:
        return CohortDetails(
            code=_validated(self.code.data),
            course_id=self.course_id.data,
            county_code=self.county_code.data,
            site_name=_validated(self.site_name.data),
            site_kind=self.site_kind.data,
            start_date=_validated(self.start_date.data),
            end_date=_validated(self.end_date.data),
            capacity=_validated(self.capacity.data),
            trainer_ids=list(self.trainer_ids.data or []),
            employer_id=self.employer_id.data,
            committed_placements=self.committed_placements.data,
            training_type=self.training_type.data,
            site_latitude=self.site_latitude.data,
            site_longitude=self.site_longitude.data,
            checkin_radius_m=self.checkin_radius_m.data,
        )


def _ends_after(starts_field: str):
    def check(form, field):
        starts = form[starts_field].data
        if field.data and starts and field.data <= starts:
            raise ValidationError(_l("The end must be after the start."))

    return check


class ScheduleForm(FlaskForm):
    weekdays = CheckboxListField(_l("Weekdays"), coerce=int, choices=_choices(WEEKDAYS), default=[0, 1, 2, 3, 4])
    first_starts = TimeField(_l("Starts"), default=time(8, 0), validators=[InputRequired()])
    first_ends = TimeField(_l("Ends"), default=time(12, 0), validators=[InputRequired(), _ends_after("first_starts")])
    first_kind = SelectField(_l("Kind"), choices=_choices(SESSION_KINDS), default="theory")
    second_starts = TimeField(_l("Starts"), validators=[Optional()])
    second_ends = TimeField(_l("Ends"), validators=[Optional(), _ends_after("second_starts")])
    second_kind = SelectField(_l("Kind"), choices=_choices(SESSION_KINDS), default="practice")
    topic = StringField(_l("Topic (optional)"), validators=[Optional(), Length(max=120)])
    holidays = TextAreaField(
        _l("Days without class"),
        description=_l("One date a line, as YYYY-MM-DD."),
        validators=[Optional(), Length(max=4000)],
    )
    preview = SubmitField(_l("Preview"))
    create = SubmitField(_l("Create the sessions"))

    def validate_weekdays(self, field) -> None:
        # Not DataRequired: it would mark every checkbox `required` for the browser.
        if not field.data:
            raise ValidationError(_l("Choose at least one weekday."))

    def validate_second_starts(self, field) -> None:
        if bool(field.data) != bool(self.second_ends.data):
            raise ValidationError(_l("Give both the start and the end of the second slot, or neither."))

    def validate_holidays(self, field) -> None:
        for line in _lines(field.data):
            try:
                date.fromisoformat(line)
            except ValueError:
                raise ValidationError(_l("“%(text)s” is not a date as YYYY-MM-DD.", text=line)) from None

    def holiday_dates(self) -> list[date]:
        return [date.fromisoformat(line) for line in _lines(self.holidays.data)]

    def slots(self) -> list[Slot]:
        slots = [Slot(_validated(self.first_starts.data), _validated(self.first_ends.data), self.first_kind.data)]
        if self.second_starts.data and self.second_ends.data:
            slots.append(Slot(self.second_starts.data, self.second_ends.data, self.second_kind.data))
        return slots


class SessionForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    starts = TimeField(_l("Starts"), validators=[InputRequired()])
    ends = TimeField(_l("Ends"), validators=[InputRequired(), _ends_after("starts")])
    hours = DecimalField(
        _l("Hours"),
        places=1,
        description=_l("Leave empty to count the time from start to end."),
        validators=[Optional(), NumberRange(min=Decimal("0.1"), max=24)],
    )
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=_choices(SESSION_KINDS))
    location = StringField(
        _l("Location"),
        description=_l("Leave empty when it is the cohort's site."),
        validators=[Optional(), Length(max=120)],
    )

    def details(self) -> SessionDetails:
        return SessionDetails(
            _validated(self.day.data),
            _validated(self.starts.data),
            _validated(self.ends.data),
            self.hours.data,
            self.topic.data or "",
            self.kind.data,
            self.location.data or "",
        )


class CohortFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=64)])
    county = SelectField(_l("County"), validators=[Optional()])
    course = SelectField(_l("Course"), coerce=_optional_int, validators=[Optional()])
    status = SelectField(
        _l("Status"), choices=_choices(COHORT_STATUSES, ("", _l("All statuses"))), validators=[Optional()]
    )

    def set_choices(self, counties, courses) -> None:
        self.county.choices = _choices({c.code: c.name for c in counties}, ("", _l("All counties")))
        self.course.choices = _choices({c.id: f"{c.code} · {c.name}" for c in courses}, ("", _l("All courses")))
