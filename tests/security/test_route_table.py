"""Every route × every role, from an explicit table: who reaches each URL when it names records
of another county (see conftest.World), who is sent to sign in, who is refused.

A route added without an entry here fails test_every_route_has_an_entry: decide who may
reach it, then add it. Each GET and each POST with an empty form is also checked to change
nothing in the database, nor another user's upload on disk (all
tables but login_session and audit_event, where sign-in bookkeeping and access_denied
events are written by design), and every HTML answer to carry a Content-Security-Policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.security.conftest import ROLES, fingerprint, url

ALL = frozenset({"admin", "city", "county", "trainer", "trainee", "reviewer"})
STAFF = frozenset({"admin", "city"})  # who reaches another county's records (coordinators in scope too)
STATIC = {"static", "bootstrap.static"}


@dataclass(frozen=True)
class Access:
    """reach: the signed-in roles that get through with the world's URL arguments;
    scoped: roles the route serves in their own scope but refuses for another county's records;
    public: anonymous visitors reach it too; query: extra query string."""

    reach: frozenset = frozenset()
    scoped: frozenset = frozenset()
    public: bool = False
    query: tuple = ()
    note: str = ""


def _a(*reach, scoped=(), public=False, query=(), note=""):
    return Access(frozenset(reach), frozenset(scoped), public, tuple(query), note)


PUBLIC = _a(*ALL, public=True)
SIGNED_IN = _a(*ALL)
STAFF_LIST = _a("admin", "city", "county")  # coordinators and admins, county-filtered lists
STAFF_RECORD = _a(*STAFF, scoped={"county"})  # a record of another county
ADMIN = _a("admin")
CITY_LEVEL = _a("admin", "city", scoped={"county"}, note="courses are changed at city level only")
CLAIM_RECORD = _a("admin", "city", "reviewer", scoped={"county"})  # a claim of another county
KEEPERS = _a("admin", "city", note="the catalogue of standards is kept at city level")
OWNER_ONLY = _a(scoped={"admin", "city", "county"}, note="another user's upload or export: refused to all")
# POSTs that change something with no more than a CSRF token; every other POST, sent with nothing
# else and naming another county's records, must leave the database as it was.
CHANGES_WITH_AN_EMPTY_FORM = {
    "catalog.set_course_active",  # the action is in the URL: admins and the city retire the course
    "main.set_language",  # no language given: the default one, stored on the account
    "reports.start_export",  # an export of the default criteria, a job of the user's own
    "claim_documents.start_pack",  # the claim's evidence pack, built in the background
    "filing.acknowledge",  # a reviewer has seen the change named in the URL
}
VERIFY = _a(*ALL, public=True, query=(("t", "certificate_token"),))

TABLE: dict[str, Access] = {
    "activation.activate": PUBLIC,
    "activation.slips": STAFF_RECORD,
    "admin.create_user": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.reset_password": ADMIN,
    "admin.users": ADMIN,
    "assessment.finalise": STAFF_RECORD,
    "assessment.scores": _a(*STAFF, scoped={"county", "trainer"}),
    "attendance.checkin_code": _a("trainee"),
    "attendance.checkin_qr": _a(*STAFF, scoped={"county", "trainer"}),
    "attendance.checkin_qr_json": _a(*STAFF, scoped={"county", "trainer"}),
    "attendance.checkin_token": _a("trainee", note="reached, then refused with 400: not on that class's list"),
    "attendance.confirm_signouts": _a(*STAFF, scoped={"county", "trainer"}),
    "attendance.position_consent": _a("trainee"),
    "attendance.withdraw_position_consent": _a(
        "trainee", note="nothing to withdraw: the world's trainee never consented"
    ),
    "attendance.roster": _a(*STAFF, scoped={"county", "trainer"}),
    "attendance.roster_json": _a(*STAFF, scoped={"county", "trainer"}),
    "auditlog.index": STAFF_LIST,
    "auth.change_password": SIGNED_IN,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "catalog.change_status": STAFF_RECORD,
    "catalog.cohort": _a(*STAFF, scoped={"county", "trainer"}),
    "catalog.cohorts": _a("admin", "city", "county", "trainer"),
    "catalog.courses": STAFF_LIST,
    "catalog.create_cohort": STAFF_LIST,
    "catalog.create_course": CITY_LEVEL,
    "catalog.delete_course": CITY_LEVEL,
    "catalog.delete_session": STAFF_RECORD,
    "catalog.edit_cohort": STAFF_RECORD,
    "catalog.edit_course": CITY_LEVEL,
    "catalog.edit_session": STAFF_RECORD,
    "catalog.generate_schedule": STAFF_RECORD,
    "catalog.set_course_active": CITY_LEVEL,
    # Subsidy claims: documents and evidence pack (a claim of another county in the world).
    "claim_documents.document": CLAIM_RECORD,
    "claim_documents.index": CLAIM_RECORD,
    "claim_documents.pack_download": _a(
        "admin", "city", "reviewer", scoped={"county"}, note="not built yet: back to the documents page"
    ),
    "claim_documents.start_pack": CLAIM_RECORD,
    "certificate_admin.remove_seal": ADMIN,
    "certificate_admin.seal": ADMIN,
    "certificates.cohort": STAFF_RECORD,
    "certificates.cohort_zip": STAFF_RECORD,
    "certificates.download": STAFF_RECORD,
    "certificates.issue": STAFF_RECORD,
    "certificates.mine": _a("trainee"),
    "certificates.my_download": _a(scoped={"trainee"}, note="another trainee's certificate"),
    "certificates.reissue": STAFF_RECORD,
    "certificates.revoke": STAFF_RECORD,
    "certificates.show": STAFF_RECORD,
    "enrollment.accept": STAFF_RECORD,
    "enrollment.apply": _a(scoped={"trainee"}, note="a class of another county is not open to them"),
    "enrollment.decline": STAFF_RECORD,
    "enrollment.enroll_many": STAFF_RECORD,
    "enrollment.enroll_one": STAFF_RECORD,
    "enrollment.open_classes": _a("trainee"),
    "enrollment.withdraw": STAFF_RECORD,
    "imports.commit": OWNER_ONLY,
    "imports.discard": _a("admin", "city", "county", note="answers a redirect and discards nothing of another's"),
    "imports.error_rows": OWNER_ONLY,
    "imports.show": OWNER_ONLY,
    "imports.template": STAFF_LIST,
    "imports.upload": STAFF_LIST,
    "jobs.progress": _a("admin", scoped={"city", "county", "trainer", "trainee"}, note="another user's job"),
    "jobs.show": _a("admin", scoped={"city", "county", "trainer", "trainee"}, note="another user's job"),
    "main.healthz": PUBLIC,
    "main.home": SIGNED_IN,
    "main.me": _a("trainee"),
    "main.set_language": PUBLIC,
    "placement.create_employer": STAFF_LIST,
    "placement.edit": STAFF_RECORD,
    "placement.edit_employer": _a("admin", "city", "county", note="one employer registry for the whole city"),
    "placement.employers": STAFF_LIST,
    "placement.end": STAFF_RECORD,
    "placement.follow_up": STAFF_RECORD,
    "placement.follow_ups": STAFF_LIST,
    "placement.graduates": STAFF_RECORD,
    "placement.new": STAFF_RECORD,
    "placement.show": STAFF_RECORD,
    "placement_evidence.delete": STAFF_RECORD,
    "placement_evidence.download": _a(*STAFF, scoped={"county", "trainee"}, note="a trainee downloads their own"),
    "placement_evidence.upload": STAFF_RECORD,
    "reports.dashboard": STAFF_LIST,
    "reports.download": OWNER_ONLY,
    "reports.export": OWNER_ONLY,
    "reports.monthly_pdf": STAFF_LIST,
    "reports.start_export": STAFF_LIST,
    "reports.tables": STAFF_LIST,
    "skillcerts.check": STAFF_RECORD,
    "skillcerts.new": STAFF_RECORD,
    "skillcerts.revoke": STAFF_RECORD,
    "skillcerts.scan": _a(*STAFF, scoped={"county", "trainee"}, note="a trainee sees their own; trainers none"),
    "skillcerts.show": STAFF_RECORD,
    "skillcerts.upload_scan": STAFF_RECORD,
    # The catalogue of subsidy standards: every coordinator reads it, admins and the city keep it.
    "standards.create": KEEPERS,
    "standards.delete": _a("admin", "city", note="reached, then refused: a cohort froze the world's standard"),
    "standards.edit": KEEPERS,
    "standards.import_commit": OWNER_ONLY,
    "standards.import_discard": _a("admin", "city", note="answers a redirect and discards nothing of another's"),
    "standards.import_show": OWNER_ONLY,
    "standards.import_template": KEEPERS,
    "standards.index": STAFF_LIST,
    "standards.upload": KEEPERS,
    "trainees.create": STAFF_LIST,
    "trainees.edit": STAFF_RECORD,
    "trainees.find_by_id_number": STAFF_LIST,
    "trainees.index": STAFF_LIST,
    "trainees.reveal": _a("city", scoped={"county"}, note="coordinators only: admins manage accounts, not people"),
    "trainees.show": STAFF_RECORD,
    "verify.certificate": VERIFY,
    "verify.certificate_json": VERIFY,
    "verify.keys": PUBLIC,
    "verify.lookup": PUBLIC,
    # Subsidy claims: read by admins, the city and reviewers, county coordinators in their county;
    # steps, objections and review are reached (and refused by the services to whom they do not fall).
    "claims.index": _a("admin", "city", "county", "reviewer", note="county coordinators: their county's claims"),
    "claims.show": CLAIM_RECORD,
    "claims.change_status": CLAIM_RECORD,
    "claims.record_objection": CLAIM_RECORD,
    "claims.decide_objection": CLAIM_RECORD,
    "claims.review": CLAIM_RECORD,
    "claims.preview": _a("city", scoped={"county"}, note="coordinators prepare their county's claims"),
    "claims.prepare": _a("city", scoped={"county"}, note="coordinators prepare their county's claims"),
    "claims.notice": _a(*ALL, public=True, note="the public notice, by its unguessable address"),
    # Class-opening filings (issue 14): read by admins, the city and reviewers, county coordinators in
    # their county; steps and acknowledgements are reached (and refused by the services to whom they do not fall).
    "filing.index": _a("admin", "city", "county", "reviewer", note="county coordinators: their county's filings"),
    "filing.show": CLAIM_RECORD,
    "filing.change_status": CLAIM_RECORD,
    "filing.acknowledge": CLAIM_RECORD,
    "filing.document": CLAIM_RECORD,
    "filing.prepare": _a("city", scoped={"county"}, note="coordinators prepare their county's filings"),
    "filing.record_change": _a("city", scoped={"county"}, note="coordinators record their county's changes"),
    # results (issue 13): the result-sheet import, and the proof of a trainee's household categories
    "skillcert_results.commit": OWNER_ONLY,
    "skillcert_results.discard": _a(
        "admin", "city", "county", note="answers a redirect and discards nothing of another's"
    ),
    "skillcert_results.error_rows": OWNER_ONLY,
    "skillcert_results.show": OWNER_ONLY,
    "skillcert_results.template": STAFF_LIST,
    "skillcert_results.upload": STAFF_LIST,
    "trainees.record_category_evidence": STAFF_RECORD,
    # The class's paper (issue 14): a session's sign-in sheet for whoever marks its roster, a cohort's
    # documents and their ZIP for those who coordinate it.
    "paper.session_pdf": _a(*STAFF, scoped={"county", "trainer"}, note="the trainers of the session's class"),
    "paper.session_xlsx": _a(*STAFF, scoped={"county", "trainer"}, note="the trainers of the session's class"),
    "paper.cohort_document": STAFF_RECORD,
    "paper.cohort_zip": STAFF_RECORD,
    # Phone sampling (issue 15): read by admins, the city and reviewers, county coordinators in their
    # county; a number shown and a call recorded by a coordinator in scope (the world's graduate).
    "sampling.index": _a("admin", "city", "county", "reviewer", note="county coordinators: their county's classes"),
    "sampling.cohort": CLAIM_RECORD,
    "sampling.show_number": _a("city", scoped={"county"}, note="coordinators phone their county's samples"),
    "sampling.record_call": _a("city", scoped={"county"}, note="coordinators phone their county's samples"),
}


def test_every_route_has_an_entry(app):
    """A new route must be given an entry (and so a decision about who reaches it)."""
    routes = set(app.view_functions) - STATIC

    # Entries of a feature whose blueprint is not registered yet (built in parallel) may wait.
    registered = {e for e in TABLE if e.partition(".")[0] in app.blueprints or "." not in e}

    assert routes - set(TABLE) == set(), "routes without an entry in TABLE"
    assert registered - routes == set(), "entries in TABLE for routes that do not exist"


def _request(app, client, role: str, endpoint: str, target: str):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    if "GET" in rule.methods:
        method, response = "GET", client.get(target)
    else:
        page = {"anonymous": "/login", "trainee": "/me"}.get(role, "/")
        method, response = "POST", client.post(target, data={"csrf_token": client.csrf_token(page)})
    response.get_data()
    response.close()  # a file download keeps its file open until then
    return method, response


def _outcome(response) -> str:
    status = response.status_code
    if status == 302 and "/login" in response.headers.get("Location", "") and "next=" in response.headers["Location"]:
        return "login"
    if status in (403, 404):
        return f"refused {status}"
    if status >= 500:
        return f"error {status}"
    return "reached"


def _expected(access: Access, role: str) -> set[str]:
    if access.public:
        return {"reached"}
    if role == "anonymous":
        return {"login"}
    if role in access.reach:
        return {"reached"}
    # Trainees must not learn that other people's records exist: always 404 for them.
    return {"refused 404"} if role == "trainee" else {"refused 403", "refused 404"}


def _present(app):
    return sorted(endpoint for endpoint in TABLE if endpoint in app.view_functions)


@pytest.mark.parametrize("endpoint", sorted(TABLE))
def test_each_role_is_reached_sent_to_sign_in_or_refused_as_the_table_says(app, world, clients, endpoint):
    if endpoint not in app.view_functions:
        pytest.skip(f"{endpoint} does not exist (test_every_route_has_an_entry fails meanwhile)")
    access = TABLE[endpoint]
    query = {name: world.ids[value] for name, value in access.query}
    target = url(app, world, endpoint, **query)
    signed_in = {role: clients[role] if role != "anonymous" else app.test_client() for role in ROLES}
    wrong, no_policy = {}, []
    before = fingerprint()
    for role, client in signed_in.items():
        method, response = _request(app, client, role, endpoint, target)
        outcome = _outcome(response)
        if outcome not in _expected(access, role):
            wrong[role] = f"{method} {target} → {response.status_code} {response.headers.get('Location', '')}"
        if response.mimetype == "text/html" and "Content-Security-Policy" not in response.headers:
            no_policy.append(role)
    after = fingerprint()

    assert wrong == {}, f"{endpoint}: {access}"
    changed = {t for t, d in after.items() if before.get(t) != d}
    if method == "GET" or endpoint not in CHANGES_WITH_AN_EMPTY_FORM:
        assert changed == set(), f"{method} {target} changed the database"
    assert Path(world.ids["upload_path"]).exists(), f"{method} {target} removed another user's upload"
    assert no_policy == [], "HTML without a Content-Security-Policy header"
