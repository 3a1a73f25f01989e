"""course.marks_per_session and the sign-out on attendance (签到 / 签退): when, how, by whom, why

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 09:00:00

"""

import sqlalchemy as sa
from alembic import op

import training.orm

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course") as batch:
        batch.add_column(sa.Column("marks_per_session", sa.Integer(), server_default="1", nullable=False))
        batch.create_check_constraint(batch.f("ck_course_marks_per_session_valid"), "marks_per_session IN (1, 2)")
    with op.batch_alter_table("attendance") as batch:
        batch.add_column(sa.Column("signout_required", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("signed_out_at", training.orm.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("signout_method", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("signout_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("signout_reason", sa.Text(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_attendance_signout_by_id_user_account"), "user_account", ["signout_by_id"], ["id"]
        )
        batch.create_check_constraint(
            batch.f("ck_attendance_signout_method_valid"), "signout_method IN ('qr', 'code', 'roster')"
        )
        batch.create_check_constraint(
            batch.f("ck_attendance_signout_has_time"), "signout_method IS NULL OR signed_out_at IS NOT NULL"
        )
        batch.create_check_constraint(
            batch.f("ck_attendance_signout_confirmation_has_reason"),
            "signout_method IS NULL OR signout_method <> 'roster' OR signout_reason IS NOT NULL",
        )


def downgrade():
    with op.batch_alter_table("attendance") as batch:
        batch.drop_constraint(batch.f("ck_attendance_signout_confirmation_has_reason"), type_="check")
        batch.drop_constraint(batch.f("ck_attendance_signout_has_time"), type_="check")
        batch.drop_constraint(batch.f("ck_attendance_signout_method_valid"), type_="check")
        batch.drop_constraint(batch.f("fk_attendance_signout_by_id_user_account"), type_="foreignkey")
        batch.drop_column("signout_reason")
        batch.drop_column("signout_by_id")
        batch.drop_column("signout_method")
        batch.drop_column("signed_out_at")
        batch.drop_column("signout_required")
    with op.batch_alter_table("course") as batch:
        batch.drop_constraint(batch.f("ck_course_marks_per_session_valid"), type_="check")
        batch.drop_column("marks_per_session")
