"""The words of the papers filed with the bureau (a claim's documents, a filing's 开班申请表): always
Chinese, whatever the reader's language, like the certificate."""

from __future__ import annotations

from datetime import date

from training.certificates.issuing import LEVEL_NAMES

SEXES = {"M": "男", "F": "女"}
TRAINING_TYPES = {"project": "项目制培训", "employee": "企业职工培训", "individual": "个人自主培训"}
SITE_KINDS = {
    "community_factory": "新社区工厂",
    "resettlement_community": "安置社区",
    "town_centre": "集镇",
    "training_school": "培训学校",
}
SESSION_KINDS = {"theory": "理论", "practice": "实操"}


def occupation_and_level(occupation: str, level) -> str:
    return f"{occupation}（{LEVEL_NAMES.get(level, level)}）" if level not in (None, "") else occupation


def day(value: date | None) -> str:
    return f"{value:%Y年%m月%d日}" if value else ""
