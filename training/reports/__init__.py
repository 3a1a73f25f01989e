"""Reports: the coordinator's funnel dashboard, its exports and the printable monthly report.

definitions.py says what every figure counts (settings with defaults, and the words that
state them); queries.py computes the figures in SQL; charts.py draws them as SVG;
exports.py writes .csv / .xlsx safely; services.py ties them together for the views.
"""
