"""Phone sampling (电话抽查): a reproducible sample of each class's trainees, phoned, with the outcomes."""
