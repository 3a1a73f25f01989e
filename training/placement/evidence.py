"""The evidence files of a placement (劳动合同, 就业协议, 营业执照 for the self-employed, 工资流水): what
a claim's evidence pack and an auditor look at to believe that a graduate has the job.

A file reaches these operations already checked by training/files.py (its type by its content,
its size, an image re-encoded). It is written to disk under its SHA-256 before the row that
points at it is added, so no row is committed without its file. Removing evidence deletes the
row, audited with what it was; the file stays under its hash, since an identical file may prove
another record, and nobody reaches it without a row. Operations raise EvidenceRefused and never
commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from training import audit, files
from training.exceptions import DomainError
from training.extensions import db
from training.files import CheckedFile
from training.models import EvidenceKind, Placement, PlacementEvidence, PlacementKind, User


class EvidenceRefused(DomainError):
    pass


@dataclass(frozen=True)
class EvidenceRow:
    evidence: PlacementEvidence
    uploaded_by: str | None


def snapshot(evidence: PlacementEvidence) -> dict:
    """What the audit trail keeps of an evidence file."""
    return {
        "placement_id": evidence.placement_id,
        "kind": evidence.kind,
        "filename": evidence.filename,
        "content_type": evidence.content_type,
        "size_bytes": evidence.size_bytes,
        "sha256": evidence.sha256,
    }


def placement_evidence(placement_id: int) -> list[EvidenceRow]:
    """The placement's files, oldest first, with who uploaded each: one statement."""
    rows = db.session.execute(
        select(PlacementEvidence, User.display_name, User.username)
        .outerjoin(User, User.id == PlacementEvidence.uploaded_by_id)
        .where(PlacementEvidence.placement_id == placement_id)
        .order_by(PlacementEvidence.uploaded_at, PlacementEvidence.id)
    )
    return [EvidenceRow(evidence, display_name or username) for evidence, display_name, username in rows]


def add_evidence(placement: Placement, kind: str, checked: CheckedFile, *, user_id: int) -> PlacementEvidence:
    """Keep a checked file as evidence of the placement."""
    if kind not in set(EvidenceKind):
        raise EvidenceRefused(_("Choose what the file is."))
    if kind == EvidenceKind.BUSINESS_LICENCE and placement.kind != PlacementKind.SELF_EMPLOYED:
        raise EvidenceRefused(
            _("A business licence proves self-employment; this job is not recorded as self-employed.")
        )
    evidence = PlacementEvidence(
        placement_id=placement.id,
        kind=kind,
        filename=checked.filename,
        content_type=checked.content_type,
        size_bytes=checked.size,
        sha256=files.store_evidence(checked),
        uploaded_by_id=user_id,
    )
    db.session.add(evidence)
    db.session.flush()
    audit.record(
        "placement_evidence_added", "placement_evidence", evidence.id, after=snapshot(evidence), actor_id=user_id
    )
    return evidence


def delete_evidence(evidence: PlacementEvidence, reason: str, *, user_id: int) -> None:
    """Remove the evidence from the placement; the audit trail keeps what it was, and why it went."""
    reason = (reason or "").strip()
    if not reason:
        raise EvidenceRefused(_("Say why the file is removed."))
    audit.record(
        "placement_evidence_deleted",
        "placement_evidence",
        evidence.id,
        before=snapshot(evidence),
        after={"reason": reason},
        actor_id=user_id,
    )
    db.session.delete(evidence)
    db.session.flush()
