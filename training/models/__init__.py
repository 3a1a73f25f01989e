"""All models, importable from one place: `from training.models import Trainee`."""

from training.models.attendance import ATTENDED, Attendance, AttendanceStatus, MarkMethod
from training.models.audit import AuditEvent
from training.models.catalog import (
    ClassSession,
    Cohort,
    CohortStatus,
    Course,
    SessionKind,
    SiteKind,
    cohort_trainer,
)
from training.models.certificates import Certificate, CertificateStatus, SerialCounter, SigningKey
from training.models.enrollment import HOLDING_A_PLACE, SEATED, Enrollment, EnrollmentStatus
from training.models.jobs import Job, JobStatus
from training.models.people import (
    ActivationCode,
    County,
    HouseholdCategory,
    LoginSession,
    Role,
    Trainee,
    TraineeCategory,
    User,
)
from training.models.placement import Employer, FollowUp, Placement, PlacementKind, PlacementScope
from training.models.ratelimit import RateLimitCounter
from training.orm import Base, utcnow

__all__ = [
    "ActivationCode",
    "Attendance",
    "AttendanceStatus",
    "AuditEvent",
    "Base",
    "Certificate",
    "CertificateStatus",
    "ClassSession",
    "Cohort",
    "CohortStatus",
    "County",
    "Course",
    "Employer",
    "Enrollment",
    "EnrollmentStatus",
    "FollowUp",
    "HouseholdCategory",
    "Job",
    "JobStatus",
    "LoginSession",
    "MarkMethod",
    "Placement",
    "PlacementKind",
    "PlacementScope",
    "RateLimitCounter",
    "Role",
    "SerialCounter",
    "SessionKind",
    "SigningKey",
    "SiteKind",
    "Trainee",
    "TraineeCategory",
    "User",
    "SEATED",
    "HOLDING_A_PLACE",
    "ATTENDED",
    "cohort_trainer",
    "utcnow",
]
