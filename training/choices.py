"""Select options for WTForms (which wants SelectChoice objects, not tuples)."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3 class; types-WTForms 3.2 lacks it

__all__ = ["SelectChoice", "choices"]


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """[(value, label), …] as SelectChoice options; the field's coerce turns a posted value back."""
    return [SelectChoice(value, label) for value, label in pairs]
