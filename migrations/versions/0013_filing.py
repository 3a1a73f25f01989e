"""filing and filing_change: a cohort's class-opening filing (开班备案) and the changes filed after its approval

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 09:00:00

"""

import sqlalchemy as sa
from alembic import op

import training.orm

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "filing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("prepared_by_id", sa.Integer(), nullable=False),
        sa.Column("prepared_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("late_reason", sa.Text(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("returns", sa.JSON(), nullable=False),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'returned', 'approved')", name=op.f("ck_filing_status_valid")
        ),
        sa.CheckConstraint("NOT late OR late_reason IS NOT NULL", name=op.f("ck_filing_late_has_reason")),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_filing_cohort_id_cohort")),
        sa.ForeignKeyConstraint(
            ["prepared_by_id"], ["user_account.id"], name=op.f("fk_filing_prepared_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user_account.id"], name=op.f("fk_filing_submitted_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user_account.id"], name=op.f("fk_filing_reviewed_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing")),
        sa.UniqueConstraint("cohort_id", name=op.f("uq_filing_cohort_id")),
    )
    with op.batch_alter_table("filing") as batch:
        batch.create_index(batch.f("ix_filing_status"), ["status"], unique=False)
    op.create_table(
        "filing_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("prepared_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", training.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", training.orm.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["filing.id"], name=op.f("fk_filing_change_filing_id_filing"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["prepared_by_id"], ["user_account.id"], name=op.f("fk_filing_change_prepared_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"], ["user_account.id"], name=op.f("fk_filing_change_acknowledged_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_change")),
    )
    with op.batch_alter_table("filing_change") as batch:
        batch.create_index(batch.f("ix_filing_change_filing_id"), ["filing_id"], unique=False)


def downgrade():
    with op.batch_alter_table("filing_change") as batch:
        batch.drop_index(batch.f("ix_filing_change_filing_id"))
    op.drop_table("filing_change")
    with op.batch_alter_table("filing") as batch:
        batch.drop_index(batch.f("ix_filing_status"))
    op.drop_table("filing")
