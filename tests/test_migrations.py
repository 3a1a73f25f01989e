"""The migrations build exactly the schema the models describe, both ways, on the backend under test."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from tests.conftest import BACKEND, base_config, drop_postgres_database, new_postgres_database
from training import create_app
from training.extensions import db
from training.models import County, Enrollment, EnrollmentStatus


@pytest.fixture
def fresh_app(tmp_path):
    """An app on an empty database of the backend under test, inside its app context."""
    url = new_postgres_database() if BACKEND == "postgresql" else f"sqlite:///{tmp_path}/fresh.sqlite"
    app = create_app(base_config(url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if BACKEND == "postgresql":
        drop_postgres_database(url)


def _differences() -> list:
    with db.engine.connect() as connection:
        # As migrations/env.py configures it, through Flask-Migrate's settings.
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_the_migrations_have_a_single_head(fresh_app):
    config = fresh_app.extensions["migrate"].migrate.get_config(fresh_app.extensions["migrate"].directory)

    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_an_upgraded_database_matches_the_models(fresh_app):
    upgrade()

    assert _differences() == []
    assert _tables() == set(db.metadata.tables)


def test_the_migrations_go_down_to_nothing_and_back_up(fresh_app):
    upgrade()
    downgrade(revision="base")

    assert _tables() == set()

    upgrade()
    assert _differences() == []
    assert db.session.scalar(select(func.count()).select_from(County)) == 10


def test_the_ten_ankang_counties_are_loaded(fresh_app):
    upgrade()

    counties = dict(db.session.execute(select(County.code, County.name)).all())
    assert len(counties) == 10
    assert counties["610924"] == "紫阳县"
    assert counties["610981"] == "旬阳市"


def test_foreign_keys_are_enforced(app, make):
    cohort = make.cohort()

    db.session.add(Enrollment(trainee_id=987654, cohort_id=cohort.id, status=EnrollmentStatus.ENROLLED))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_claims_migration_upgrades_a_database_that_holds_accounts_and_their_audit_trail(fresh_app):
    # 0010 rebuilds user_account (its role CHECK admits the reviewer): on SQLite a table others point at.
    upgrade(revision="0009")
    db.session.execute(
        text(
            "INSERT INTO user_account (username, display_name, password_hash, role, active, created_at, password_changed_at)"
            " VALUES ('admin1', '', 'x', 'admin', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO audit_event (actor_id, actor_name, action, entity_type, at)"
            " SELECT id, 'admin1', 'user_created', 'user', CURRENT_TIMESTAMP FROM user_account"
        )
    )
    db.session.commit()
    upgrade()
    db.session.execute(text("UPDATE user_account SET role = 'reviewer'"))
    assert db.session.scalar(text("SELECT count(*) FROM audit_event WHERE actor_id IS NOT NULL")) == 1
