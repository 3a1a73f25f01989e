"""The permission layer: who may see which cohorts and trainees, and what a refusal answers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_login import login_user
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from training import permissions
from training.extensions import db
from training.models import AuditEvent, Cohort, Trainee

HERE, THERE = "610924", "610929"  # 紫阳县, 白河县


@pytest.fixture
def world(make):
    """A cohort here taught by one trainer with one trainee; one there with another trainee; and people."""
    teacher, idle_trainer = make.user("trainer", county_code=HERE), make.user("trainer", county_code=HERE)
    cohort = make.cohort(county_code=HERE, trainers=[teacher])
    trainee = make.trainee(county_code=HERE)
    make.enrollment(trainee=trainee, cohort=cohort)
    other_cohort = make.cohort(county_code=THERE)
    other_trainee = make.trainee(county_code=THERE)
    make.enrollment(trainee=other_trainee, cohort=other_cohort)
    users = {
        "admin": make.user("admin"),
        "city coordinator": make.user("coordinator"),
        "coordinator here": make.user("coordinator", county_code=HERE),
        "coordinator there": make.user("coordinator", county_code=THERE),
        "trainer teaching": teacher,
        "trainer not teaching": idle_trainer,
        "trainee themself": make.trainee_user(trainee),
        "another trainee": make.trainee_user(other_trainee),
        "trainee without a record": make.user("trainee"),
    }
    db.session.commit()
    return SimpleNamespace(
        cohort=cohort, trainee=trainee, other_cohort=other_cohort, other_trainee=other_trainee, users=users
    )


SEES = [
    # who, sees the cohort here, sees the trainee here
    ("admin", True, True),
    ("city coordinator", True, True),
    ("coordinator here", True, True),
    ("coordinator there", False, False),
    ("trainer teaching", True, True),
    ("trainer not teaching", False, False),
    ("trainee themself", True, True),
    ("another trainee", False, False),
    ("trainee without a record", False, False),
]


@pytest.mark.parametrize(("who", "cohort", "trainee"), SEES)
def test_who_sees_the_cohort_and_the_trainee(world, who, cohort, trainee):
    user = world.users[who]

    assert permissions.can_see_cohort(user, world.cohort) is cohort
    assert permissions.can_see_trainee(user, world.trainee) is trainee


SCOPES = [
    # who, cohorts in scope, trainees in scope (of the two of each)
    ("admin", {"cohort", "other_cohort"}, {"trainee", "other_trainee"}),
    ("city coordinator", {"cohort", "other_cohort"}, {"trainee", "other_trainee"}),
    ("coordinator here", {"cohort"}, {"trainee"}),
    ("coordinator there", {"other_cohort"}, {"other_trainee"}),
    ("trainer teaching", {"cohort"}, {"trainee"}),
    ("trainer not teaching", set(), set()),
    ("trainee themself", {"cohort"}, {"trainee"}),
    ("another trainee", {"other_cohort"}, {"other_trainee"}),
    ("trainee without a record", set(), set()),
]


@pytest.mark.parametrize(("who", "cohorts", "trainees"), SCOPES)
def test_scopes_filter_queries_to_what_the_user_may_see(world, who, cohorts, trainees):
    user = world.users[who]
    cohort_names = {world.cohort.id: "cohort", world.other_cohort.id: "other_cohort"}
    trainee_names = {world.trainee.id: "trainee", world.other_trainee.id: "other_trainee"}

    seen_cohorts = db.session.scalars(select(Cohort.id).where(permissions.cohort_scope(user))).all()
    seen_trainees = db.session.scalars(select(Trainee.id).where(permissions.trainee_scope(user))).all()

    assert {cohort_names[i] for i in seen_cohorts} == cohorts
    assert {trainee_names[i] for i in seen_trainees} == trainees


def test_a_county_coordinator_also_sees_trainees_from_elsewhere_enrolled_in_their_county(world, make):
    visitor = make.trainee(county_code=THERE)
    make.enrollment(trainee=visitor, cohort=world.cohort)

    assert permissions.can_see_trainee(world.users["coordinator here"], visitor)
    assert not permissions.can_see_trainee(world.users["coordinator there"], world.trainee)


@pytest.fixture
def signed_in(app):
    """Run permission checks as a user inside a request, the way a view does."""

    def enter(user):
        context = app.test_request_context()
        context.push()
        login_user(user)
        app.preprocess_request()  # the request hooks, which name the user for the audit trail
        contexts.append(context)

    contexts = []
    yield enter
    for context in reversed(contexts):
        context.pop()


def _denials() -> list[tuple[str, str, str]]:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access_denied"))
    return [(e.entity_type, e.entity_id, e.actor_id) for e in events]


@pytest.mark.parametrize(
    ("who", "refusal"),
    [("coordinator there", Forbidden), ("trainer not teaching", Forbidden), ("another trainee", NotFound)],
)
def test_requiring_a_cohort_out_of_scope_answers_403_to_staff_and_404_to_trainees(world, signed_in, who, refusal):
    user = world.users[who]
    signed_in(user)

    with pytest.raises(refusal):
        permissions.require_cohort(world.cohort.id)

    assert _denials() == [("cohort", str(world.cohort.id), user.id)]


@pytest.mark.parametrize(
    ("who", "refusal"),
    [("coordinator there", Forbidden), ("trainer not teaching", Forbidden), ("another trainee", NotFound)],
)
def test_requiring_a_trainee_out_of_scope_answers_403_to_staff_and_404_to_trainees(world, signed_in, who, refusal):
    user = world.users[who]
    signed_in(user)

    with pytest.raises(refusal):
        permissions.require_trainee(world.trainee.id)

    assert _denials() == [("trainee", str(world.trainee.id), user.id)]


@pytest.mark.parametrize("who", ["admin", "coordinator here", "trainer teaching", "trainee themself"])
def test_requiring_a_record_in_scope_returns_it_and_audits_nothing(world, signed_in, who):
    signed_in(world.users[who])

    assert permissions.require_cohort(world.cohort.id) is world.cohort
    assert permissions.require_trainee(world.trainee.id) is world.trainee
    assert _denials() == []


def test_a_record_that_does_not_exist_answers_404_even_to_an_admin(world, signed_in):
    signed_in(world.users["admin"])

    with pytest.raises(NotFound):
        permissions.require_trainee(world.trainee.id + world.other_trainee.id + 1000)


@pytest.mark.parametrize(
    ("who", "manages"),
    [("admin", True), ("coordinator here", True), ("coordinator there", False), ("trainer teaching", False)],
)
def test_only_coordinators_in_scope_manage_a_cohort(world, who, manages):
    assert permissions.can_manage_cohort(world.users[who], world.cohort) is manages


@pytest.mark.parametrize(
    ("who", "edits"),
    [
        ("admin", True),
        ("city coordinator", True),
        ("coordinator there", True),
        ("coordinator here", False),
        ("trainer teaching", False),
        ("trainee themself", False),
    ],
)
def test_only_the_trainees_own_county_and_the_city_edit_a_trainee_enrolled_elsewhere(world, make, who, edits):
    visitor = make.trainee(county_code=THERE)
    make.enrollment(trainee=visitor, cohort=world.cohort)
    assert permissions.can_see_trainee(world.users["coordinator here"], visitor)
    assert permissions.can_edit_trainee(world.users[who], visitor) is edits


def test_a_trainees_own_page_shows_only_their_own_enrollments(client, auth, world, make):
    world.cohort.course.name = "足部修护师（五级）"
    world.other_cohort.course.name = "母婴护理员（五级）"
    db.session.commit()
    auth.login(world.users["trainee themself"])

    page = client.get("/me").get_data(as_text=True)

    assert "足部修护师（五级）" in page
    assert "母婴护理员（五级）" not in page
    assert world.trainee.name in page
    assert world.other_trainee.name not in page
