"""Courses, cohorts and their timetables (coordinators)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("catalog", __name__)
