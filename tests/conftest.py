"""Fixtures: an app per test on a fresh, migrated database (SQLite file or PostgreSQL), a
client that posts forms with their CSRF token, an `auth` helper and record factories.

JFW_TEST_DB=postgresql (with JFW_TEST_POSTGRES_URL pointing at a server whose user may
create databases) runs the same tests on PostgreSQL; `make test` does both.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

# Before anything imports training: an instance folder and a queue file of our own.
_INSTANCE = tempfile.mkdtemp(prefix="jfw-test-instance-")
os.environ["JINFANWAN_INSTANCE"] = _INSTANCE
os.environ["HUEY_SQLITE_PATH"] = os.path.join(_INSTANCE, "huey.sqlite")
for _name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
    os.environ.pop(_name, None)

from tests.factories import TEST_PASSWORD, Factories  # noqa: E402  (after the environment is set)
from training import create_app  # noqa: E402  (after the environment is set)
from training.extensions import db  # noqa: E402  (after the environment is set)

pytest_plugins = ["tests.support.browser", "tests.support.certificate_queue", "tests.support.reports"]

BACKEND = os.environ.get("JFW_TEST_DB", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get("JFW_TEST_POSTGRES_URL", "")
CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def pytest_report_header(config):
    return f"database backend: {BACKEND}"


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_INSTANCE, ignore_errors=True)


def base_config(uri: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-" + secrets.token_hex(8),
        "SQLALCHEMY_DATABASE_URI": uri,
        "ARGON2_CHEAP": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Pages stay in zh_CN (the default) but show the English msgids, so tests can assert on
        # words that translators may change; tests/test_translations.py checks the catalogs.
        "BABEL_TRANSLATION_DIRECTORIES": "no-translations-in-tests",
        "SERVER_NAME": "localhost",
    }


def new_postgres_database() -> str:
    """Create an empty database on the test server; return its URL."""
    if not POSTGRES_ADMIN_URL:
        pytest.fail("JFW_TEST_DB=postgresql needs JFW_TEST_POSTGRES_URL (make test sets it)")
    name = "jfw_test_" + secrets.token_hex(6)
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def migrate(uri: str) -> None:
    from flask_migrate import upgrade

    app = create_app(base_config(uri))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database at the newest migration: a template file (SQLite) or one database (PostgreSQL)."""
    if BACKEND == "postgresql":
        url = new_postgres_database()
        migrate(url)
        yield url
        drop_postgres_database(url)
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite"
        migrate(f"sqlite:///{path}")
        yield path


def _reset_postgres(app) -> None:
    # Every table but the reference data that the migrations load. DELETE of a few rows is
    # much faster than TRUNCATE, whose cost is per table whatever it holds.
    tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name != "county"]
    db.session.execute(text("SET LOCAL jinfanwan.allow_audit_purge = 'on'"))  # past the audit_event guard (0005)
    db.session.execute(text("; ".join(f'DELETE FROM "{name}"' for name in tables)))
    db.session.commit()


@pytest.fixture(autouse=True)
def fresh_translations_cache():
    """Flask-Babel caches catalogs per process and locale, not per app: start every test clean,
    so an app built with the real catalogs cannot leak Chinese into the next test."""
    from training.extensions import babel

    def clear():
        domain = babel.__dict__.get("domain_instance")  # a cached_property, made at first use
        if domain is not None:
            domain.cache.clear()

    clear()
    yield
    clear()


@pytest.fixture
def database_url(migrated_database, tmp_path) -> str:
    if BACKEND == "postgresql":
        return migrated_database
    path = tmp_path / "test.sqlite"
    shutil.copyfile(migrated_database, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_url):
    with running_app(database_url) as app:
        yield app


@contextlib.contextmanager
def running_app(database_url: str, **config) -> Iterator[Flask]:
    """A test app on the test database (emptied first on PostgreSQL), inside its app context."""
    app = create_app({**base_config(database_url), **config})
    app.test_client_class = FormClient
    with app.app_context():
        if BACKEND == "postgresql":
            _reset_postgres(app)
        yield app
        db.session.remove()
        db.engine.dispose()


@contextlib.contextmanager
def translated_app(database_url: str, translation_directory: str) -> Iterator[Flask]:
    """running_app with the real catalog: pages in Chinese, not the English msgids other tests read."""
    from tests.support.translations import forget_loaded_catalogs

    forget_loaded_catalogs()
    try:
        with running_app(database_url, BABEL_TRANSLATION_DIRECTORIES=translation_directory) as app:
            yield app
    finally:
        forget_loaded_catalogs()


class FormClient(FlaskClient):
    """A test client that can submit a form the way a browser does, CSRF token included."""

    def open(self, *args, **kwargs):
        # Requests run inside the app context the `app` fixture pushed, so they would share its
        # `g`: the signed-in user and the CSRF token would leak from one request to the next.
        # A server gives every request a fresh one; so do we, keeping the shared db.session.
        _clear_g()
        try:
            return super().open(*args, **kwargs)
        finally:
            _clear_g()

    def csrf_token(self, page: str = "/login") -> str:
        html = self.get(page).get_data(as_text=True)
        match = CSRF_FIELD.search(html)
        assert match, f"no CSRF token on {page}"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        """POST data with the CSRF token of `page` (default: the form's own URL)."""
        data = dict(data or {})
        data["csrf_token"] = self.csrf_token(page or url)
        return self.post(url, data=data, **kwargs)


def _clear_g() -> None:
    if has_app_context():
        vars(g._get_current_object()).clear()


@pytest.fixture
def client(app) -> FormClient:
    return app.test_client()


@pytest.fixture
def english(client) -> None:
    """The client's pages in English (the language cookie); a module takes it with
    `pytestmark = pytest.mark.usefixtures("english")`."""
    client.set_cookie("jfw_lang", "en")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app) -> Factories:
    return Factories()


class AuthActions:
    def __init__(self, client: FormClient, make: Factories):
        self.client, self.make = client, make

    def login(self, role_or_user="coordinator", county: str | None = None, **user_fields):
        """Sign in as a new user of this role (or as the given user); returns the user."""
        user = role_or_user
        if isinstance(role_or_user, str):
            user = self.make.user(role=role_or_user, county_code=county, **user_fields)
            db.session.commit()
        response = self.client.submit("/login", {"username": user.username, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return user

    def logout(self):
        return self.client.submit("/logout", page="/account/password")


@pytest.fixture
def auth(client, make) -> AuthActions:
    return AuthActions(client, make)
