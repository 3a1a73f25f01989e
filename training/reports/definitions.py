"""What each figure of the reports counts: settings with defaults (app.config may override
them), and the sentences that state every definition on the page and in every export.

The sentences are written out in Chinese and English here rather than through the
translation catalogue: a statistical definition is part of what a county reports upward,
and its wording must not depend on a catalogue being compiled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime

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

    def as_dict(self) -> dict:
        return {**asdict(self), "no_contract_kinds": list(self.no_contract_kinds)}

    @classmethod
    def from_dict(cls, values: Mapping) -> Settings:
        return cls(**{**values, "no_contract_kinds": tuple(values["no_contract_kinds"])})


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    text: str


@dataclass(frozen=True)
class Context:
    """What the sentences mention besides the settings: the area, the period and when figures were taken."""

    scope_name: str
    date_from: date
    date_to: date
    as_of: datetime  # local time
    language: str = "zh"


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


def describe(settings: Settings, context: Context) -> list[Definition]:
    """Every definition, in the order the page and the exports list them."""
    return (_english if context.language == "en" else _chinese)(settings, context)


def _runs_past_as_of(c: Context) -> bool:
    return c.date_to > c.as_of.date()


def _not_yet_zh(c: Context) -> list[Definition]:
    if not _runs_past_as_of(c):
        return []
    return [
        Definition(
            "not_yet",
            "尚未计入",
            f"统计范围到 {c.date_to:%Y-%m-%d}，晚于数据截至日：尚未结业的培训班，其学员已计入"
            "培训人数，结业、取证在结业评定后计入；就业从就业开始日期起计入，已登记但尚未开始的工作暂不计入。",
        )
    ]


def _not_yet_en(c: Context) -> list[Definition]:
    if not _runs_past_as_of(c):
        return []
    return [
        Definition(
            "not_yet",
            "Not counted yet",
            f"The period runs to {c.date_to:%Y-%m-%d}, past the date the "
            "figures were taken: the trainees of classes not yet finished count as trained now, as completed "
            "and certified once the class is finalised; a job counts from its start date, so jobs recorded "
            "that have not started yet are not counted.",
        )
    ]


def _chinese(s: Settings, c: Context) -> list[Definition]:
    basis = "结业日期" if s.period_date == "end_date" else "开班日期"
    kinds = "、".join(KIND_NAMES["zh"][k] for k in s.no_contract_kinds)
    contract = (
        f"签订 {s.min_contract_months} 个月以上劳动合同" + (f"（{kinds}不要求合同）" if kinds else "")
        if s.min_contract_months
        else "不论有无劳动合同"
    )
    n, r = s.employed_within_months, s.retention_months
    labels = stage_labels(s, "zh")
    return [
        Definition(
            "as_of",
            "数据截至",
            f"数据截至 {c.as_of:%Y-%m-%d %H:%M}：各项数字于此时从系统中提取，之后补录的证书、就业和回访不在其中。",
        ),
        Definition(
            "period",
            "统计范围",
            f"{c.scope_name}（按培训班所在区县），{basis}在 {c.date_from:%Y-%m-%d} 至 "
            f"{c.date_to:%Y-%m-%d}（含）之间的培训班。以下人数均为这些培训班的学员；结业日期为培训班结束日期，"
            "之后的取证、就业和回访跟踪到数据截至日。",
        ),
        *_not_yet_zh(c),
        Definition(
            "enrolled",
            labels["enrolled"],
            "培训人数 = 上述培训班录取的学员人次（状态为在训、结业、未通过或退出；"
            "报名待审、候补和未录取的不计），同一人参加两个班计两人次。",
        ),
        Definition(
            "completed",
            labels["completed_rate"],
            "结业率 = 结业人数（出勤和考核均达标、状态为“结业”的人次）÷ 培训人数。",
        ),
        Definition(
            "certified",
            labels["certified_rate"],
            "取证率 = 持有效结业证书的结业人数（已撤销或已被更正换发的证书不计）÷ 结业人数。",
        ),
        Definition(
            "placed",
            labels["placed_rate"],
            f"就业率 = 结业后 {n} 个月内开始就业并{contract}的结业人数 ÷ 结业人数；就业开始日期不晚于数据截至日。",
        ),
        Definition(
            "retained",
            labels["retained_rate"],
            f"{r}个月稳岗率 = 就业人数中 {r} 个月回访确认仍在岗的人数 ÷ "
            f"{r} 个月回访已到期（到期日不晚于数据截至日）的就业人数；到期未回访的计入分母、不计入分子。",
        ),
        Definition(
            "wage",
            "月工资",
            "平均月工资、月工资中位数 = 计入就业的就业记录登记的月工资（元，起薪），每条就业记录计一次。",
        ),
        Definition(
            "placements",
            "就业形式与地域",
            "就业形式、就业地域 = 计入就业的就业记录按登记的形式和地域"
            "（本县、市内外县、省内外市、省外）分组，一人多份工作各计一次。",
        ),
        Definition(
            "categories",
            "人员类别",
            "脱贫人口、易地搬迁等人员类别按学员登记的类别计；一人可属多个类别，各类别相加可能多于合计。",
        ),
        Definition(
            "directed",
            "订单式培训",
            "承诺岗位 = 订单式培训班登记的承诺就业人数；到岗人数 = 该班结业学员中在合作企业就业"
            "（按上述就业口径）的人数；兑现率 = 到岗人数 ÷ 承诺岗位。",
        ),
        Definition(
            "trend",
            "月度趋势",
            "结业人数按培训班结业日期所在月份计，就业人数按就业开始日期所在月份计，均为统计范围内的学员。",
        ),
    ]


def _english(s: Settings, c: Context) -> list[Definition]:
    basis = "end date" if s.period_date == "end_date" else "start date"
    kinds = ", ".join(KIND_NAMES["en"][k] for k in s.no_contract_kinds)
    contract = (
        f"with a labour contract of at least {s.min_contract_months} months"
        + (f" (none needed when {kinds})" if kinds else "")
        if s.min_contract_months
        else "with or without a contract"
    )
    n, r = s.employed_within_months, s.retention_months
    labels = stage_labels(s, "en")
    return [
        Definition(
            "as_of",
            "Figures taken",
            f"Figures taken on {c.as_of:%Y-%m-%d %H:%M}: certificates, jobs and "
            "follow-ups recorded later are not in them.",
        ),
        Definition(
            "period",
            "Scope",
            f"{c.scope_name} (by the county of the class), classes whose {basis} falls "
            f"between {c.date_from:%Y-%m-%d} and {c.date_to:%Y-%m-%d} inclusive. Every count is of these classes' "
            "trainees; completion is the class's end date; certificates, jobs and follow-ups are followed up "
            "to the date the figures were taken.",
        ),
        *_not_yet_en(c),
        Definition(
            "enrolled",
            labels["enrolled"],
            "Trained = admissions to these classes (enrolled, completed, not "
            "passed or withdrawn; not pending applications, waiting list or declined); a person in two classes "
            "counts twice.",
        ),
        Definition(
            "completed",
            labels["completed_rate"],
            "Completion rate = completed (attendance and scores met, status “completed”) ÷ trained.",
        ),
        Definition(
            "certified",
            labels["certified_rate"],
            "Certification rate = completed trainees holding a valid "
            "certificate (revoked or superseded certificates do not count) ÷ completed.",
        ),
        Definition(
            "placed",
            labels["placed_rate"],
            f"Employment rate = completed trainees who started a job within {n} "
            f"months after the training ended, {contract}, on or before the date the figures were taken "
            "÷ completed.",
        ),
        Definition(
            "retained",
            labels["retained_rate"],
            f"{r}-month retention = employed trainees whose {r}-month "
            f"follow-up found them still employed ÷ employed trainees whose {r}-month follow-up has fallen due; "
            "a follow-up due but not done counts in the denominator only.",
        ),
        Definition(
            "wage",
            "Monthly wage",
            "Average and median monthly wage = the starting wage (yuan) recorded on each "
            "job that counts as employment; each job counts once.",
        ),
        Definition(
            "placements",
            "Kinds and places of jobs",
            "Jobs that count as employment, grouped by the kind and "
            "place recorded (same county, in the city, in the province, out of the province); a person with "
            "two jobs counts twice.",
        ),
        Definition(
            "categories",
            "Household categories",
            "Poverty-alleviated, relocated and other categories as recorded "
            "on the trainee; a person may be in several, so categories add up to more than the total.",
        ),
        Definition(
            "directed",
            "Directed training",
            "Committed = the placements the partner employer committed for the "
            "class; placed = its completed trainees employed (as defined above) by that employer; "
            "fulfilment = placed ÷ committed.",
        ),
        Definition(
            "trend",
            "Monthly trend",
            "Completions by the month of the class's end date, jobs by the month "
            "they started, for the trainees in scope.",
        ),
    ]
