"""The trainee registry pages (coordinators)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("trainees", __name__, url_prefix="/trainees")
