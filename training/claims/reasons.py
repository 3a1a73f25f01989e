"""The words of a claim line's reasons (rules.py names them and keeps their facts), in the
language of the request: pages, documents and the command line show a reason with describe().

A line stores {"rule": …, "params": {…}}, never words, so that a claim prepared in one language
reads in another, and a reason's wording can improve without touching the claims on file.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from training.completion import completion_verdict, format_score
from training.labels import ENROLLMENT_STATUSES, HOUSEHOLD_CATEGORIES

CERTIFICATE_KINDS = {
    "own": _l("certificate of completion"),
    "skill_level": _l("vocational skill level certificate"),
    "special_ability": _l("special ability certificate"),
    "special_operation": _l("special operation permit"),
}


def certificate_kind(kind: str | None) -> str:
    """The name of a certificate kind ("own" or an external kind) in the user's language."""
    return str(CERTIFICATE_KINDS.get(kind or "", kind or ""))


def _listed(items) -> str:
    return pgettext("list separator", ", ").join(str(item) for item in items)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _not_completed(p: dict) -> str:
    verdict = completion_verdict(
        Decimal(p["attended_hours"]),
        Decimal(p["held_hours"]),
        p["min_attendance_pct"],
        _decimal(p["theory_score"]),
        _decimal(p["practical_score"]),
        p["pass_score"],
    )
    if verdict.shortfalls:
        return _("Not completed: %(why)s.", why=pgettext("sentence separator", "; ").join(verdict.reasons))
    status = ENROLLMENT_STATUSES.get(p["status"], p["status"])
    return _("Not recorded as completed: the enrollment is “%(status)s”.", status=status)


def _no_certificate(p: dict) -> str:
    if not p["accepted"]:
        return _("No certificate counts for this training type in the settings.")
    return _(
        "No certificate that counts for this training type (%(kinds)s).",
        kinds=_listed(certificate_kind(kind) for kind in p["accepted"]),
    )


def _certificate(p: dict, rule: str) -> str:
    values = {"kind": certificate_kind(p["kind"]), "number": p["number"]}
    if rule == "certificate_revoked":
        return _("The %(kind)s %(number)s is revoked.", **values)
    if rule == "certificate_unchecked":
        return _("The %(kind)s %(number)s has not been checked on the national query site.", **values)
    return _("The %(kind)s %(number)s was not found on the national query site.", **values)


def describe(reason: dict) -> str:
    """The words of one reason of a claim line."""
    rule, p = reason.get("rule", ""), reason.get("params") or {}
    if rule == "not_completed":
        return _not_completed(p)
    if rule == "hours_below_standard":
        return _(
            "The class held %(held)s hours, fewer than the %(minimum)d its subsidy standard requires.",
            held=format_score(Decimal(p["held_hours"])),
            minimum=p["min_hours"],
        )
    if rule == "no_certificate":
        return _no_certificate(p)
    if rule in ("certificate_revoked", "certificate_unchecked", "certificate_not_found"):
        return _certificate(p, rule)
    if rule == "yearly_limit":
        return _(
            "Already %(n)d subsidised trainings in %(year)d before this one (%(cohorts)s); the limit is %(limit)d a year.",
            n=len(p["cohorts"]),
            year=p["year"],
            cohorts=_listed(p["cohorts"]),
            limit=p["limit"],
        )
    if rule == "same_course":
        return _("The same occupation and level was subsidised before (%(cohorts)s).", cohorts=_listed(p["cohorts"]))
    if rule == "higher_level_done":
        return _("A higher level of this occupation was completed before (%(cohorts)s).", cohorts=_listed(p["cohorts"]))
    if rule == "window_passed":
        return _(
            "Too late: a certificate of %(issued_on)s can be claimed for %(months)d months, until %(deadline)s.",
            issued_on=p["issued_on"],
            months=p["months"],
            deadline=p["deadline"],
        )
    if rule == "evidence_missing":
        category = HOUSEHOLD_CATEGORIES.get(p["category"], p["category"])
        return _("No proof of the household category “%(category)s” is recorded.", category=category)
    if rule == "already_claimed":
        return _("Already a line of claim No. %(claim)d, which still stands.", claim=p["claim_id"])
    return " ".join([rule, *(f"{key}={value}" for key, value in sorted(p.items()))])
