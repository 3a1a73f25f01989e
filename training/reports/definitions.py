"""What each figure of the reports counts: settings with defaults (app.config may override
them), and the names of the figures, of the kinds of job and of the exports' words, in Chinese
and in English. The sentences stating every definition are sentences.py's.

The names are written out here rather than through the translation catalogue: a statistical
definition is part of what a county reports upward, and its wording must not depend on a
catalogue being compiled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from training.employment import Definition as EmploymentDefinition

# The config keys, with their defaults. training/config.py may set them from the environment.
DEFAULTS: dict[str, object] = {
    # Which date of a cohort puts it in the period: "end_date" (结业日期) or "start_date" (开班日期).
    "REPORT_PERIOD_DATE": "end_date",
    # A job counts as employment when it starts within this many months after the training ended…
    "REPORT_EMPLOYED_WITHIN_MONTHS": 6,
    # …with a labour contract of at least this many months (0: any job counts, contract or not)…
    "REPORT_MIN_CONTRACT_MONTHS": 12,
    # …except these kinds of job, which have no contract to sign.
    "REPORT_NO_CONTRACT_KINDS": ("self_employed",),
    # The follow-up whose answer says "still employed" (one of the scheduled 3, 6, 12).
    "REPORT_RETENTION_MONTHS": 6,
}

PERIOD_DATES = ("end_date", "start_date")
RETENTION_CHOICES = (3, 6, 12)
STAGES = ("enrolled", "completed", "certified", "placed", "retained")
# Names of the coded values, in the words the report uses (exports included).
NAMES = {
    "zh": {
        "kind": {
            "directed": "定向输送",
            "self_found": "自主就业",
            "self_employed": "自主创业",
            "community_factory": "社区工厂就业",
            "public_welfare": "公益性岗位",
        },
        "scope": {"same_county": "本县", "in_city": "市内外县", "in_province": "省内外市", "out_of_province": "省外"},
        "category": {
            "poverty_alleviated": "脱贫人口",
            "monitored": "监测对象",
            "relocated": "易地搬迁",
            "zero_employment": "零就业家庭",
            "returned_migrant": "返乡农民工",
            "registered_unemployed": "登记失业",
            "school_leaver": "未升学初高中毕业生",
            "disabled": "残疾人",
        },
        "status": {"enrolled": "在训", "completed": "结业", "failed": "未通过", "withdrawn": "退出"},
    },
    "en": {
        "kind": {
            "directed": "directed placement",
            "self_found": "found a job themself",
            "self_employed": "self-employed",
            "community_factory": "community factory",
            "public_welfare": "public-welfare post",
        },
        "scope": {
            "same_county": "same county",
            "in_city": "in the city",
            "in_province": "in the province",
            "out_of_province": "out of the province",
        },
        "category": {
            "poverty_alleviated": "poverty-alleviated",
            "monitored": "under monitoring",
            "relocated": "relocated",
            "zero_employment": "zero-employment household",
            "returned_migrant": "returned migrant worker",
            "registered_unemployed": "registered unemployed",
            "school_leaver": "school leaver",
            "disabled": "person with disability",
        },
        "status": {
            "enrolled": "in training",
            "completed": "completed",
            "failed": "not passed",
            "withdrawn": "withdrawn",
        },
    },
}
KIND_NAMES = {language: names["kind"] for language, names in NAMES.items()}
# Headings and column names of the pages and exports that are part of the report's wording.
WORDS = {
    "zh": {
        "title": "职业技能培训统计",
        "scope": "统计范围",
        "as_of": "数据截至",
        "definitions": "口径说明",
        "item": "项目",
        "count": "人数",
        "rate": "比率",
        "definition": "口径",
        "course": "培训项目",
        "county": "区县",
        "category": "人员类别",
        "kind": "就业形式",
        "place": "就业地域",
        "jobs": "就业记录数",
        "average_wage": "平均月工资（元）",
        "median_wage": "月工资中位数（元）",
        "month": "月份",
        "cohort": "培训班",
        "employer": "合作企业",
        "committed": "承诺岗位",
        "at_partner": "到合作企业就业",
        "fulfilment": "兑现率",
        "funnel": "培训就业漏斗",
        "trend": "月度趋势",
        "wages": "月工资",
        "total": "合计",
        "directed": "订单式培训",
        "see": "口径见“口径说明”",
        "among_them": "其中：脱贫人口与易地搬迁",
        "more_in_exports": "此处列出 {shown} 个班（共 {total} 个），完整名单见导出表格。",
        "subsidy": "职业培训补贴",
        "claims": "申领笔数",
        "claimed_people": "申领人数",
        "claimed": "申领金额（元）",
        "approved_people": "审核通过人数",
        "approved": "审批金额（元）",
        "paid": "拨付金额（元）",
    },
    "en": {
        "title": "Vocational training report",
        "scope": "Scope",
        "as_of": "Figures taken",
        "definitions": "Definitions",
        "item": "Item",
        "count": "People",
        "rate": "Rate",
        "definition": "Definition",
        "course": "Course",
        "county": "County",
        "category": "Household category",
        "kind": "Kind of job",
        "place": "Place of job",
        "jobs": "Jobs",
        "average_wage": "Average monthly wage (yuan)",
        "median_wage": "Median monthly wage (yuan)",
        "month": "Month",
        "cohort": "Class",
        "employer": "Partner employer",
        "committed": "Committed",
        "at_partner": "Placed with the partner",
        "fulfilment": "Fulfilment",
        "funnel": "Training to employment",
        "trend": "Monthly trend",
        "wages": "Wages",
        "total": "Total",
        "directed": "Directed training",
        "see": "Definitions: see the Definitions sheet",
        "among_them": "Among them: poverty-alleviated and relocated",
        "more_in_exports": "{shown} of {total} classes shown here; the exported tables list them all.",
        "subsidy": "Training subsidy",
        "claims": "Claims",
        "claimed_people": "People claimed",
        "claimed": "Claimed (yuan)",
        "approved_people": "People approved",
        "approved": "Approved (yuan)",
        "paid": "Paid (yuan)",
    },
}


@dataclass(frozen=True)
class Settings:
    """The definitions in force for one report."""

    period_date: str = "end_date"
    employed_within_months: int = 6
    min_contract_months: int = 12
    no_contract_kinds: tuple[str, ...] = ("self_employed",)
    retention_months: int = 6

    def __post_init__(self) -> None:
        if self.period_date not in PERIOD_DATES:
            raise ValueError(f"REPORT_PERIOD_DATE must be one of {PERIOD_DATES}, not {self.period_date!r}")
        if self.retention_months not in RETENTION_CHOICES:
            raise ValueError(f"REPORT_RETENTION_MONTHS must be one of {RETENTION_CHOICES}")
        if not 1 <= self.employed_within_months <= 36 or not 0 <= self.min_contract_months <= 120:
            raise ValueError("REPORT_EMPLOYED_WITHIN_MONTHS must be 1-36 and REPORT_MIN_CONTRACT_MONTHS 0-120")
        unknown = set(self.no_contract_kinds) - set(KIND_NAMES["en"])
        if unknown:
            raise ValueError(f"REPORT_NO_CONTRACT_KINDS: unknown kinds {sorted(unknown)}")

    @classmethod
    def from_config(cls, config: Mapping) -> Settings:
        """The settings from app.config, each key falling back to DEFAULTS."""

        def value(key: str):
            return config.get(key, DEFAULTS[key])

        kinds = value("REPORT_NO_CONTRACT_KINDS")
        return cls(
            period_date=str(value("REPORT_PERIOD_DATE")),
            employed_within_months=int(value("REPORT_EMPLOYED_WITHIN_MONTHS")),
            min_contract_months=int(value("REPORT_MIN_CONTRACT_MONTHS")),
            no_contract_kinds=tuple(kinds.split(",") if isinstance(kinds, str) else kinds),
            retention_months=int(value("REPORT_RETENTION_MONTHS")),
        )

    def employment(self, within_months: int | None = None) -> EmploymentDefinition:
        """What counts as employment under these settings, within their window or `within_months`
        (a subsidy claim's CLAIM_MEASURE_MONTHS): the window changes, the definition does not."""
        return EmploymentDefinition(
            within_months=self.employed_within_months if within_months is None else within_months,
            min_contract_months=self.min_contract_months,
            no_contract_kinds=self.no_contract_kinds,
        )

    def as_dict(self) -> dict:
        return {**asdict(self), "no_contract_kinds": list(self.no_contract_kinds)}

    @classmethod
    def from_dict(cls, values: Mapping) -> Settings:
        return cls(**{**values, "no_contract_kinds": tuple(values["no_contract_kinds"])})


def language_of(locale) -> str:
    return "en" if str(locale or "").startswith("en") else "zh"


def stage_labels(settings: Settings, language: str) -> dict[str, str]:
    """The name of each funnel stage, and of each rate (key + '_rate')."""
    r = settings.retention_months
    if language == "en":
        return {
            "enrolled": "Trained",
            "completed": "Completed",
            "certified": "Certified",
            "placed": "Employed",
            "retained": f"Still employed at {r} months",
            "completed_rate": "Completion rate",
            "certified_rate": "Certification rate",
            "placed_rate": "Employment rate",
            "retained_rate": f"{r}-month retention rate",
            "retention_due": f"{r}-month follow-up due",
        }
    return {
        "enrolled": "培训人数",
        "completed": "结业人数",
        "certified": "取证人数",
        "placed": "就业人数",
        "retained": f"{r}个月稳岗人数",
        "completed_rate": "结业率",
        "certified_rate": "取证率",
        "placed_rate": "就业率",
        "retained_rate": f"{r}个月稳岗率",
        "retention_due": f"{r}个月回访到期人数",
    }
