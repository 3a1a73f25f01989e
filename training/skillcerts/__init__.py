"""Skill certificates issued by other bodies (职业技能等级证书, 专项职业能力证书, 特种作业操作证) on an
enrollment: the number rule, the scan, the manual check on the national query site, revocation."""
