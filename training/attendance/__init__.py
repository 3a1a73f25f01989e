"""Attendance: the trainer's roster, locks and corrections, and trainees' QR / code self check-in."""
