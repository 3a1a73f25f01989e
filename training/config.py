"""Settings from the environment and instance/, with defaults that suit one machine."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def instance_secret(instance_path: str, name: str = "secret_key") -> str:
    """Read a secret from instance/<name>, generating it once with mode 0600."""
    path = Path(instance_path) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    value = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting together must agree on one key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def from_environment(instance_path: str) -> dict:
    """Build the settings dict; every key can be overridden by test_config."""
    env = os.environ
    sqlite_path = Path(instance_path) / "jinfanwan.sqlite"
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{sqlite_path}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL") or None,
        "HUEY_SQLITE_PATH": env.get("HUEY_SQLITE_PATH") or str(Path(instance_path) / "huey.sqlite"),
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=_int("SESSION_IDLE_MINUTES", 120)),
        "SESSION_ABSOLUTE_HOURS": _int("SESSION_ABSOLUTE_HOURS", 12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "jfw_session",
        "ATTENDANCE_LOCK_HOURS": _int("ATTENDANCE_LOCK_HOURS", 48),
        "CHECKIN_OPENS_MINUTES": _int("CHECKIN_OPENS_MINUTES", 30),
        "CHECKIN_ROTATE_SECONDS": _int("CHECKIN_ROTATE_SECONDS", 30),
        "CHECKIN_CODE_LIMIT": env.get("CHECKIN_CODE_LIMIT", "10 per 10 minutes"),
        # Self check-in's position: a new cohort's radius round its site, and how long raw coordinates stay.
        "CHECKIN_RADIUS_METRES": _int("CHECKIN_RADIUS_METRES", 300),
        "CHECKIN_POSITION_KEEP_DAYS": _int("CHECKIN_POSITION_KEEP_DAYS", 90),
        # Courses with two marks (签到 / 签退): trainees sign out in the session's last this-many minutes…
        "SIGNOUT_WINDOW_MINUTES": _int("SIGNOUT_WINDOW_MINUTES", 30),
        # …and up to this many minutes after its end (a class that runs a little over).
        "SIGNOUT_GRACE_MINUTES": _int("SIGNOUT_GRACE_MINUTES", 15),
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 5 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 5 minutes"),
        # Counters every worker and server shares: Redis when there is one, else the database.
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "jfwdb://",
        "RATELIMIT_HEADERS_ENABLED": False,
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": env.get("TIMEZONE", "Asia/Shanghai"),
        "LANGUAGES": ["zh_CN", "en"],
        "BOOTSTRAP_SERVE_LOCAL": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_MB", 10) * 1024 * 1024,
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "REPORT_PERIOD_DATE": env.get("REPORT_PERIOD_DATE", "end_date"),
        "REPORT_EMPLOYED_WITHIN_MONTHS": _int("REPORT_EMPLOYED_WITHIN_MONTHS", 6),
        "REPORT_MIN_CONTRACT_MONTHS": _int("REPORT_MIN_CONTRACT_MONTHS", 12),
        "REPORT_NO_CONTRACT_KINDS": env.get("REPORT_NO_CONTRACT_KINDS", "self_employed"),
        "REPORT_RETENTION_MONTHS": _int("REPORT_RETENTION_MONTHS", 6),
        "REPORT_EXPORT_DIR": env.get("REPORT_EXPORT_DIR") or str(Path(instance_path) / "exports"),
        "REPORT_EXPORT_KEEP_DAYS": _int("REPORT_EXPORT_KEEP_DAYS", 7),
        "PLACEMENT_MAX_WAGE": _int("PLACEMENT_MAX_WAGE", 100000),
        "VERIFY_LOOKUP_LIMIT": env.get("VERIFY_LOOKUP_LIMIT", "10 per 5 minutes"),
        "REGISTERED_ELSEWHERE_LIMIT": _int("REGISTERED_ELSEWHERE_LIMIT", 20),
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "JOB_STALE_MINUTES": _int("JOB_STALE_MINUTES", 10),
        "CERTIFICATE_PREFIX": env.get("CERTIFICATE_PREFIX", "AK"),
        "CERTIFICATE_DIR": env.get("CERTIFICATE_DIR") or str(Path(instance_path) / "certificates"),
        # A large batch is laid out by this many processes at once (1: in the worker itself).
        "CERTIFICATE_RENDER_PROCESSES": _int("CERTIFICATE_RENDER_PROCESSES", min(4, len(os.sched_getaffinity(0)))),
        "ISSUING_AUTHORITY": env.get("ISSUING_AUTHORITY", "安康市人力资源和社会保障局"),
        # Subsidy claims (README "Subsidy claims"; FIELD.md has where each default comes from).
        "CENTRE_NAME": env.get("CENTRE_NAME", "安康市就业服务中心"),
        "CENTRE_PHONE": env.get("CENTRE_PHONE", "0915-3212345"),
        # The employment rate that picks the tier is measured this many months after the cohort ends.
        "CLAIM_MEASURE_MONTHS": _int("CLAIM_MEASURE_MONTHS", 2),
        # rate from (%) : share of the standard paid (%), ascending from 0 (Shaanxi's project-based table).
        "CLAIM_TIERS": env.get("CLAIM_TIERS", "0:0,50:60,65:80,80:100"),
        "CLAIM_WINDOW_MONTHS": _int("CLAIM_WINDOW_MONTHS", 12),
        "CLAIM_NOTICE_DAYS": _int("CLAIM_NOTICE_DAYS", 7),
        # Which certificates count, per training type: own (our 结业证书) or an external kind.
        "CLAIM_CERTIFICATES": env.get(
            "CLAIM_CERTIFICATES",
            "project=own,skill_level,special_ability,special_operation;"
            "employee=skill_level,special_ability,special_operation;"
            "individual=skill_level,special_ability,special_operation",
        ),
        # Household categories whose proof must be recorded before a line is eligible.
        "CLAIM_EVIDENCE_CATEGORIES": env.get(
            "CLAIM_EVIDENCE_CATEGORIES", "poverty_alleviated,monitored,zero_employment,registered_unemployed,disabled"
        ),
        # Scans of external certificates and placement evidence: under instance/, at most this size.
        "EVIDENCE_DIR": env.get("EVIDENCE_DIR") or str(Path(instance_path) / "evidence"),
        "EVIDENCE_MAX_MB": _int("EVIDENCE_MAX_MB", 5),
        "CLAIM_PACK_DIR": env.get("CLAIM_PACK_DIR") or str(Path(instance_path) / "claim_packs"),
        # China's working-day calendar (training/workdays.py): the days off on weekdays and the make-up
        # working days (调休) on weekends of a year the chinesecalendar package does not hold yet,
        # as ISO dates separated by commas; they also correct the package.
        "CALENDAR_HOLIDAYS": env.get("CALENDAR_HOLIDAYS", ""),
        "CALENDAR_WORKDAYS": env.get("CALENDAR_WORKDAYS", ""),
        # Class-opening filing (开班备案): filed this many working days before the class starts…
        "FILING_WORKING_DAYS": _int("FILING_WORKING_DAYS", 5),
        # …and approved before it may start (0: it may start without one).
        "FILING_REQUIRED_TO_START": _int("FILING_REQUIRED_TO_START", 1),
        # After this share of the class's hours has passed, no trainee is added (a fraction).
        "FILING_ADD_TRAINEE_UNTIL": env.get("FILING_ADD_TRAINEE_UNTIL", "1/3"),
        # Absence warnings: a trainee who missed this many sessions in a row is listed for the trainer
        # and told on /me (training/attendance/warnings.py).
        "ABSENCE_WARNING_IN_A_ROW": env.get("ABSENCE_WARNING_IN_A_ROW", "2"),
        # Phone sampling (电话抽查): at least this share of each cohort's trainees is called, at least
        # one person (as 10%, 1/10 or 0.1; training/sampling/sample.py).
        "SAMPLING_SHARE": env.get("SAMPLING_SHARE", "10%"),
    }
