"""subsidy override approval: who prepared an override, so that someone else approves it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 05:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_prepared_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_enrollment_override_prepared_by_id_user_account"),
            "user_account",
            ["override_prepared_by_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_enrollment_override_prepared_by_id_user_account"), type_="foreignkey")
        batch_op.drop_column("override_prepared_by_id")
