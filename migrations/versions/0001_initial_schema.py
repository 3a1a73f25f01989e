"""initial schema: every domain table of DESIGN.md, and Ankang's counties

Revision ID: ec76c5d7e542
Revises:
Create Date: 2026-11-26 07:05:11.106310

"""

import sqlalchemy as sa
from alembic import op

import training.orm

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Ankang's county-level divisions; coordinators' and cohorts' county scope refers to them.
ANKANG_COUNTIES = [
    ("610902", "汉滨区"),
    ("610921", "汉阴县"),
    ("610922", "石泉县"),
    ("610923", "宁陕县"),
    ("610924", "紫阳县"),
    ("610925", "岚皋县"),
    ("610926", "平利县"),
    ("610927", "镇坪县"),
    ("610929", "白河县"),
    ("610981", "旬阳市"),
]


def upgrade():
    county = op.create_table(
        "county",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_county")),
    )
    op.bulk_insert(county, [{"code": code, "name": name} for code, name in ANKANG_COUNTIES])
    op.create_table(
        "course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("occupation", sa.String(length=80), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("labour_brand", sa.String(length=40), nullable=False),
        sa.Column("total_hours", sa.Integer(), nullable=False),
        sa.Column("min_attendance_pct", sa.Integer(), nullable=False),
        sa.Column("pass_score", sa.Integer(), nullable=False),
        sa.Column("subsidy_yuan", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("min_attendance_pct BETWEEN 1 AND 100", name=op.f("ck_course_min_attendance_range")),
        sa.CheckConstraint("pass_score BETWEEN 0 AND 100", name=op.f("ck_course_pass_score_range")),
        sa.CheckConstraint("total_hours > 0", name=op.f("ck_course_total_hours_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
        sa.UniqueConstraint("code", name=op.f("uq_course_code")),
    )
    op.create_table(
        "employer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("province", sa.String(length=30), nullable=False),
        sa.Column("city", sa.String(length=30), nullable=False),
        sa.Column("county", sa.String(length=30), nullable=False),
        sa.Column("industry", sa.String(length=60), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer")),
        sa.UniqueConstraint("uscc", name=op.f("uq_employer_uscc")),
    )
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employer_name"), ["name"], unique=False)

    op.create_table(
        "signing_key",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_signing_key")),
    )
    op.create_table(
        "cohort",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("site_name", sa.String(length=100), nullable=False),
        sa.Column("site_kind", sa.String(length=30), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("committed_placements", sa.Integer(), nullable=True),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "site_kind IN ('community_factory', 'resettlement_community', 'town_centre', 'training_school')",
            name=op.f("ck_cohort_site_kind_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'running', 'finished', 'closed')", name=op.f("ck_cohort_status_valid")
        ),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_cohort_capacity_positive")),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_cohort_dates_ordered")),
        sa.ForeignKeyConstraint(["county_code"], ["county.code"], name=op.f("fk_cohort_county_code_county")),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], name=op.f("fk_cohort_course_id_course")),
        sa.ForeignKeyConstraint(["employer_id"], ["employer.id"], name=op.f("fk_cohort_employer_id_employer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort")),
        sa.UniqueConstraint("code", name=op.f("uq_cohort_code")),
    )
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohort_county_code"), ["county_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohort_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohort_status"), ["status"], unique=False)

    op.create_table(
        "serial_counter",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["county_code"], ["county.code"], name=op.f("fk_serial_counter_county_code_county")),
        sa.PrimaryKeyConstraint("year", "county_code", name=op.f("pk_serial_counter")),
    )
    op.create_table(
        "trainee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("county_code", sa.String(length=6), nullable=True),
        sa.Column("town", sa.String(length=50), nullable=False),
        sa.Column("village", sa.String(length=50), nullable=False),
        sa.Column("education", sa.String(length=20), nullable=False),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["county_code"], ["county.code"], name=op.f("fk_trainee_county_code_county")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainee")),
        sa.UniqueConstraint("id_number", name=op.f("uq_trainee_id_number")),
    )
    with op.batch_alter_table("trainee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trainee_county_code"), ["county_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_trainee_name"), ["name"], unique=False)

    op.create_table(
        "class_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("hours", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("topic", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=120), nullable=False),
        sa.CheckConstraint("kind IN ('theory', 'practice')", name=op.f("ck_class_session_kind_valid")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_class_session_times_ordered")),
        sa.CheckConstraint("hours > 0", name=op.f("ck_class_session_hours_positive")),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohort.id"], name=op.f("fk_class_session_cohort_id_cohort"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_session")),
        sa.UniqueConstraint("cohort_id", "starts_at", name=op.f("uq_class_session_cohort_id_starts_at")),
    )
    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_class_session_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "trainee_category",
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.CheckConstraint(
            "category IN ('poverty_alleviated', 'monitored', 'relocated', 'zero_employment', 'returned_migrant', 'registered_unemployed', 'school_leaver', 'disabled')",
            name=op.f("ck_trainee_category_category_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainee.id"], name=op.f("fk_trainee_category_trainee_id_trainee"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("trainee_id", "category", name=op.f("pk_trainee_category")),
    )
    with op.batch_alter_table("trainee_category", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trainee_category_category"), ["category"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=True),
        sa.Column("trainee_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'coordinator', 'trainer', 'trainee')", name=op.f("ck_user_account_role_valid")
        ),
        sa.ForeignKeyConstraint(["county_code"], ["county.code"], name=op.f("fk_user_account_county_code_county")),
        sa.ForeignKeyConstraint(["trainee_id"], ["trainee.id"], name=op.f("fk_user_account_trainee_id_trainee")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("trainee_id", name=op.f("uq_user_account_trainee_id")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("entity_type", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"], name=op.f("fk_audit_event_actor_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_event_entity", ["entity_type", "entity_id"], unique=False)

    op.create_table(
        "cohort_trainer",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohort.id"], name=op.f("fk_cohort_trainer_cohort_id_cohort"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_cohort_trainer_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("cohort_id", "user_id", name=op.f("pk_cohort_trainer")),
    )
    with op.batch_alter_table("cohort_trainer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohort_trainer_user_id"), ["user_id"], unique=False)

    op.create_table(
        "enrollment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("subsidised", sa.Boolean(), nullable=False),
        sa.Column("subsidy_override_reason", sa.Text(), nullable=True),
        sa.Column("theory_score", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("practical_score", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("applied_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("waitlisted_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('applied', 'waitlisted', 'enrolled', 'declined', 'withdrawn', 'completed', 'failed')",
            name=op.f("ck_enrollment_status_valid"),
        ),
        sa.CheckConstraint("practical_score BETWEEN 0 AND 100", name=op.f("ck_enrollment_practical_score_range")),
        sa.CheckConstraint("theory_score BETWEEN 0 AND 100", name=op.f("ck_enrollment_theory_score_range")),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_enrollment_cohort_id_cohort")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_enrollment_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["trainee_id"], ["trainee.id"], name=op.f("fk_enrollment_trainee_id_trainee")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment")),
        sa.UniqueConstraint("trainee_id", "cohort_id", name=op.f("uq_enrollment_trainee_id_cohort_id")),
    )
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrollment_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrollment_trainee_id"), ["trainee_id"], unique=False)

    op.create_table(
        "job",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_job_status_valid")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], name=op.f("fk_job_created_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_login_session_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_session_token_hash")),
    )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("method IN ('roster', 'qr', 'code', 'correction')", name=op.f("ck_attendance_method_valid")),
        sa.CheckConstraint(
            "status IN ('present', 'late', 'absent', 'excused')", name=op.f("ck_attendance_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollment.id"],
            name=op.f("fk_attendance_enrollment_id_enrollment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"], ["user_account.id"], name=op.f("fk_attendance_marked_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["class_session.id"],
            name=op.f("fk_attendance_session_id_class_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("enrollment_id", "session_id", name=op.f("uq_attendance_enrollment_id_session_id")),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_session_id"), ["session_id"], unique=False)

    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("issued_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoke_category", sa.String(length=30), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('valid', 'revoked', 'superseded')", name=op.f("ck_certificate_status_valid")),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["enrollment.id"], name=op.f("fk_certificate_enrollment_id_enrollment")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["user_account.id"], name=op.f("fk_certificate_issued_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["key_id"], ["signing_key.key_id"], name=op.f("fk_certificate_key_id_signing_key")),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"], ["certificate.id"], name=op.f("fk_certificate_superseded_by_id_certificate")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
        sa.UniqueConstraint("serial", name=op.f("uq_certificate_serial")),
        sa.UniqueConstraint("token", name=op.f("uq_certificate_token")),
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_enrollment_id"), ["enrollment_id"], unique=False)
        batch_op.create_index(
            "uq_certificate_valid_enrollment",
            ["enrollment_id"],
            unique=True,
            sqlite_where=sa.text("status = 'valid'"),
            postgresql_where=sa.text("status = 'valid'"),
        )

    op.create_table(
        "placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=80), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("monthly_wage", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("contract_months", sa.Integer(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('directed', 'self_found', 'self_employed', 'community_factory', 'public_welfare')",
            name=op.f("ck_placement_kind_valid"),
        ),
        sa.CheckConstraint(
            "scope IN ('same_county', 'in_city', 'in_province', 'out_of_province')",
            name=op.f("ck_placement_scope_valid"),
        ),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name=op.f("ck_placement_dates_ordered")),
        sa.CheckConstraint("monthly_wage >= 0", name=op.f("ck_placement_wage_not_negative")),
        sa.ForeignKeyConstraint(["employer_id"], ["employer.id"], name=op.f("fk_placement_employer_id_employer")),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["enrollment.id"], name=op.f("fk_placement_enrollment_id_enrollment")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_placement_recorded_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["trainee_id"], ["trainee.id"], name=op.f("fk_placement_trainee_id_trainee")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement")),
    )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_enrollment_id"), ["enrollment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_trainee_id"), ["trainee_id"], unique=False)

    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("due_months", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("done_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("still_employed", sa.Boolean(), nullable=True),
        sa.Column("same_employer", sa.Boolean(), nullable=True),
        sa.Column("monthly_wage", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("due_months IN (3, 6, 12)", name=op.f("ck_follow_up_due_months_valid")),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["user_account.id"], name=op.f("fk_follow_up_checked_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placement.id"], name=op.f("fk_follow_up_placement_id_placement"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
        sa.UniqueConstraint("placement_id", "due_months", name=op.f("uq_follow_up_placement_id_due_months")),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_due_date"), ["due_date"], unique=False)


def downgrade():
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_due_date"))

    op.drop_table("follow_up")
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_trainee_id"))
        batch_op.drop_index(batch_op.f("ix_placement_enrollment_id"))
        batch_op.drop_index(batch_op.f("ix_placement_employer_id"))

    op.drop_table("placement")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_certificate_valid_enrollment",
            sqlite_where=sa.text("status = 'valid'"),
            postgresql_where=sa.text("status = 'valid'"),
        )
        batch_op.drop_index(batch_op.f("ix_certificate_enrollment_id"))

    op.drop_table("certificate")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_session_id"))

    op.drop_table("attendance")
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_user_id"))

    op.drop_table("login_session")
    op.drop_table("job")
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollment_trainee_id"))
        batch_op.drop_index(batch_op.f("ix_enrollment_cohort_id"))

    op.drop_table("enrollment")
    with op.batch_alter_table("cohort_trainer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_trainer_user_id"))

    op.drop_table("cohort_trainer")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_entity")
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    op.drop_table("user_account")
    with op.batch_alter_table("trainee_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trainee_category_category"))

    op.drop_table("trainee_category")
    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_session_starts_at"))

    op.drop_table("class_session")
    with op.batch_alter_table("trainee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trainee_name"))
        batch_op.drop_index(batch_op.f("ix_trainee_county_code"))

    op.drop_table("trainee")
    op.drop_table("serial_counter")
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_status"))
        batch_op.drop_index(batch_op.f("ix_cohort_course_id"))
        batch_op.drop_index(batch_op.f("ix_cohort_county_code"))

    op.drop_table("cohort")
    op.drop_table("signing_key")
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employer_name"))

    op.drop_table("employer")
    op.drop_table("course")
    op.drop_table("county")
