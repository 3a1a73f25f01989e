"""The module a fault test's consumer runs (`huey_consumer tests.support.faults_worker.huey`).

The real worker, plus a pause: with JFW_FAULT_PAUSE=module:function:N set, the N-th call of
that function runs to its end, then writes JFW_FAULT_MARKER and sleeps, so that the test
can SIGKILL the process at that exact point (work done, transaction not committed).
"""

from __future__ import annotations

import importlib
import os
import time
from pathlib import Path

from training.jobs.worker import huey, run_job

__all__ = ["huey", "run_job"]


def _pause_after(spec: str, marker: str) -> None:
    module_name, name, nth = spec.split(":")
    module = importlib.import_module(module_name)
    original, calls = getattr(module, name), []

    def paused(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(1)
        if len(calls) == int(nth):
            Path(marker).write_text("paused")
            time.sleep(3600)  # until the test kills the process
        return result

    setattr(module, name, paused)


if os.environ.get("JFW_FAULT_PAUSE"):
    import training.certificates.jobs
    import training.imports.uploads  # noqa: F401  (its job kinds register on import)

    _pause_after(os.environ["JFW_FAULT_PAUSE"], os.environ["JFW_FAULT_MARKER"])
