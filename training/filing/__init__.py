"""The class-opening filing (开班备案): prepared by a county's coordinator, reviewed by someone else."""
