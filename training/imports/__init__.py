"""Importing trainees from the rosters county offices keep, and enrolling them into a cohort on the way.

Above both trainees (the registry it writes) and enrollment (the cohort it enrolls into): neither
imports this package. The command stays `flask --app app trainees import FILE`.
"""
