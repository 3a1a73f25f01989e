"""/me loads in a fixed number of SQL statements, however many sessions and marks a trainee has."""

from __future__ import annotations

from tests.support.me import certificate_row, in_class
from tests.support.statements import statements_sent
from training.extensions import db
from training.models import EnrollmentStatus


def statements_for_me(client, auth, user) -> list[str]:
    auth.login(user)
    client.get("/me")  # the first request after signing in may refresh the login session
    db.session.expire_all()  # tests share one session: load everything afresh, as a new request would
    with statements_sent() as statements:
        assert client.get("/me").status_code == 200
    client.submit("/logout", page="/me")
    return statements


def trainee_with_marked_sessions(make, n: int):
    """A trainee n sessions into a class, marked in each, with an earlier training, a certificate and a job."""
    setup = in_class(make, held=n, to_come=3, marks=["present", "late", "absent"] * n)
    earlier = in_class(
        make,
        held=n,
        marks=["present"] * n,
        status=EnrollmentStatus.COMPLETED,
        trainee=setup.trainee,
        course_name="茶艺师（五级）",
    )
    certificate_row(earlier.enrollment)
    make.placement(enrollment=earlier.enrollment)
    db.session.commit()
    return setup.user


def test_me_takes_as_many_statements_for_40_marked_sessions_as_for_5(client, auth, make):
    few = statements_for_me(client, auth, trainee_with_marked_sessions(make, 5))
    many = statements_for_me(client, auth, trainee_with_marked_sessions(make, 40))

    assert len(many) == len(few), "\n\n".join(many)
    # The sign-in check, enrollments, their trainers, hours, next class, recent classes,
    # certificates, jobs with their follow-ups.
    assert len(few) <= 8, "\n\n".join(few)
