"""The trainee registry: people, their ID numbers and households (imports from county sheets: training.imports)."""
