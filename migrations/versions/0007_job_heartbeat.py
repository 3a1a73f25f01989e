"""job heartbeat and claim: a running job whose worker died is found, put back on the queue and
taken over by one worker

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 10:45:00

"""

import sqlalchemy as sa
from alembic import op

import training.orm

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", training.orm.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claim", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("claim")
        batch_op.drop_column("heartbeat_at")
