"""Placements: the employer registry, graduates' jobs (one by one or a cohort at a time) and the
follow-ups due 3, 6 and 12 months after a job starts."""
