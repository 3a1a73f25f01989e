"""Jinfanwan (金饭碗): training programmes, attendance, certificates and placements."""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from training import config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, CLI."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("JINFANWAN_INSTANCE") or None,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)

    check_settings(app)
    register_logging(app)
    register_settings(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_commands(app)
    return app


def check_settings(app: Flask) -> None:
    """Refuse to start on a setting that cannot work; the message names it."""
    from training.attendance.rules import CheckinTimes
    from training.claims.settings import ClaimRules

    ClaimRules.from_config(app.config)
    CheckinTimes.from_config(app.config)


def register_logging(app: Flask) -> None:
    from training import logs

    logs.configure(app.config["LOG_LEVEL"])


def register_settings(app: Flask) -> None:
    """Settings parsed once, at start-up: a wrong one stops the app with a message naming it."""
    from training import workdays
    from training.attendance import warnings as absence_warnings
    from training.enrollment import checks as enrollment_checks
    from training.sampling import sample as sampling
    from training.trainees import category_evidence

    category_evidence.init_app(app)
    enrollment_checks.init_app(app)
    workdays.init_app(app)
    absence_warnings.init_app(app)  # ABSENCE_WARNING_IN_A_ROW; the warning lists of the templates
    sampling.init_app(app)  # SAMPLING_SHARE


def register_extensions(app: Flask) -> None:
    # models: the metadata migrations compare; ratelimit: the limiter's jfwdb:// storage
    from training import auth, i18n, models, ratelimit  # noqa: F401  (imported for what importing registers)
    from training.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    login_manager.init_app(app)
    auth.configure_login_manager(login_manager)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]  # Flask's documented way to wrap its WSGI app


def register_blueprints(app: Flask) -> None:
    from training.activation import views as activation
    from training.admin import views as admin
    from training.assessment import views as assessment
    from training.attendance import views as attendance
    from training.auditlog import views as auditlog
    from training.auth import views as auth
    from training.catalog import views as catalog
    from training.certificates import admin_views as certificate_admin
    from training.certificates import verify_views
    from training.certificates import views as certificates
    from training.claims import views as claims
    from training.enrollment import views as enrollment
    from training.filing import views as filing
    from training.imports import views as imports
    from training.jobs import views as jobs
    from training.main import views as main
    from training.placement import evidence_views as placement_evidence
    from training.placement import views as placement
    from training.reports import views as reports
    from training.skillcerts import results_views as skillcert_results
    from training.skillcerts import views as skillcerts
    from training.standards import views as standards
    from training.trainees import views as trainees

    for feature in (
        main,
        auth,
        admin,
        jobs,
        catalog,
        standards,
        trainees,
        imports,
        enrollment,
        activation,
        attendance,
        assessment,
        placement,
        certificates,
        verify_views,
        certificate_admin,
        reports,
        auditlog,
        claims,
        filing,
        skillcerts,
        placement_evidence,
        skillcert_results,
    ):
        app.register_blueprint(feature.bp)
    # Subsidy claims: the documents and evidence pack (issue 13).
    from training.claims import document_views as claim_documents

    app.register_blueprint(claim_documents.bp)
    # The class's paper: 签到表, 考勤汇总表, 成绩单, 花名册 (issue 14).
    from training.paper import views as paper

    app.register_blueprint(paper.bp)
    # Phone sampling (电话抽查) of each class's trainees (issue 15).
    from training.sampling import views as sampling

    app.register_blueprint(sampling.bp)


def register_errorhandlers(app: Flask) -> None:
    from training import errors

    errors.register(app)


def register_request_hooks(app: Flask) -> None:
    from training import i18n, navigation, public_url, security

    security.register(app)
    i18n.register(app)
    navigation.register(app)
    public_url.register(app)


def register_commands(app: Flask) -> None:
    from training import cli

    cli.register(app)
    # Subsidy claims: `claims prepare`, `claims export`.
    from training.claims.cli import claims_cli

    app.cli.add_command(claims_cli)
