"""Reports: the coordinator's funnel dashboard, its exports and the printable monthly report.

definitions.py says what every figure counts (settings with defaults, and the names of the
figures), sentences.py states each definition in words; queries.py computes the figures in SQL;
charts.py draws them as SVG; exports.py writes the tables as .csv / .xlsx safely; the trainee
list is list_queries.py's (SQL) and list_export.py's (the file, in the background); services.py
ties them together for the views.
"""
