"""drop course.subsidy_yuan: a cohort is paid by its subsidy standard, the one source of truth

The figures are not lost. For each occupation and level whose courses named a subsidy, and
that the catalogue has no 项目制 standard for, a 项目制 standard is written: the largest of
those subsidies, the smallest of those courses' hours as its minimum, in force from the first
day one of those courses was created or ran, with no end. Cohorts past draft that froze no
standard (they opened before standards existed) freeze it, with its figures.

Going down, a course's subsidy is the newest 项目制 standard of its occupation and level, or 0.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 14:00:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from training.orm import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

PROJECT = "project"

course = sa.table(
    "course",
    sa.column("id", sa.Integer),
    sa.column("occupation", sa.String),
    sa.column("level", sa.Integer),
    sa.column("total_hours", sa.Integer),
    sa.column("subsidy_yuan", sa.Numeric(10, 2)),
    sa.column("created_at", UTCDateTime),
)
cohort = sa.table(
    "cohort",
    sa.column("id", sa.Integer),
    sa.column("course_id", sa.Integer),
    sa.column("start_date", sa.Date),
    sa.column("status", sa.String),
    sa.column("training_type", sa.String),
    sa.column("standard_id", sa.Integer),
    sa.column("standard_yuan", sa.Numeric(10, 2)),
    sa.column("standard_min_hours", sa.Integer),
)
standard = sa.table(
    "subsidy_standard",
    sa.column("id", sa.Integer),
    sa.column("occupation", sa.String),
    sa.column("level", sa.Integer),
    sa.column("training_type", sa.String),
    sa.column("yuan", sa.Numeric(10, 2)),
    sa.column("min_hours", sa.Integer),
    sa.column("valid_from", sa.Date),
    sa.column("valid_to", sa.Date),
    sa.column("created_at", UTCDateTime),
    sa.column("updated_at", UTCDateTime),
)


def _day(value):
    """The day of a course's creation (a timestamp) or of a cohort's start (a date)."""
    return value.date() if isinstance(value, datetime) else value


def _carry_over_subsidies(bind) -> None:
    courses = bind.execute(sa.select(course).where(course.c.subsidy_yuan > 0)).all()
    first_start = dict(
        bind.execute(sa.select(cohort.c.course_id, sa.func.min(cohort.c.start_date)).group_by(cohort.c.course_id))
        .tuples()
        .all()
    )
    known = set(
        bind.execute(
            sa.select(standard.c.occupation, standard.c.level).where(standard.c.training_type == PROJECT)
        ).tuples()
    )
    groups: dict[tuple[str, int], list] = {}
    for row in courses:
        if (row.occupation, row.level) not in known:
            groups.setdefault((row.occupation, row.level), []).append(row)
    now = datetime.now(UTC)
    for (occupation, level), rows in sorted(groups.items()):
        days = [_day(r.created_at) for r in rows] + [_day(first_start[r.id]) for r in rows if r.id in first_start]
        values = dict(
            occupation=occupation,
            level=level,
            training_type=PROJECT,
            yuan=max(r.subsidy_yuan for r in rows),
            min_hours=min(r.total_hours for r in rows),
            valid_from=min(days),
            valid_to=None,
            created_at=now,
            updated_at=now,
        )
        bind.execute(sa.insert(standard).values(**values))
        standard_id = bind.execute(
            sa.select(standard.c.id).where(
                standard.c.occupation == occupation,
                standard.c.level == level,
                standard.c.training_type == PROJECT,
                standard.c.valid_from == values["valid_from"],
            )
        ).scalar_one()
        bind.execute(
            sa.update(cohort)
            .where(
                cohort.c.course_id.in_([r.id for r in rows]),
                cohort.c.status != "draft",
                cohort.c.training_type == PROJECT,
                cohort.c.standard_id.is_(None),
            )
            .values(standard_id=standard_id, standard_yuan=values["yuan"], standard_min_hours=values["min_hours"])
        )


def upgrade():
    _carry_over_subsidies(op.get_bind())
    # Not batch_alter_table: on SQLite it would copy the table and drop the old one, which the
    # foreign keys of cohorts refuse. SQLite (3.35+) drops a column in place, as PostgreSQL does.
    op.drop_column("course", "subsidy_yuan")


def downgrade():
    bind = op.get_bind()
    op.add_column(
        "course", sa.Column("subsidy_yuan", sa.Numeric(precision=10, scale=2), nullable=False, server_default="0")
    )
    newest = (
        sa.select(standard.c.yuan)
        .where(
            standard.c.occupation == course.c.occupation,
            standard.c.level == course.c.level,
            standard.c.training_type == PROJECT,
        )
        .order_by(standard.c.valid_from.desc())
        .limit(1)
        .scalar_subquery()
    )
    bind.execute(sa.update(course).values(subsidy_yuan=sa.func.coalesce(newest, 0)))
    if bind.dialect.name != "sqlite":  # SQLite cannot drop a default in place (see upgrade); it is harmless
        op.alter_column("course", "subsidy_yuan", server_default=None)
