"""The words of a claim line's reasons (ClaimLine.reasons: {"rule": …, "params": {…}}), made when
shown, in the reader's language.

A placeholder for claimcore's module of the same name, which knows every rule: this one knows the
rule the tests' claims carry and shows any other by its name, so that the claim pages can be built
and tested before the two branches are joined (the lead keeps claimcore's)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

_WORDS = {
    "not_completed": _l("Did not complete the training."),
}


def describe(reason: dict) -> str:
    """The reason in words: its sentence, or the rule's name for a rule this module does not know."""
    rule = str(reason.get("rule", ""))
    words = _WORDS.get(rule)
    return str(words) if words is not None else rule
