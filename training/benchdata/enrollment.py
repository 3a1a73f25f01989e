"""Bench enrollment: every member's enrollment, attendance marks and scores, and the attendance rows.

EnrollmentRows is the part of BenchData that plans and writes them; it relies on the shared
state (training.benchdata.state): the random stream, ids(), cohort plans, courses and coordinators.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

from training.benchdata.catalog import CohortPlan
from training.benchdata.state import BenchState, _local
from training.completion import meets_completion
from training.models import Attendance, CohortStatus, Enrollment, EnrollmentStatus
from training.orm import table_of

MARKS = {"P": "present", "Q": "present", "L": "late", "A": "absent", "E": "excused"}


@dataclass
class EnrollmentPlan:
    id: int
    trainee: int
    cohort: CohortPlan
    status: EnrollmentStatus
    marks: str  # one MARKS letter per session marked, in session order
    theory: Decimal | None = None
    practical: Decimal | None = None


class EnrollmentRows(BenchState):
    """Enrollments with their status and scores, and one attendance row per mark."""

    def plan_enrollments(self) -> None:
        """Status, attendance marks and scores of every enrollment."""
        rng, now = self.rng, self.now
        total = sum(len(c.members) for c in self.cohorts)
        ids = iter(self.ids(table_of(Enrollment), total))
        self.enrollments = []
        for cohort in self.cohorts:
            ended = sum(1 for _, _, ends in cohort.sessions if ends <= now)
            finished = cohort.status in (CohortStatus.FINISHED, CohortStatus.CLOSED)
            course = self.course_rows[cohort.course]
            for trainee in cohort.members:
                plan = EnrollmentPlan(next(ids), trainee, cohort, EnrollmentStatus.ENROLLED, "")
                if cohort.status == CohortStatus.OPEN:
                    plan.status = EnrollmentStatus.APPLIED if rng.random() < 0.15 else EnrollmentStatus.ENROLLED
                else:
                    marked = ended
                    if rng.random() < 0.03:
                        plan.status, marked = EnrollmentStatus.WITHDRAWN, rng.randint(0, min(ended, 6))
                    plan.marks = self.marks(marked)
                    if finished and plan.status != EnrollmentStatus.WITHDRAWN:
                        plan.theory, plan.practical = self.score(), self.score()
                        attended = Decimal(4 * sum(plan.marks.count(m) for m in "PQL"))
                        scheduled = Decimal(4 * len(cohort.sessions))
                        passed = meets_completion(
                            attended,
                            scheduled,
                            course["min_attendance_pct"],
                            plan.theory,
                            plan.practical,
                            course["pass_score"],
                        )
                        plan.status = EnrollmentStatus.COMPLETED if passed else EnrollmentStatus.FAILED
                self.enrollments.append(plan)

    def score(self) -> Decimal:
        """Most pass the pass score of 60; one in twelve is a weak candidate."""
        return Decimal(self.rng.randint(40, 75) if self.rng.random() < 0.08 else self.rng.randint(62, 98))

    def marks(self, count: int) -> str:
        rng = self.rng
        diligence = rng.choice((1.0, 1.0, 0.97, 0.97, 0.95, 0.95, 0.92, 0.9, 0.85, 0.6))
        return "".join(
            ("Q" if rng.random() < 0.3 else "P") if rng.random() < diligence else rng.choice("LLAAE")
            for _ in range(count)
        )

    def enrollment_rows(self) -> Iterator[dict]:
        rng = random.Random(self.seed * 7919 + 3)
        for e in self.enrollments:
            cohort = e.cohort
            applied = self.opened(cohort) + timedelta(minutes=rng.randrange(30 * 24 * 60))
            decided = e.status != EnrollmentStatus.APPLIED
            if e.status in (EnrollmentStatus.COMPLETED, EnrollmentStatus.FAILED):
                changed = _local(cohort.end + timedelta(days=3), time(10), self.zone)
            else:
                changed = applied + timedelta(days=2) if decided else applied
            yield dict(
                id=e.id,
                trainee_id=self.trainee_ids[e.trainee],
                cohort_id=cohort.id,
                status=str(e.status),
                subsidised=True,
                subsidy_override_reason=None,
                theory_score=e.theory,
                practical_score=e.practical,
                applied_at=applied,
                waitlisted_at=None,
                status_changed_at=changed,
                decided_by_id=self.coordinator[cohort.county] if decided else None,
                decision_reason=None,
            )

    def attendance_rows(self) -> Iterator[dict]:
        ids = iter(self.ids(table_of(Attendance), sum(len(e.marks) for e in self.enrollments)))
        for e in self.enrollments:
            marker = e.cohort.trainers[0]
            for mark, (session_id, _, ends) in zip(e.marks, e.cohort.sessions, strict=False):
                yield dict(
                    id=next(ids),
                    enrollment_id=e.id,
                    session_id=session_id,
                    status=MARKS[mark],
                    method="qr" if mark == "Q" else "roster",
                    marked_by_id=marker,
                    marked_at=ends,
                    version=1,
                )
