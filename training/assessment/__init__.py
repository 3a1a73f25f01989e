"""Assessment and completion: the score grid of a cohort, and finalising it (completed / not passed)."""
