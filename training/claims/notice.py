"""The public notice of a claim (公示): who is proposed for a subsidy and how much, for anyone to read
without signing in, so that whoever knows better can object.

Reached by an unguessable address: the claim's id and an HMAC of it under the app's secret (no
record to keep; a new SECRET_KEY changes every address). Shown once the notice is published and
after (notice, review, approved, paid), never a draft, a submitted claim not yet published, nor a
returned version: those answer 404 like a wrong address.

Nothing here leaves the server unmasked: the rows are made masked (names as 王*英, ID numbers as
610924********1234) before any template sees them.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from training.claims.review_facts import claimed_lines
from training.extensions import db
from training.identity import mask_id_number, mask_name_public
from training.models import Claim, ClaimLine, ClaimStatus, Cohort

PUBLIC = (ClaimStatus.NOTICE, ClaimStatus.REVIEW, ClaimStatus.APPROVED, ClaimStatus.PAID)
ROBOTS = "noindex, nofollow, noarchive"
_DIGEST_CHARS = 32  # 128 bits


def _digest(secret: str, claim_id: int) -> str:
    message = f"claim-notice:{claim_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:_DIGEST_CHARS]


def token_for(secret: str, claim_id: int) -> str:
    """The notice's address part: the claim's id and its HMAC."""
    return f"{claim_id}-{_digest(secret, claim_id)}"


def claim_id_of(secret: str, token: str) -> int | None:
    """The claim a token names, or None for a token that is not one of ours."""
    number, _, digest = (token or "").partition("-")
    if not number.isdigit() or len(number) > 12:
        return None
    claim_id = int(number)
    return claim_id if hmac.compare_digest(digest, _digest(secret, claim_id)) else None


@dataclass(frozen=True)
class NoticeRow:
    number: int
    name: str  # masked
    id_number: str  # masked
    occupation: str
    level: int | None
    amount_yuan: Decimal


@dataclass(frozen=True)
class PublicNotice:
    course: str
    county: str
    cohort_code: str
    start_date: date
    end_date: date
    notice_starts_on: date
    notice_ends_on: date
    rows: list[NoticeRow]
    total_yuan: Decimal


def public_notice(secret: str, token: str) -> PublicNotice | None:
    """The notice a token opens, masked; None for a wrong token or a claim not (or no longer) on notice."""
    claim_id = claim_id_of(secret, token)
    if claim_id is None:
        return None
    claim = db.session.scalars(
        select(Claim)
        .where(Claim.id == claim_id, Claim.status.in_(PUBLIC))
        .options(
            joinedload(Claim.cohort).joinedload(Cohort.course),
            joinedload(Claim.cohort).joinedload(Cohort.county),
            selectinload(Claim.lines).selectinload(ClaimLine.objections),
        )
    ).first()
    if claim is None or claim.notice_starts_on is None or claim.notice_ends_on is None:
        return None
    lines = claimed_lines(claim)
    cohort = claim.cohort
    return PublicNotice(
        course=cohort.course.name,
        county=cohort.county.name,
        cohort_code=cohort.code,
        start_date=cohort.start_date,
        end_date=cohort.end_date,
        notice_starts_on=claim.notice_starts_on,
        notice_ends_on=claim.notice_ends_on,
        rows=[
            NoticeRow(
                number=n,
                name=mask_name_public(line.snapshot.get("name", "")),
                id_number=mask_id_number(line.snapshot.get("id_number")),
                occupation=line.snapshot.get("occupation", ""),
                level=line.snapshot.get("level"),
                amount_yuan=line.amount_yuan,
            )
            for n, line in enumerate(lines, start=1)
        ],
        total_yuan=sum((line.amount_yuan for line in lines), Decimal("0.00")),
    )
