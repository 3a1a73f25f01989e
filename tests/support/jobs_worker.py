"""The real worker module plus a test-only job kind, for a real consumer:
`huey_consumer tests.support.jobs_worker.huey`.

The test process imports it too, so that create_job() knows the kind.
"""

from __future__ import annotations

from training.jobs.services import Step, handler
from training.jobs.worker import huey, run_job

__all__ = ["count_to", "explode", "huey", "run_job"]


@handler("count_to")
def count_to(job):
    """Count from 1 to params["n"], one step each; the numbers in params["refuse"] are failures."""
    n, refused = job.params["n"], set(job.params.get("refuse", []))
    yield Step(done=0, total=n, message="counting")
    for number in range(job.done + 1, n + 1):
        failures = [{"row": number, "error": "refused"}] if number in refused else []
        yield Step(done=1, failures=failures)
    yield Step(done=0, message="counted", result={"counted": n - len(refused)})


@handler("explode")
def explode(job):
    """One step of work, then a crash."""
    yield Step(done=1, total=2)
    raise RuntimeError("the printer caught fire")
