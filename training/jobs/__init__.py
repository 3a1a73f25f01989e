"""Background jobs: a Huey queue, a Job row per task with its progress, and a polling view."""
