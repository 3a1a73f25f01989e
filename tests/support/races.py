"""Two requests at the same moment on PostgreSQL: the first holds its transaction (and its row
locks) open while the second runs on another connection and waits on them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from training.extensions import db

REFUSED = "refused"


def first_holds_second_waits(
    app, act: Callable[[int], object], refused: tuple[type[Exception], ...] = ()
) -> dict[int, object]:
    """Run act(0) and, while its transaction is still open, act(1); each in its own app context,
    committed at its end. Returns {index: what act returned, or REFUSED for one of `refused`}."""
    first_acted = threading.Event()
    outcomes: dict[int, object] = {}

    def request(index: int) -> None:
        with app.app_context():
            try:
                if index == 1:
                    first_acted.wait(5)
                try:
                    outcome = act(index)
                    if index == 0:
                        first_acted.set()
                        time.sleep(1.0)  # the second request now waits on our rows
                    db.session.commit()
                    outcomes[index] = outcome
                except refused:
                    db.session.rollback()
                    outcomes[index] = REFUSED
            finally:
                first_acted.set()
                db.session.remove()

    threads = [threading.Thread(target=request, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    return outcomes
