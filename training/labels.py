"""Display labels of the domain's enumerations, in the user's language."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

ROLES = {
    "admin": _l("Administrator"),
    "coordinator": _l("Coordinator"),
    "trainer": _l("Trainer"),
    "trainee": _l("Trainee"),
    "reviewer": _l("Claims reviewer"),
}

COHORT_STATUSES = {
    "draft": _l("Draft"),
    "open": _l("Open for enrollment"),
    "running": _l("Running"),
    "finished": _l("Finished"),
    "closed": _l("Closed"),
}

ENROLLMENT_STATUSES = {
    "applied": _l("Applied"),
    "waitlisted": _l("Waiting list"),
    "enrolled": _l("Enrolled"),
    "declined": _l("Declined"),
    "withdrawn": _l("Withdrawn"),
    "completed": _l("Completed"),
    "failed": _l("Not passed"),
}

# A background job's state, as its progress page says it ("running" is not a class running).
JOB_STATUSES = {
    "queued": lazy_pgettext("job", "Queued"),
    "running": lazy_pgettext("job", "Running"),
    "done": lazy_pgettext("job", "Done"),
    "failed": lazy_pgettext("job", "Failed"),
}

ATTENDANCE_STATUSES = {
    "present": _l("Present"),
    "late": _l("Late"),
    "absent": _l("Absent"),
    "excused": _l("Excused"),
}

HOUSEHOLD_CATEGORIES = {
    "poverty_alleviated": _l("Poverty-alleviated"),
    "monitored": _l("Under monitoring"),
    "relocated": _l("Relocated"),
    "zero_employment": _l("Zero-employment household"),
    "returned_migrant": _l("Returned migrant worker"),
    "registered_unemployed": _l("Registered unemployed"),
    "school_leaver": _l("School leaver"),
    "disabled": _l("Person with disability"),
}

# National vocational levels: 5 (初级工) … 1 (高级技师).
VOCATIONAL_LEVELS = {
    5: _l("Level 5 (junior worker)"),
    4: _l("Level 4 (intermediate worker)"),
    3: _l("Level 3 (senior worker)"),
    2: _l("Level 2 (technician)"),
    1: _l("Level 1 (senior technician)"),
}

# Who a subsidised training is for, as the province's catalogue of standards names it.
TRAINING_TYPES = {
    "project": _l("Project-based training"),  # 项目制
    "employee": _l("Training of enterprise employees"),  # 企业职工
    "individual": _l("Self-enrolled individuals"),  # 个人自主
}

SESSION_KINDS = {"theory": _l("Theory"), "practice": _l("Practice")}

SITE_KINDS = {
    "community_factory": _l("Community factory"),
    "resettlement_community": _l("Resettlement community"),
    "town_centre": _l("Town centre"),
    "training_school": _l("Training school"),
}

# Subsidy claims: the steps of their life, what review decides of a line, what becomes of an objection.
CLAIM_STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "notice": _l("Public notice"),
    "review": _l("Under review"),
    "approved": _l("Approved"),
    "paid": _l("Paid"),
    "returned": _l("Returned for correction"),
}

# A class-opening filing's steps (models.FilingStatus).
FILING_STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Awaiting review"),
    "returned": _l("Returned for correction"),
    "approved": _l("Approved"),
}

LINE_DECISIONS = {
    "approved": lazy_pgettext("claim line", "Approved"),
    "rejected": lazy_pgettext("claim line", "Rejected"),
}

OBJECTION_OUTCOMES = {
    "pending": _l("Waiting for the outcome"),
    "upheld": _l("Upheld"),
    "dismissed": _l("Dismissed"),
}

# Skill certificates issued by other bodies (models.ExternalCertificateKind).
EXTERNAL_CERTIFICATE_KINDS = {
    "skill_level": _l("Skill level certificate"),
    "special_ability": _l("Special vocational ability certificate"),
    "special_operation": _l("Special operation certificate"),
}

# What a placement's evidence file is (models.EvidenceKind).
EVIDENCE_KINDS = {
    "contract": _l("Labour contract"),
    "agreement": _l("Employment agreement"),
    "business_licence": _l("Business licence (self-employed)"),
    "wage_slip": _l("Wage statement"),
}


def template_labels() -> dict:
    return {
        "role_labels": ROLES,
        "cohort_status_labels": COHORT_STATUSES,
        "enrollment_status_labels": ENROLLMENT_STATUSES,
        "attendance_status_labels": ATTENDANCE_STATUSES,
        "category_labels": HOUSEHOLD_CATEGORIES,
        "site_kind_labels": SITE_KINDS,
        "session_kind_labels": SESSION_KINDS,
        "claim_status_labels": CLAIM_STATUSES,
        "filing_status_labels": FILING_STATUSES,
        "line_decision_labels": LINE_DECISIONS,
        "objection_outcome_labels": OBJECTION_OUTCOMES,
        "external_certificate_kind_labels": EXTERNAL_CERTIFICATE_KINDS,
        "evidence_kind_labels": EVIDENCE_KINDS,
        "training_type_labels": TRAINING_TYPES,
        "level_labels": VOCATIONAL_LEVELS,
    }
