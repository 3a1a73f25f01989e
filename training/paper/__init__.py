"""The paper a class still needs (签到表, 考勤汇总表, 成绩单 / 颁证花名册, 学员花名册), generated from the
records in Chinese, as PDF and xlsx, one by one or a cohort's set as a ZIP."""
