"""The trainee registry: people, their ID numbers and households, and imports from county sheets."""
