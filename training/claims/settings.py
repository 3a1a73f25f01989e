"""The settings of subsidy claims, parsed and checked: the tier table (CLAIM_TIERS), which
certificates count for which training type (CLAIM_CERTIFICATES), the household categories whose
proof a line needs (CLAIM_EVIDENCE_CATEGORIES), the claim window and the measuring delay.

create_app calls ClaimRules.from_config, so a setting that cannot work (a tier table that does not
start at 0, does not rise strictly or pays a share outside 0-100 %, an unknown kind or category)
stops the start with a message naming it, instead of a claim paid by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from training.models import ExternalCertificateKind, TrainingType
from training.trainees import category_evidence

OWN = "own"  # our own 结业证书 (models/certificates.Certificate)
CERTIFICATE_KINDS = (OWN, *(kind.value for kind in ExternalCertificateKind))


class SettingRefused(ValueError):
    """A claim setting that cannot work; the message names the setting."""


@dataclass(frozen=True)
class Tier:
    """From this employment rate (in %, inclusive) the claim pays this share of the standard (%)."""

    from_pct: Decimal
    share_pct: int


def parse_tiers(text: str, name: str = "CLAIM_TIERS") -> tuple[Tier, ...]:
    """ "0:0,50:60,65:80,80:100" → the tiers; refused unless it starts at 0, rises strictly and
    pays whole shares from 0 to 100 %."""
    example = "'0:0,50:60,65:80,80:100' (rate from % : share of the standard paid %)"
    items = [item.strip() for item in str(text or "").split(",") if item.strip()]
    if not items:
        raise SettingRefused(f"{name} is empty: give the tiers as {example}")
    tiers = []
    for item in items:
        rate, colon, share = item.partition(":")
        try:
            if not colon:
                raise ValueError
            from_pct, share_pct = Decimal(rate.strip()), int(share.strip())
        except (InvalidOperation, ValueError):
            raise SettingRefused(
                f"{name}: {item!r} is not a tier; give rate-from:share, whole shares, as {example}"
            ) from None
        exponent = from_pct.as_tuple().exponent
        if not from_pct.is_finite() or not 0 <= from_pct <= 100 or (isinstance(exponent, int) and exponent < -2):
            raise SettingRefused(f"{name}: the rate {rate.strip()!r} must be a percentage from 0 to 100 (0.01 at most)")
        if not 0 <= share_pct <= 100:
            raise SettingRefused(f"{name}: the share {share_pct} in {item!r} is outside 0-100 %")
        tiers.append(Tier(from_pct, share_pct))
    if tiers[0].from_pct != 0:
        raise SettingRefused(f"{name} must start at 0 % (it starts at {tiers[0].from_pct} %): {text!r}")
    for lower, higher in pairwise(tiers):
        if higher.from_pct <= lower.from_pct:
            raise SettingRefused(
                f"{name} must rise strictly: {higher.from_pct} % comes after {lower.from_pct} % in {text!r}"
            )
    return tuple(tiers)


def parse_certificates(text: str, name: str = "CLAIM_CERTIFICATES") -> dict[str, frozenset[str]]:
    """ "project=own,skill_level;employee=skill_level" → which kinds count for each training type
    (a type not named: none counts)."""
    counting: dict[str, frozenset[str]] = {}
    for part in (p.strip() for p in str(text or "").split(";")):
        if not part:
            continue
        training_type, equals, kinds = part.partition("=")
        training_type = training_type.strip()
        if not equals or training_type not in set(TrainingType):
            raise SettingRefused(f"{name}: {part!r} must read type=kind,kind… with a type of {', '.join(TrainingType)}")
        named = [k.strip() for k in kinds.split(",") if k.strip()]
        unknown = sorted(set(named) - set(CERTIFICATE_KINDS))
        if unknown:
            raise SettingRefused(
                f"{name}: unknown kinds {unknown} for {training_type}; known: {list(CERTIFICATE_KINDS)}"
            )
        if training_type in counting:
            raise SettingRefused(f"{name} names {training_type} twice")
        counting[training_type] = frozenset(named)
    return counting


def parse_categories(text: str) -> frozenset[str]:
    """ "poverty_alleviated,disabled" → the household categories whose proof a line needs (the trainee
    page's reading of the same setting, which marks the proof missing)."""
    try:
        return category_evidence.parse_categories_needing_evidence(text)
    except ValueError as error:
        raise SettingRefused(str(error)) from None


def _months(config: Mapping, name: str, highest: int) -> int:
    try:
        months = int(config[name])
    except (TypeError, ValueError):
        raise SettingRefused(f"{name} must be a whole number of months, not {config[name]!r}") from None
    if not 1 <= months <= highest:
        raise SettingRefused(f"{name} must be 1-{highest} months, not {months}")
    return months


@dataclass(frozen=True)
class ClaimRules:
    """The claim settings in force, parsed and checked."""

    tiers: tuple[Tier, ...]
    certificates: Mapping[str, frozenset[str]]
    evidence_categories: frozenset[str]
    window_months: int
    measure_months: int

    @classmethod
    def from_config(cls, config: Mapping) -> ClaimRules:
        """The settings from app.config; SettingRefused names the first one that cannot work."""
        return cls(
            tiers=parse_tiers(config["CLAIM_TIERS"]),
            certificates=parse_certificates(config["CLAIM_CERTIFICATES"]),
            evidence_categories=parse_categories(config["CLAIM_EVIDENCE_CATEGORIES"]),
            window_months=_months(config, "CLAIM_WINDOW_MONTHS", 120),
            measure_months=_months(config, "CLAIM_MEASURE_MONTHS", 36),
        )

    def counting_kinds(self, training_type: str) -> tuple[str, ...]:
        """The certificate kinds that count for this training type, in CERTIFICATE_KINDS order."""
        kinds = self.certificates.get(training_type, frozenset())
        return tuple(kind for kind in CERTIFICATE_KINDS if kind in kinds)
