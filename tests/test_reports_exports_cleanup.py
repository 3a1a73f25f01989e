"""Export files may hold full ID numbers: old ones are deleted before a new export is written."""

import os
import time

from training.reports import list_export


def test_export_files_older_than_a_week_are_deleted(app):
    folder = list_export.export_dir()
    fresh = folder / "fresh.csv"
    old = folder / "old.csv"
    for path in (old, fresh):
        path.write_text("name,id\n")
    week_and_a_day = time.time() - 8 * 86400
    os.utime(old, (week_and_a_day, week_and_a_day))
    assert list_export.purge_old_exports() == 1
    assert not old.exists() and fresh.exists()
