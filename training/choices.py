"""Select options for WTForms (which wants SelectChoice objects, not tuples)."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """[(value, label), …] as SelectChoice options."""
    return [SelectChoice(value, label) for value, label in pairs]
