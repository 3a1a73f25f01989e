"""The rules of a subsidy claim (补贴申领) as pure functions: no Flask request, no database.

A claim holds one line per subsidised admission of a finished cohort (an admission that is not
subsidised is no line at all). A line is eligible when no reason stands against it; every reason
is a rule name and the facts it was judged on, {"rule": …, "params": {…}} (reasons.py makes the
words):

- not_completed: the completion rule (training/completion.py) is not met, or the enrollment is
  not recorded as completed;
- hours_below_standard: the class held fewer hours than its frozen standard's minimum;
- no_certificate, certificate_revoked, certificate_unchecked, certificate_not_found: no
  certificate of a kind that counts for the cohort's training type (CLAIM_CERTIFICATES) stands:
  ours ("own") must be valid; another body's must not be revoked and must have been found on the
  national query site (not yet checked, or checked and not found, is a reason of its own);
- yearly_limit, same_course, higher_level_done: the subsidy rules (enrollment/rules.py's
  subsidy_conflicts) over the person's trainings that started before this one, so that of two
  trainings that collide the earlier one is still claimed;
- window_passed: claimed later than CLAIM_WINDOW_MONTHS after the certificate's date;
- evidence_missing: a household category of CLAIM_EVIDENCE_CATEGORIES whose proof is not recorded;
- already_claimed: the enrollment is a line of another claim that still stands.

Every reason that applies is listed, not only the first. The amount of an eligible line is the
standard × the tier, in Decimal to the fen (ROUND_HALF_UP); an ineligible line is kept at 0; the
total is the sum of the lines. The tier comes from the cohort's employment rate (employed ÷
completed, measured CLAIM_MEASURE_MONTHS after its end) through the table CLAIM_TIERS.

The settings are settings.py's, parsed and checked when the app starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from training.claims.settings import CERTIFICATE_KINDS, OWN, ClaimRules, Tier
from training.completion import completion_verdict
from training.enrollment.rules import MAX_SUBSIDISED_PER_YEAR, PastTraining, subsidy_conflicts
from training.models import EnrollmentStatus, HouseholdCategory
from training.placement.rules import add_months

FEN = Decimal("0.01")
NO_MONEY = Decimal("0.00")


# ---------------------------------------------------------------- the payout


def measuring_date(end_date: date, months: int) -> date:
    """The day the employment rate is measured: `months` after the cohort's end (the earliest day
    its claim can be prepared)."""
    return add_months(end_date, months)


def rate_pct(employed: int, completed: int) -> Decimal | None:
    """employed ÷ completed in %, rounded down to 0.01 so that a rate below a tier never reads as
    it (tiers start at 0.01 steps, so the tier of the rounded rate is that of the exact one);
    None when nobody completed."""
    if not completed:
        return None
    return (Decimal(employed * 100) / Decimal(completed)).quantize(FEN, rounding=ROUND_FLOOR)


def tier_for(rate: Decimal | None, tiers: Iterable[Tier]) -> int:
    """The share of the standard (%) paid at this employment rate (%); nobody completed: 0."""
    if rate is None:
        return 0
    share = 0
    for tier in tiers:
        if rate >= tier.from_pct:
            share = tier.share_pct
    return share


def amount(standard_yuan: Decimal, tier_pct: int, eligible: bool) -> Decimal:
    """A line's amount: the standard × the tier, to the fen; 0 when the line is not eligible."""
    if not eligible:
        return NO_MONEY
    return (Decimal(standard_yuan) * tier_pct / 100).quantize(FEN, rounding=ROUND_HALF_UP)


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The claim's total: the sum of its lines."""
    return sum(amounts, NO_MONEY).quantize(FEN)


# ---------------------------------------------------------------- a line's verdict


@dataclass(frozen=True)
class CertificateFact:
    """A certificate of the enrollment: ours (kind "own") or another body's."""

    kind: str
    number: str
    issued_on: date
    revoked: bool = False
    found: bool | None = True  # the national query site's check: None until someone looked (ours need none)

    @property
    def stands(self) -> bool:
        return not self.revoked and self.found is True


@dataclass(frozen=True)
class OtherTraining:
    """Another training of the same person, as the subsidy rules see it, and when it started."""

    cohort_id: int
    started_on: date
    training: PastTraining


@dataclass(frozen=True)
class CohortFacts:
    cohort_id: int
    training_type: str
    occupation: str
    level: int
    start_date: date
    held_hours: Decimal  # hours of the sessions held
    min_attendance_pct: int
    pass_score: int
    standard_min_hours: int | None


@dataclass(frozen=True)
class LineFacts:
    enrollment_id: int
    status: str
    attended_hours: Decimal
    theory_score: Decimal | None
    practical_score: Decimal | None
    categories: Mapping[str, str | None]  # household category → its proof as recorded (None: none)
    certificates: tuple[CertificateFact, ...] = ()
    other_trainings: tuple[OtherTraining, ...] = ()
    standing_claims: tuple[int, ...] = ()  # ids of other standing claims with a line of this enrollment


@dataclass(frozen=True)
class LineVerdict:
    reasons: tuple[dict, ...]
    certificate: CertificateFact | None  # the certificate the line is claimed on

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def rules(self) -> list[str]:
        return [reason["rule"] for reason in self.reasons]


def reason(rule: str, **params) -> dict:
    """A reason as a claim line stores it (JSON: strings, numbers, lists, None)."""
    return {"rule": rule, "params": params}


def judge(line: LineFacts, cohort: CohortFacts, rules: ClaimRules, today: date) -> LineVerdict:
    """A line's verdict on `today`, with every reason it is not eligible."""
    certificate, certificate_reasons = choose_certificate(line.certificates, rules.counting_kinds(cohort.training_type))
    reasons = [
        *_completion(line, cohort),
        *_hours(cohort),
        *certificate_reasons,
        *_subsidy(line, cohort),
        *(_window(certificate, rules.window_months, today) if certificate else []),
        *_evidence(line.categories, rules.evidence_categories),
        *(reason("already_claimed", claim_id=claim_id) for claim_id in line.standing_claims),
    ]
    return LineVerdict(tuple(reasons), certificate)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _completion(line: LineFacts, cohort: CohortFacts) -> list[dict]:
    verdict = completion_verdict(
        line.attended_hours,
        cohort.held_hours,
        cohort.min_attendance_pct,
        line.theory_score,
        line.practical_score,
        cohort.pass_score,
    )
    if verdict.eligible and line.status == EnrollmentStatus.COMPLETED:
        return []
    return [
        reason(
            "not_completed",
            status=line.status,
            attended_hours=_text(Decimal(line.attended_hours)),
            held_hours=_text(Decimal(cohort.held_hours)),
            min_attendance_pct=cohort.min_attendance_pct,
            theory_score=_text(line.theory_score),
            practical_score=_text(line.practical_score),
            pass_score=cohort.pass_score,
        )
    ]


def _hours(cohort: CohortFacts) -> list[dict]:
    minimum = cohort.standard_min_hours
    if minimum is None or cohort.held_hours >= minimum:
        return []
    return [reason("hours_below_standard", held_hours=_text(Decimal(cohort.held_hours)), min_hours=minimum)]


def choose_certificate(
    certificates: Iterable[CertificateFact], counting: tuple[str, ...]
) -> tuple[CertificateFact | None, list[dict]]:
    """The standing certificate of a counting kind the line is claimed on (the newest), or why none stands."""
    candidates = [c for c in certificates if c.kind in counting]
    standing = [c for c in candidates if c.stands]
    if standing:
        return max(standing, key=lambda c: (c.issued_on, c.kind == OWN, c.number)), []
    if not candidates:
        return None, [reason("no_certificate", accepted=list(counting))]
    reasons = []
    for c in sorted(candidates, key=lambda c: (CERTIFICATE_KINDS.index(c.kind), c.number)):
        rule = (
            "certificate_revoked"
            if c.revoked
            else "certificate_unchecked"
            if c.found is None
            else "certificate_not_found"
        )
        reasons.append(reason(rule, kind=c.kind, number=c.number))
    return None, reasons


def earlier_trainings(line: LineFacts, cohort: CohortFacts) -> list[PastTraining]:
    """The person's trainings that started before this one (the same day: the earlier cohort)."""
    this = (cohort.start_date, cohort.cohort_id)
    return [o.training for o in line.other_trainings if (o.started_on, o.cohort_id) < this]


def _subsidy(line: LineFacts, cohort: CohortFacts) -> list[dict]:
    reasons = []
    year = cohort.start_date.year
    for conflict in subsidy_conflicts(earlier_trainings(line, cohort), cohort.occupation, cohort.level, year):
        codes = [t.cohort_code for t in conflict.trainings]
        if conflict.rule == "yearly_limit":
            reasons.append(reason(conflict.rule, year=year, limit=MAX_SUBSIDISED_PER_YEAR, cohorts=codes))
        else:
            reasons.append(reason(conflict.rule, cohorts=codes))
    return reasons


def claim_deadline(issued_on: date, window_months: int) -> date:
    """The last day a claim may be made on a certificate of this date."""
    return add_months(issued_on, window_months)


def _window(certificate: CertificateFact, window_months: int, today: date) -> list[dict]:
    deadline = claim_deadline(certificate.issued_on, window_months)
    if today <= deadline:
        return []
    return [
        reason(
            "window_passed",
            issued_on=certificate.issued_on.isoformat(),
            deadline=deadline.isoformat(),
            months=window_months,
        )
    ]


def _evidence(categories: Mapping[str, str | None], needing: frozenset[str]) -> list[dict]:
    return [
        reason("evidence_missing", category=category.value)
        for category in HouseholdCategory
        if category in needing and category.value in categories and not (categories[category.value] or "").strip()
    ]
