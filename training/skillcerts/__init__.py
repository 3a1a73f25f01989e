"""Skill certificates issued by other bodies (职业技能等级证书, 专项职业能力证书, 特种作业操作证): their numbers, recording them, and importing an evaluation body's result sheet."""
