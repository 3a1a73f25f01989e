"""The catalogue of subsidy standards (培训需求目录): what a person trained in an occupation and level is
worth, for which training type, from when to when; kept by hand or imported from the province's sheet,
and frozen on a cohort when it opens."""
