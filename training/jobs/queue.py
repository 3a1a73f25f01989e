"""The Huey instance: SQLite storage in instance/ by default, Redis when REDIS_URL is set.

It is built from the environment at import, because the consumer process
(`huey_consumer training.jobs.worker.huey`) imports it before any Flask app exists.
"""

from __future__ import annotations

import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey


def default_instance_path() -> Path:
    return Path(os.environ.get("JINFANWAN_INSTANCE") or Path(__file__).resolve().parents[2] / "instance")


def make_huey():
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return RedisHuey("jinfanwan", url=redis_url)
    path = os.environ.get("HUEY_SQLITE_PATH") or str(default_instance_path() / "huey.sqlite")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("jinfanwan", filename=path)


huey = make_huey()
