"""The sentences that state every definition of the reports (definitions.py's settings) on the
page and at the top of every export, in Chinese and in English.

They are written out here rather than through the translation catalogue: a statistical
definition is part of what a county reports upward, and its wording must not depend on a
catalogue being compiled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from training.reports.definitions import KIND_NAMES, Settings, stage_labels


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
        Definition(
            "subsidy",
            "职业培训补贴",
            "申领金额 = 上述培训班已提交的补贴申领（已提交、公示中、审核中、已审批、已拨付；草稿和被退回的版本不计）"
            "中各学员的申领金额之和，申领人数为其中金额大于零的学员人次；审批金额 = 已审批、已拨付的申领中审核通过的"
            "学员金额之和；拨付金额 = 已拨付的申领中审核通过的学员金额之和（拨付时与审批总额核对一致）。"
            "按培训班所在区县和培训项目归类，单位为元。",
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
        Definition(
            "subsidy",
            "Training subsidy",
            "Claimed = the amounts of these classes' trainees in their submitted subsidy claims (submitted, on "
            "public notice, under review, approved or paid; drafts and returned versions do not count); people "
            "claimed = those with an amount above zero. Approved = the amounts of the trainees approved in approved "
            "or paid claims. Paid = the approved amounts of paid claims (the payment is checked against the "
            "approved total). Yuan, by the county and the course of the class.",
        ),
    ]
