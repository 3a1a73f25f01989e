"""Structured (JSON-lines) logging to stderr, with personal data scrubbed from messages."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from training.identity import mask_id_number, mask_phones_in

# Resident ID numbers (18 characters) and mainland mobile numbers never reach the log.
_ID_NUMBER = re.compile(r"(?<![0-9])[1-9]\d{16}[\dXx](?![0-9])")


def scrub(text: str) -> str:
    """Mask ID numbers and mobile numbers in free text."""
    return mask_phones_in(_ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        for key in ("event", "user_id", "path", "status", "job_id"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str = "INFO") -> None:
    """Send the app's and the server's logs to stderr as JSON lines (idempotent)."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    for chatty in ("alembic", "huey", "fontTools", "weasyprint"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
