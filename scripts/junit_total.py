"""Print one closing line for several pytest runs: `both: N passed, N failed, N skipped`.

Reads the JUnit XML files pytest wrote; a missing file (pytest stopped before
writing it) counts as one failure, so the line never hides a broken run.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree


def totals(path: str) -> tuple[int, int, int]:
    """(passed, failed, skipped) of one JUnit XML file; errors count as failed."""
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError):
        return 0, 1, 0
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = failed = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return tests - failed - skipped, failed, skipped


def main(paths: list[str]) -> None:
    passed = failed = skipped = 0
    for path in paths:
        p, f, s = totals(path)
        passed, failed, skipped = passed + p, failed + f, skipped + s
    print(f"both: {passed} passed, {failed} failed, {skipped} skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
