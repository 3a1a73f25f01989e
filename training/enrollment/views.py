"""Enrolling trainees, applications, waiting list and withdrawals."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("enrollment", __name__)
