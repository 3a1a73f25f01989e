"""Serial numbers, per year and county, without gaps or duplicates: AK-2026-610924-00017.

The counter row is locked from the moment a batch starts until its transaction ends, so
two batches of one county take turns, and a batch that rolls back gives its numbers back.
"""

from __future__ import annotations

import re

from sqlalchemy import select, update

from training.extensions import db
from training.models import SerialCounter
from training.orm import insert_ignoring_conflicts

SERIAL = re.compile(r"[A-Z][A-Z0-9]{0,9}-\d{4}-\d{6}-\d{5,9}")


def format_serial(prefix: str, year: int, county_code: str, number: int) -> str:
    return f"{prefix}-{year}-{county_code}-{number:05d}"


def is_serial(text: str) -> bool:
    return SERIAL.fullmatch(text or "") is not None


def _counter(year: int, county_code: str):
    return (SerialCounter.year == year) & (SerialCounter.county_code == county_code)


def lock_counter(year: int, county_code: str) -> int:
    """Lock the counter for the rest of the transaction (creating it at 0); return its last value.

    The INSERT comes first on purpose: on SQLite it takes the database's write lock, so
    what this transaction reads afterwards is what other writers committed.
    """
    db.session.execute(
        insert_ignoring_conflicts(db.session, SerialCounter).values(year=year, county_code=county_code, last_value=0)
    )
    return db.session.execute(
        select(SerialCounter.last_value).where(_counter(year, county_code)).with_for_update()
    ).scalar_one()


def allocate(year: int, county_code: str, count: int) -> list[int]:
    """The next `count` numbers of the counter, in order, in the caller's transaction."""
    if count <= 0:
        return []
    last = db.session.execute(
        update(SerialCounter)
        .where(_counter(year, county_code))
        .values(last_value=SerialCounter.last_value + count)
        .returning(SerialCounter.last_value)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return list(range(last - count + 1, last + 1))
