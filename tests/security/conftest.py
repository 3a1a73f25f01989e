"""Fixtures for the attack suite: a `world` of records in another county than the signed-in
users', one client per role, URL arguments for every route, and a fingerprint of the whole
database to prove that a refused or read-only request changed nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pytest
from flask import url_for
from sqlalchemy import select, text

from tests.conftest import AuthActions
from tests.support import evidence_files
from training.attendance import checkin
from training.extensions import db
from training.jobs.services import create_job
from training.models import Cohort, CohortStatus, EnrollmentStatus, Role, utcnow
from training.sampling import sample

HOME = "610924"  # 紫阳县: the signed-in users' county
OTHER = "610902"  # 汉滨区: where every record the URLs name lives
SECOND = "610929"  # 白河县: a second county of the same records
ROLES = ("anonymous", "admin", "city", "county", "trainer", "trainee", "reviewer")
# What the database may change on any request: sign-in bookkeeping and the audit trail itself.
VOLATILE_TABLES = {"login_session", "audit_event", "alembic_version"}
XSS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


@dataclass
class World:
    """Records in OTHER, reached through URL arguments; the same kind of records in SECOND (ids in
    `second`), so that a scope that shuts out one county by name shows; and the trainee role's
    own record in HOME, in a finished class with a classmate who has an account, a certificate
    and a job of their own (ids in `own` and `classmate`)."""

    ids: dict = field(default_factory=dict)
    second: dict = field(default_factory=dict)
    own: dict = field(default_factory=dict)
    classmate: dict = field(default_factory=dict)
    own_trainee_id: int | None = None

    def args_for(self, app, endpoint: str) -> dict:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        values = {}
        for name in rule.arguments:
            key = f"{endpoint}:{name}"
            values[name] = self.ids[key] if key in self.ids else self.ids[name]
        return values


@pytest.fixture(autouse=True)
def own_storage(app, tmp_path):
    """Certificate files, uploads and keys of this test only."""
    app.config["CERTIFICATE_DIR"] = str(tmp_path / "certificates")
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    app.instance_path = str(tmp_path / "instance")


def _county_records(app, make, county: str, place: str) -> dict:
    """A finished class of `county` with its coordinator, trainer, a graduate (attendance,
    certificate, job) and an applicant; names start with `place`."""
    coordinator = make.user("coordinator", county_code=county, username=f"coordinator_{county}")
    trainer = make.user("trainer", county_code=county, username=f"trainer_{county}")
    cohort = make.cohort(
        county_code=county,
        status=CohortStatus.FINISHED,
        trainers=[trainer],
        sessions=2,
        start_date=utcnow().date().replace(day=1),
    )
    session = cohort.sessions[0]
    graduate = make.graduate(cohort=cohort, name=f"{place}学员")
    make.attendance(graduate, session)
    [certificate] = make.issued(cohort=cohort, names=[f"{place}证书"])
    placement = make.placement(enrollment=graduate)
    # Subsidy claims: a skill certificate issued elsewhere with its scan, a job's evidence file.
    external = evidence_files.with_scan(make.external_certificate(graduate))
    evidence = evidence_files.placement_evidence(placement)
    applicant = make.enrollment(
        cohort=cohort, trainee=make.trainee(county_code=county), status=EnrollmentStatus.APPLIED
    )
    db.session.flush()
    window = checkin.window_at(utcnow(), app.config["CHECKIN_ROTATE_SECONDS"])
    [sampled] = sample.draw(
        app.config["SECRET_KEY"], cohort.id, [graduate.id, certificate.enrollment_id], sample.share()
    )
    return {
        "coordinator": coordinator,
        "place": place,
        "cohort_id": cohort.id,
        "session_id": session.id,
        "trainee_id": graduate.trainee_id,
        "user_id": coordinator.id,
        "course_id": cohort.course_id,
        "enrollment_id": applicant.id,
        "placement_id": placement.id,
        "follow_up_id": placement.follow_ups[0].id,
        "employer_id": placement.employer_id,
        "serial": certificate.serial,
        "attendance.checkin_token:token": checkin.make_token(app.config["SECRET_KEY"], session.id, window),
        "certificate_token": certificate.token,
        "graduate_enrollment_id": graduate.id,
        # The one of the two graduates the class's phone sample holds (the applicant holds no place).
        "sampling.show_number:enrollment_id": sampled,
        "sampling.record_call:enrollment_id": sampled,
        "external_certificate_id": external.id,
        "evidence_id": evidence.id,
    }


def _trainee_records(make, cohort, name: str, username: str) -> dict:
    """A graduate of `cohort` with an account, a certificate and a job."""
    from training.certificates import issuing

    graduate = make.graduate(cohort=cohort, name=name)
    make.trainee_user(trainee=graduate.trainee, username=username)
    [certificate] = issuing.issue_batch(cohort.id, [graduate.id], None).issued
    placement = make.placement(enrollment=graduate)
    return {
        "trainee_id": graduate.trainee_id,
        "name": name,
        "serial": certificate.serial,
        "certificate_id": certificate.id,
        "placement_id": placement.id,
        "cohort_id": cohort.id,
    }


def _claim_records(app, make, coordinator) -> dict:
    """A claim of another finished class of OTHER on public notice, with an objection waiting for its outcome."""
    from datetime import timedelta

    from tests.support.claims import build_claim
    from training.claims import notice
    from training.models import ClaimObjection

    cohort = make.cohort(county_code=OTHER, status=CohortStatus.FINISHED, start_date=utcnow().date().replace(day=1))
    claim = build_claim(make, cohort=cohort, trainees=2, prepared_by=coordinator)
    claim.status = "notice"
    claim.notice_starts_on, claim.notice_ends_on = (
        utcnow().date() - timedelta(days=1),
        utcnow().date() + timedelta(days=5),
    )
    objection = ClaimObjection(line=claim.lines[0], raised_by="汉滨村民", content="异议", recorded_by_id=coordinator.id)
    db.session.add(objection)
    db.session.flush()
    return {
        "claim_id": claim.id,
        "objection_id": objection.id,
        "claims.change_status:to": "returned",  # a step that needs a reason: an empty form changes nothing
        "claims.notice:token": notice.token_for(app.config["SECRET_KEY"], claim.id),
    }


def _filing_records(make, cohort) -> dict:
    """The approved filing of the class of OTHER, with a change its coordinator recorded and nobody acknowledged."""
    from training.models import FilingChange

    filing = make.approved_filing(cohort)
    change = FilingChange(filing=filing, reason="更换授课老师", changes={}, prepared_by_id=filing.prepared_by_id)
    db.session.add(change)
    db.session.flush()
    return {
        "change_id": change.id,
        "filing.change_status:to": "returned",  # a step that needs a reason: an empty form changes nothing
        "filing.document:name": "application.pdf",
    }


@pytest.fixture
def world(app, make) -> World:
    from training.imports import uploads

    w = World()
    w.ids = _county_records(app, make, OTHER, "汉滨")
    w.second = _county_records(app, make, SECOND, "白河")
    standard = make.standard()  # of the catalogue, frozen by the class of OTHER (so it cannot be deleted)
    cohort = db.session.get(Cohort, w.ids["cohort_id"])
    cohort.standard, cohort.standard_yuan, cohort.standard_min_hours = standard, standard.yuan, standard.min_hours
    w.ids["standard_id"] = standard.id
    coordinator = w.ids.pop("coordinator")
    w.second.pop("coordinator")
    job = create_job("certificates_issue", {"cohort_id": w.ids["cohort_id"], "enrollment_ids": []}, coordinator.id)
    export = None
    from flask import current_app

    if "reports.export" in current_app.view_functions:
        from training.reports.services import EXPORT_KIND

        export = create_job(EXPORT_KIND, {"format": "csv", "criteria": {}}, coordinator.id)
    upload = uploads.store_upload("姓名,身份证号\n".encode(), owner_id=coordinator.id, filename="other.csv")
    home_class = make.cohort(county_code=HOME, status=CohortStatus.FINISHED, start_date=utcnow().date().replace(day=1))
    w.ids.update(_claim_records(app, make, coordinator) | {"name": "roster.pdf"})
    w.ids.update(_filing_records(make, cohort))
    w.own = _trainee_records(make, home_class, "本人学员", "own_trainee")
    w.classmate = _trainee_records(make, home_class, "同班学员", "classmate_trainee")
    db.session.commit()
    w.own_trainee_id = w.own["trainee_id"]
    w.ids.update(
        {
            "job_id": job.id,
            "token": upload.token,
            "action": "retire",
            "ext": "csv",
            "reports.export:job_id": export.id if export else None,
            "reports.download:job_id": export.id if export else None,
            "upload_path": str(upload.path),
        }
    )
    return w


class Clients:
    """One signed-in client per role, made on first use."""

    def __init__(self, app, make, world: World):
        self.app, self.make, self.world, self._clients = app, make, world, {}

    def __getitem__(self, role: str):
        if role not in self._clients:
            client = self.app.test_client()
            auth = AuthActions(client, self.make)
            if role == "city":
                auth.login("coordinator")
            elif role == "county":
                auth.login("coordinator", county=HOME)
            elif role == "reviewer":
                auth.login("reviewer")
            elif role in ("admin", "trainer"):
                auth.login(role, county=HOME if role == "trainer" else None)
            elif role == "trainee":
                from training.models import User

                auth.login(db.session.scalar(select(User).where(User.username == "own_trainee")))
            self._clients[role] = client
        return self._clients[role]


@pytest.fixture
def clients(app, make, world) -> Clients:
    return Clients(app, make, world)


def fingerprint(ignore=VOLATILE_TABLES) -> dict[str, str]:
    """A digest of every row of every table (but the volatile ones): any insert, update or delete shows."""
    db.session.expire_all()
    digests = {}
    bind = db.session.get_bind()
    from sqlalchemy import inspect

    for name in sorted(inspect(bind).get_table_names()):
        if name in ignore:
            continue
        rows = db.session.execute(text(f'SELECT * FROM "{name}"')).all()
        digests[name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()[:16]
    db.session.rollback()
    return digests


def url(app, world: World, endpoint: str, **query) -> str:
    with app.test_request_context():
        return url_for(endpoint, **world.args_for(app, endpoint), **query)


def role_of(role: str) -> str:
    return {"city": Role.COORDINATOR, "county": Role.COORDINATOR}.get(role, role)
