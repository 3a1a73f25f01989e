"""Courses, cohorts and their schedules."""
