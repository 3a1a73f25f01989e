"""Display labels of the domain's enumerations, in the user's language."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

ROLES = {
    "admin": _l("Administrator"),
    "coordinator": _l("Coordinator"),
    "trainer": _l("Trainer"),
    "trainee": _l("Trainee"),
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

SITE_KINDS = {
    "community_factory": _l("Community factory"),
    "resettlement_community": _l("Resettlement community"),
    "town_centre": _l("Town centre"),
    "training_school": _l("Training school"),
}


def template_labels() -> dict:
    return {
        "role_labels": ROLES,
        "cohort_status_labels": COHORT_STATUSES,
        "enrollment_status_labels": ENROLLMENT_STATUSES,
        "attendance_status_labels": ATTENDANCE_STATUSES,
        "category_labels": HOUSEHOLD_CATEGORIES,
        "site_kind_labels": SITE_KINDS,
        "training_type_labels": TRAINING_TYPES,
        "level_labels": VOCATIONAL_LEVELS,
    }
