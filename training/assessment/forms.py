"""The score grid (two score cells per trainee, built for the cohort's roster) and the finalise form."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField
from wtforms.widgets import TextInput

from training.completion import format_score

SCORE_PATTERN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
SCORE_KINDS = ("theory", "practical")


def parse_score(text: str | None) -> Decimal | None:
    """A typed score as a Decimal (None when empty); ValueError with a message for the user otherwise.

    Full-width digits, the ideographic full stop and a typographic minus (what a Chinese
    keyboard or a pasted text may hold) read as their plain forms.
    """
    text = unicodedata.normalize("NFKC", text or "").replace("。", ".").replace("\u2212", "-").strip()
    if not text:
        return None
    if not SCORE_PATTERN.match(text):
        raise ValueError(_("Enter a number from 0 to 100, such as 85 or 85.5."))
    score = Decimal(text)
    if not 0 <= score <= 100:
        raise ValueError(_("A score is from 0 to 100."))
    if score != score.quantize(Decimal("0.1")):
        raise ValueError(_("At most one decimal place, such as 85.5."))
    return score.quantize(Decimal("0.1"))


def show_score(score: Decimal | None) -> str:
    return "" if score is None else format_score(score)


class ScoreField(Field):
    """A score cell: a text input with a decimal keypad, which shows back exactly what was typed."""

    widget = TextInput()

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else show_score(self.data)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = parse_score(valuelist[0])  # a ValueError becomes this field's error


class ScoreGridForm(FlaskForm):
    """CSRF only; score_grid_form() adds a theory and a practical cell (and what each held) per enrollment."""

    def cell(self, kind: str, enrollment_id: int) -> ScoreField:
        return self[f"{kind}_{enrollment_id}"]

    def loaded(self, kind: str, enrollment_id: int) -> Decimal | None:
        """The score as the grid showed it when it was loaded (to tell edited cells from untouched ones)."""
        try:
            return parse_score(self[f"was_{kind}_{enrollment_id}"].data)
        except ValueError:
            return None

    def seen(self, kind: str, enrollment_id: int, score: Decimal | None) -> None:
        """Record that the user has now seen this score (after someone else changed it)."""
        self[f"was_{kind}_{enrollment_id}"].data = show_score(score)

    def entered(self, enrollments) -> dict[int, dict[str, tuple[Decimal | None, Decimal | None]]]:
        """Per enrollment, the cells the user changed: {kind: (as loaded, as entered)}."""
        changes: dict[int, dict] = {}
        for enrollment in enrollments:
            for kind in SCORE_KINDS:
                was, now = self.loaded(kind, enrollment.id), self.cell(kind, enrollment.id).data
                if was != now:
                    changes.setdefault(enrollment.id, {})[kind] = (was, now)
        return changes


def score_grid_form(enrollments, **kwargs) -> ScoreGridForm:
    """A grid form with cells for these enrollments, filled with their current scores."""

    class Grid(ScoreGridForm):
        pass

    data = {}
    for enrollment in enrollments:
        for kind in SCORE_KINDS:
            score = getattr(enrollment, f"{kind}_score")
            setattr(
                Grid, f"{kind}_{enrollment.id}", ScoreField(render_kw={"inputmode": "decimal", "autocomplete": "off"})
            )
            setattr(Grid, f"was_{kind}_{enrollment.id}", HiddenField())
            data[f"{kind}_{enrollment.id}"] = score
            data[f"was_{kind}_{enrollment.id}"] = show_score(score)
    return Grid(data=data, **kwargs)


class FinaliseForm(FlaskForm):
    """CSRF only: the decision itself is computed, not typed."""
