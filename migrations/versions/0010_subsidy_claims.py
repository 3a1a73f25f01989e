"""subsidy claims: standards, external certificates, claims with their lines and objections,
placement evidence, the proof of a household category, the reviewer role

A cohort's training type defaults to 项目制 for the cohorts there are. The role CHECK
constraint is recreated to admit the reviewer.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 12:42:42.549157

"""

import sqlalchemy as sa
from alembic import op

import training.orm

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('admin', 'coordinator', 'trainer', 'trainee')"
ROLES_NOW = "role IN ('admin', 'coordinator', 'trainer', 'trainee', 'reviewer')"


def upgrade():
    op.create_table(
        "subsidy_standard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occupation", sa.String(length=80), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("training_type", sa.String(length=20), nullable=False),
        sa.Column("yuan", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("min_hours", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "training_type IN ('project', 'employee', 'individual')",
            name=op.f("ck_subsidy_standard_training_type_valid"),
        ),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name=op.f("ck_subsidy_standard_level_range")),
        sa.CheckConstraint("min_hours > 0", name=op.f("ck_subsidy_standard_min_hours_positive")),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_subsidy_standard_dates_ordered")
        ),
        sa.CheckConstraint("yuan >= 0", name=op.f("ck_subsidy_standard_yuan_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_standard")),
        sa.UniqueConstraint(
            "occupation",
            "level",
            "training_type",
            "valid_from",
            name=op.f("uq_subsidy_standard_occupation_level_training_type_valid_from"),
        ),
    )
    with op.batch_alter_table("subsidy_standard", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_standard_occupation"), ["occupation"], unique=False)

    op.create_table(
        "subsidy_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("completed_count", sa.Integer(), nullable=False),
        sa.Column("employed_count", sa.Integer(), nullable=False),
        sa.Column("tier_pct", sa.Integer(), nullable=False),
        sa.Column("standard_yuan", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("total_yuan", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("prepared_by_id", sa.Integer(), nullable=False),
        sa.Column("prepared_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("notice_starts_on", sa.Date(), nullable=True),
        sa.Column("notice_ends_on", sa.Date(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_yuan", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_yuan", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("payment_reference", sa.String(length=80), nullable=True),
        sa.Column("paid_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("returned_by_id", sa.Integer(), nullable=True),
        sa.Column("returned_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'notice', 'review', 'approved', 'paid', 'returned')",
            name=op.f("ck_subsidy_claim_status_valid"),
        ),
        sa.CheckConstraint("tier_pct BETWEEN 0 AND 100", name=op.f("ck_subsidy_claim_tier_range")),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["user_account.id"], name=op.f("fk_subsidy_claim_approved_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_subsidy_claim_cohort_id_cohort")),
        sa.ForeignKeyConstraint(
            ["paid_recorded_by_id"], ["user_account.id"], name=op.f("fk_subsidy_claim_paid_recorded_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["prepared_by_id"], ["user_account.id"], name=op.f("fk_subsidy_claim_prepared_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"], ["subsidy_claim.id"], name=op.f("fk_subsidy_claim_previous_id_subsidy_claim")
        ),
        sa.ForeignKeyConstraint(
            ["returned_by_id"], ["user_account.id"], name=op.f("fk_subsidy_claim_returned_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user_account.id"], name=op.f("fk_subsidy_claim_submitted_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_claim")),
        sa.UniqueConstraint("cohort_id", "version", name=op.f("uq_subsidy_claim_cohort_id_version")),
    )
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_claim_status"), ["status"], unique=False)
        batch_op.create_index(
            "uq_subsidy_claim_standing_cohort",
            ["cohort_id"],
            unique=True,
            sqlite_where=sa.text("status != 'returned'"),
            postgresql_where=sa.text("status != 'returned'"),
        )

    op.create_table(
        "claim_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("standing", sa.Boolean(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("amount_yuan", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("decision IN ('approved', 'rejected')", name=op.f("ck_claim_line_decision_valid")),
        sa.CheckConstraint("amount_yuan >= 0", name=op.f("ck_claim_line_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["subsidy_claim.id"], name=op.f("fk_claim_line_claim_id_subsidy_claim"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_claim_line_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["enrollment.id"], name=op.f("fk_claim_line_enrollment_id_enrollment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_line")),
        sa.UniqueConstraint("claim_id", "enrollment_id", name=op.f("uq_claim_line_claim_id_enrollment_id")),
    )
    with op.batch_alter_table("claim_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_line_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            "uq_claim_line_standing_enrollment",
            ["enrollment_id"],
            unique=True,
            sqlite_where=sa.text("standing"),
            postgresql_where=sa.text("standing"),
        )

    op.create_table(
        "external_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("scan_sha256", sa.String(length=64), nullable=True),
        sa.Column("scan_type", sa.String(length=20), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("check_found", sa.Boolean(), nullable=True),
        sa.Column("checked_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('skill_level', 'special_ability', 'special_operation')",
            name=op.f("ck_external_certificate_kind_valid"),
        ),
        sa.CheckConstraint("level IS NULL OR level BETWEEN 1 AND 5", name=op.f("ck_external_certificate_level_range")),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["user_account.id"], name=op.f("fk_external_certificate_checked_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["enrollment.id"], name=op.f("fk_external_certificate_enrollment_id_enrollment")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_external_certificate_recorded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_certificate")),
        sa.UniqueConstraint("kind", "number", name=op.f("uq_external_certificate_kind_number")),
    )
    with op.batch_alter_table("external_certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_external_certificate_enrollment_id"), ["enrollment_id"], unique=False)

    op.create_table(
        "claim_objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("received_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('pending', 'upheld', 'dismissed')", name=op.f("ck_claim_objection_outcome_valid")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_claim_objection_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["claim_line.id"], name=op.f("fk_claim_objection_line_id_claim_line"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_claim_objection_recorded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_objection")),
    )
    with op.batch_alter_table("claim_objection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_objection_line_id"), ["line_id"], unique=False)

    op.create_table(
        "placement_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('contract', 'agreement', 'business_licence', 'wage_slip')",
            name=op.f("ck_placement_evidence_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_placement_evidence_placement_id_placement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user_account.id"], name=op.f("fk_placement_evidence_uploaded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_evidence")),
    )
    with op.batch_alter_table("placement_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_evidence_placement_id"), ["placement_id"], unique=False)

    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.add_column(sa.Column("training_type", sa.String(length=20), nullable=False, server_default="project"))
        batch_op.create_check_constraint(
            op.f("ck_cohort_training_type_valid"), "training_type IN ('project', 'employee', 'individual')"
        )
        batch_op.add_column(sa.Column("standard_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("standard_yuan", sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column("standard_min_hours", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cohort_standard_id_subsidy_standard"), "subsidy_standard", ["standard_id"], ["id"]
        )

    with op.batch_alter_table("trainee_category", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("evidence_recorded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("evidence_recorded_at", training.orm.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_trainee_category_evidence_recorded_by_id_user_account"),
            "user_account",
            ["evidence_recorded_by_id"],
            ["id"],
        )

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_role_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_account_role_valid"), ROLES_NOW)


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_role_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_account_role_valid"), ROLES_BEFORE)

    with op.batch_alter_table("trainee_category", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_trainee_category_evidence_recorded_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("evidence_recorded_at")
        batch_op.drop_column("evidence_recorded_by_id")
        batch_op.drop_column("evidence")

    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cohort_standard_id_subsidy_standard"), type_="foreignkey")
        batch_op.drop_column("standard_min_hours")
        batch_op.drop_column("standard_yuan")
        batch_op.drop_column("standard_id")
        batch_op.drop_constraint(op.f("ck_cohort_training_type_valid"), type_="check")
        batch_op.drop_column("training_type")

    with op.batch_alter_table("placement_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_evidence_placement_id"))

    op.drop_table("placement_evidence")
    with op.batch_alter_table("claim_objection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_objection_line_id"))

    op.drop_table("claim_objection")
    with op.batch_alter_table("external_certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_certificate_enrollment_id"))

    op.drop_table("external_certificate")
    with op.batch_alter_table("claim_line", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_claim_line_standing_enrollment", sqlite_where=sa.text("standing"), postgresql_where=sa.text("standing")
        )
        batch_op.drop_index(batch_op.f("ix_claim_line_claim_id"))

    op.drop_table("claim_line")
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_subsidy_claim_standing_cohort",
            sqlite_where=sa.text("status != 'returned'"),
            postgresql_where=sa.text("status != 'returned'"),
        )
        batch_op.drop_index(batch_op.f("ix_subsidy_claim_status"))

    op.drop_table("subsidy_claim")
    with op.batch_alter_table("subsidy_standard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_standard_occupation"))

    op.drop_table("subsidy_standard")
