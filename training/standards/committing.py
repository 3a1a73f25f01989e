"""Step 2 of importing the province's catalogue: all of it or nothing.

commit() checks the file again; while any row is in error, or if the catalogue changed since
the preview the user saw (its fingerprint), nothing is written. Otherwise the updates, then the
new standards, are written through services.py (each audited, each checked again) into the
caller's transaction, with one event for the import; on any failure the caller rolls back.
Updates go first: a row that gives a standard its end date makes room for the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext

from training import audit
from training.sheets import ImportRefused, PreviewChanged
from training.standards import services
from training.standards.checking import Preview, preview


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0


def commit(path: Path, *, expected: str | None = None, filename: str = "") -> tuple[Preview, ImportResult]:
    """Step 2: check the file again and write every row, or refuse and write nothing (the caller rolls back)."""
    services.lock_catalogue()  # the preview compared with `expected` stays true until the commit
    plan = preview(path)
    _refuse_errors(plan)
    if expected is not None and plan.fingerprint != expected:
        raise PreviewChanged(
            _(
                "The catalogue changed since the preview, so nothing was imported. Check the new preview and import again."
            ),
            plan,
        )
    return plan, apply(plan, filename=filename)


def _refuse_errors(plan: Preview) -> None:
    """All or nothing: a sheet with a row in error is not imported at all."""
    errors = plan.of("error")
    if errors:
        raise ImportRefused(
            ngettext(
                "%(num)d row has an error, so nothing was imported: fix it in the sheet and upload it again.",
                "%(num)d rows have errors, so nothing was imported: fix them in the sheet and upload it again.",
                len(errors),
            )
        )


def apply(plan: Preview, *, filename: str = "") -> ImportResult:
    """Write a preview without errors into the current transaction: updates first, then new standards."""
    _refuse_errors(plan)
    result = ImportResult(skipped=len(plan.of("skip")))
    try:
        for row in plan.of("update"):
            assert row.standard is not None  # _match_catalogue found it
            services.update_standard(row.standard, row.valid_details())
            result.updated += 1
        for row in plan.of("create"):
            services.create_standard(row.valid_details())
            result.created += 1
    except services.StandardRefused as refusal:  # written meanwhile, by another request
        raise ImportRefused(
            _("Row %(row)d: %(reason)s Nothing was imported.", row=row.row, reason=str(refusal))
        ) from None
    audit.record("standards_imported", "subsidy_standard", None, after={"file": filename[:200], **vars(result)})
    return result
