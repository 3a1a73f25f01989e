"""Attendance forms. The roster's per-trainee fields are plain inputs named after the
enrollment (mark-<id> radios, version-<id> and was-<id> hidden), read by posted_marks()."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from training.attendance import rules
from training.attendance.rules import PostedMark

VERSION_FIELD = re.compile(r"^version-(\d{1,12})$")
MAX_ROWS = 1000


class RosterForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the correction"), validators=[Optional(), Length(max=500)])


class SignoutConfirmForm(FlaskForm):
    """The trainer confirms the sign-out of the trainees ticked (enrollment=<id> checkboxes)."""

    reason = TextAreaField(
        _l("Why you confirm their sign-out"),
        validators=[Optional(), Length(max=500)],
        render_kw={"placeholder": _l("e.g. their phone's battery ran out; they stayed to the end")},
    )


def ticked_enrollments(formdata) -> list[int]:
    return [int(v) for v in formdata.getlist("enrollment")[:MAX_ROWS] if v.isdigit() and len(v) < 10]


class PositionForm(FlaskForm):
    """What the check-in page's script fills in from the browser's position (only with consent);
    read as plain text and judged by attendance/position.judge, so nothing here is ever an error."""

    latitude = HiddenField()
    longitude = HiddenField()
    accuracy = HiddenField()
    position_error = HiddenField()

    def posted_position(self) -> dict[str, str]:
        fields = (self.latitude, self.longitude, self.accuracy, self.position_error)
        return {f.name: str(f.data or "")[:40] for f in fields}


class ConsentForm(FlaskForm):
    agree = BooleanField(
        _l("I agree that my position is checked at each self check-in, as described above."),
        validators=[DataRequired(_l("Tick the box to agree, or leave this page: check-in works without it."))],
    )


class ConsentWithdrawForm(FlaskForm):
    """One button on /me: only its CSRF token."""


class CheckinCodeForm(PositionForm):
    code = StringField(
        _l("The 6-digit number on the trainer's screen"),
        filters=[lambda value: re.sub(r"\s", "", value or "")],
        validators=[DataRequired(), Regexp(r"^\d{6}$", message=_l("Type the 6 digits shown beside the QR code."))],
        render_kw={"inputmode": "numeric", "pattern": "[0-9 ]*", "maxlength": 8},
    )


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 10 else 0


def posted_marks(formdata, all_present: bool = False) -> list[PostedMark]:
    """One PostedMark per roster line on the page; with all_present, unmarked lines become present."""
    marks = []
    for key in list(formdata.keys())[: MAX_ROWS * 4]:
        match = VERSION_FIELD.match(key)
        if not match:
            continue
        n = match.group(1)
        status = formdata.get(f"mark-{n}") if formdata.get(f"mark-{n}") in rules.STATUSES else None
        loaded = formdata.get(f"was-{n}") if formdata.get(f"was-{n}") in rules.STATUSES else None
        if status is None and all_present and loaded is None:
            status = "present"
        marks.append(PostedMark(int(n), status, loaded, _int(formdata.get(key))))
    return marks
