"""enrollment.overlap_reason: why a trainee was enrolled although their sessions in another cohort overlap

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 08:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enrollment") as batch:
        batch.add_column(sa.Column("overlap_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("enrollment") as batch:
        batch.drop_column("overlap_reason")
