"""audit trail guard: on PostgreSQL, audit_event rows cannot be changed or deleted

A trigger raises on UPDATE, DELETE and TRUNCATE of audit_event, unless the session has set
jinfanwan.allow_audit_purge = 'on' (the test suite's reset between tests does, inside its
own transaction with SET LOCAL). SQLite has no such guard: nothing in the app writes to the
table but INSERT, and no route changes it.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-26 08:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('jinfanwan.allow_audit_purge', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;  -- UPDATE; ignored for TRUNCATE, a statement-level trigger
    END IF;
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute(
        "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_guard()"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_guard()"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event")
    op.execute("DROP FUNCTION IF EXISTS audit_event_guard()")
