"""Whether a cohort may start: the class-opening filing's part of catalog.services.change_status.

With FILING_REQUIRED_TO_START on (the default), a class starts only when its filing is approved,
everything that changed since then is recorded as a filing change, and every change is
acknowledged by a reviewer: the bureau knows the class that runs. Off, a class may start with any
filing or none. The refusal says what is missing. This module imports no feature that imports it
(the catalog calls it), so it reads the filing's models and rules only.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from training.filing import changes
from training.filing.lifecycle import filing_of
from training.models import Cohort, FilingStatus


def start_refusal(cohort: Cohort) -> str | None:
    """Why the cohort may not start yet as far as its filing goes, or None."""
    if not current_app.config["FILING_REQUIRED_TO_START"]:
        return None
    filing = filing_of(cohort.id)
    if filing is None:
        return _(
            "This cohort has no class-opening filing: prepare and submit it, and have it approved, before the class starts."
        )
    if filing.status == FilingStatus.DRAFT:
        return _("The class-opening filing is a draft: submit it, and have it approved, before the class starts.")
    if filing.status == FilingStatus.SUBMITTED:
        return _("The class-opening filing is awaiting review: it must be approved before the class starts.")
    if filing.status == FilingStatus.RETURNED:
        return _(
            "The class-opening filing was returned for correction (%(reason)s): correct it and submit it again.",
            reason=filing.returns[-1]["reason"] if filing.returns else "",
        )
    _now, found = changes.now_and_differences(filing, current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if found:
        return ngettext(
            "%(num)d difference from the approved filing is not recorded: record it as a filing change before the class starts.",
            "%(num)d differences from the approved filing are not recorded: record them as a filing change before the class starts.",
            len(found),
        )
    waiting = len(changes.unacknowledged(filing.changes))
    if waiting:
        return ngettext(
            "%(num)d filing change waits for a reviewer's acknowledgement before the class starts.",
            "%(num)d filing changes wait for a reviewer's acknowledgement before the class starts.",
            waiting,
        )
    return None
