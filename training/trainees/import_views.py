"""Importing trainees from the sheets county offices keep: upload, preview, commit."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/trainees/import")
