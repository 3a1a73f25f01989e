"""indexes: a cohort's enrollments by status (seat counts, rosters); one current job per person

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 08:43:43.047927

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollment_cohort_id"))
        batch_op.create_index("ix_enrollment_cohort_status", ["cohort_id", "status"], unique=False)

    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(
            "uq_placement_open_per_trainee",
            ["trainee_id"],
            unique=True,
            sqlite_where=sa.text("end_date IS NULL"),
            postgresql_where=sa.text("end_date IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_placement_open_per_trainee",
            sqlite_where=sa.text("end_date IS NULL"),
            postgresql_where=sa.text("end_date IS NULL"),
        )

    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_index("ix_enrollment_cohort_status")
        batch_op.create_index(batch_op.f("ix_enrollment_cohort_id"), ["cohort_id"], unique=False)
