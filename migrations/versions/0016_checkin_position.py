"""Position and device at self check-in: the cohort's site position and radius, the trainee's
consent, and checkin_record (one row per self-mark)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 16:10:00
"""

import sqlalchemy as sa
from alembic import op

import training.orm

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

STATES = "'inside', 'outside', 'refused', 'unavailable', 'no_consent', 'implausible', 'no_site'"


def upgrade():
    with op.batch_alter_table("cohort") as batch:
        batch.add_column(sa.Column("site_latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("site_longitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("checkin_radius_m", sa.Integer(), server_default="300", nullable=False))
        batch.create_check_constraint(batch.f("ck_cohort_checkin_radius_positive"), "checkin_radius_m > 0")
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("position_consent_at", training.orm.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "checkin_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attendance_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("position_state", sa.String(length=12), nullable=False),
        sa.Column("distance_m", sa.Integer(), nullable=True),
        sa.Column("accuracy_m", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("device_id", sa.String(length=32), nullable=True),
        sa.Column("device_forged", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("kind IN ('sign_in', 'sign_out')", name=op.f("ck_checkin_record_kind_valid")),
        sa.CheckConstraint(f"position_state IN ({STATES})", name=op.f("ck_checkin_record_position_state_valid")),
        sa.CheckConstraint("method IN ('qr', 'code')", name=op.f("ck_checkin_record_method_valid")),
        sa.ForeignKeyConstraint(
            ["attendance_id"],
            ["attendance.id"],
            name=op.f("fk_checkin_record_attendance_id_attendance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_record")),
    )
    with op.batch_alter_table("checkin_record") as batch:
        batch.create_index(batch.f("ix_checkin_record_attendance_id"), ["attendance_id"], unique=False)
        batch.create_index(batch.f("ix_checkin_record_at"), ["at"], unique=False)
        batch.create_index(batch.f("ix_checkin_record_device_id"), ["device_id"], unique=False)


def downgrade():
    with op.batch_alter_table("checkin_record") as batch:
        batch.drop_index(batch.f("ix_checkin_record_device_id"))
        batch.drop_index(batch.f("ix_checkin_record_at"))
        batch.drop_index(batch.f("ix_checkin_record_attendance_id"))
    op.drop_table("checkin_record")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("position_consent_at")
    with op.batch_alter_table("cohort") as batch:
        batch.drop_constraint(batch.f("ck_cohort_checkin_radius_positive"), type_="check")
        batch.drop_column("checkin_radius_m")
        batch.drop_column("site_longitude")
        batch.drop_column("site_latitude")
