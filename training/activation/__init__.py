"""Trainee accounts: activation slips with one-time codes, and setting one's own password."""
