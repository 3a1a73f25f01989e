"""sample_call: the calls of phone sampling (电话抽查) and their outcomes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 16:00:00
"""

import sqlalchemy as sa
from alembic import op

import training.orm

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sample_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("called_by_id", sa.Integer(), nullable=False),
        sa.Column("called_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('confirmed', 'denied', 'unreachable')", name=op.f("ck_sample_call_outcome_valid")
        ),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_sample_call_cohort_id_cohort")),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["enrollment.id"], name=op.f("fk_sample_call_enrollment_id_enrollment")
        ),
        sa.ForeignKeyConstraint(
            ["called_by_id"], ["user_account.id"], name=op.f("fk_sample_call_called_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample_call")),
    )
    with op.batch_alter_table("sample_call") as batch:
        batch.create_index(batch.f("ix_sample_call_cohort_id"), ["cohort_id"], unique=False)
        batch.create_index(batch.f("ix_sample_call_enrollment_id"), ["enrollment_id"], unique=False)


def downgrade():
    with op.batch_alter_table("sample_call") as batch:
        batch.drop_index(batch.f("ix_sample_call_enrollment_id"))
        batch.drop_index(batch.f("ix_sample_call_cohort_id"))
    op.drop_table("sample_call")
