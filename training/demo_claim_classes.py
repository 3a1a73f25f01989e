"""The demo's two claim classes (demo_claims.py seeds them): their course, county and site, and what
becomes of each of their trainees (attendance, scores, household categories and their proof, the
certificate, the job, an objection to their line), with the words the demo's people write.

- BH-2026-06 (母婴护理员 五级, 白河县): 14 of 18 complete, 10 employed as a claim counts it: the
  65-80 % tier; one graduate's 脱贫 proof is missing.
- ZY-2026-05 (足部修护师 五级, 紫阳县): 17 of 20 complete, 15 employed: the 100 % tier; one skill
  level certificate is not found on the national query site; two objections, one dismissed, one
  upheld.
"""

from __future__ import annotations

from dataclasses import dataclass

from training.models import HouseholdCategory, ObjectionOutcome

DRAFT_CLASS, PAID_CLASS = "BH-2026-06", "ZY-2026-05"
RELOCATED, RETURNED = HouseholdCategory.RELOCATED, HouseholdCategory.RETURNED_MIGRANT
POVERTY, UNEMPLOYED = HouseholdCategory.POVERTY_ALLEVIATED, HouseholdCategory.REGISTERED_UNEMPLOYED
# What a category's proof is, as a coordinator records it before its number.
PROOFS: dict[str, str] = {POVERTY: "脱贫户信息系统编号", UNEMPLOYED: "就业创业证编号"}
ASSESSOR = "紫阳县足部修护行业协会"  # the evaluation body (评价机构) of Ziyang's foot-care certificates


@dataclass(frozen=True)
class Job:
    employer: str | None  # a key of the employers below; None: self-employed
    kind: str
    scope: str
    after_days: int  # starts this many days after the class ended
    contract_months: int | None
    wage: int | None
    position: str
    place: str


@dataclass(frozen=True)
class Fate:
    """What becomes of one trainee of a demo class."""

    absent_every: int = 0  # absent at every n-th session (0: never); 4 is 75 %, short of the 80 % to complete
    theory: int = 82
    practical: int = 86
    categories: tuple[str, ...] = ()
    proof: bool = False  # the proof of those of their categories a claim needs is recorded
    job: Job | None = None
    found: bool = True  # their external certificate is found on the national query site
    objection: str | None = None  # to their line of the notice, and its outcome


def _nanny(
    after: int,
    wage: int,
    *,
    kind: str = "directed",
    scope: str = "in_city",
    months: int = 24,
    place: str = "安康市汉滨区",
) -> Job:
    """A maternity carer's job with the Ankang domestic-service company (directed, in the city)."""
    return Job("nanny", kind, scope, after, months, wage, "母婴护理员", place)


def _foot(after: int, wage: int) -> Job:
    """A foot-care job with the Shanghai chain that committed to hire the class (directed)."""
    return Job("chain", "directed", "out_of_province", after, 24, wage, "足部修护师", "上海市闵行区")


# 14 of 18 complete; 10 are employed as the claim counts it (a 6-month contract and a job started
# after the window do not count): 71.42 %, the 65-80 % tier; one graduate's 脱贫 proof is recorded,
# another's is missing.
DRAFT_FATES = (
    *(Fate(categories=(RELOCATED,) if i % 2 else (), job=_nanny(5 + i, 4600 + 100 * i)) for i in range(6)),
    Fate(categories=(POVERTY, RELOCATED), proof=True, job=_nanny(11, 4700)),
    Fate(categories=(POVERTY,), job=_nanny(9, 4800)),
    Fate(job=_nanny(21, 5500, kind="self_found", scope="in_province", months=12, place="西安市雁塔区")),
    Fate(categories=(RETURNED,), job=_nanny(30, 5200, kind="self_found", scope="in_province", place="西安市未央区")),
    Fate(job=_nanny(12, 4200, months=6)),
    Fate(categories=(RELOCATED,), job=_nanny(75, 4500)),
    Fate(categories=(RELOCATED,)),
    Fate(),
    Fate(absent_every=4, categories=(RELOCATED,)),
    Fate(absent_every=3),
    Fate(practical=52),
    Fate(theory=55, categories=(RETURNED,)),
)

# 17 of 20 complete, 15 employed (100 % tier); one certificate is not found on the query site.
PAID_FATES = (
    *(
        Fate(categories=(RELOCATED,) if i % 3 else (POVERTY,), proof=True, job=_foot(8 + i, 5600 + 100 * i))
        for i in range(9)
    ),
    Fate(job=_foot(14, 6000), objection=ObjectionOutcome.DISMISSED),
    *(
        Fate(
            categories=(RETURNED, UNEMPLOYED) if i == 0 else (RETURNED,),
            proof=True,
            job=Job("local", "community_factory", "same_county", 4 + i, 12, 3200, "修脚师", "紫阳县蒿坪镇"),
            objection=ObjectionOutcome.UPHELD if i == 1 else None,
        )
        for i in range(3)
    ),
    *(
        Fate(job=Job(None, "self_employed", "same_county", 25 + i, None, 4000, "足部修护店店主", "紫阳县城关镇"))
        for i in range(2)
    ),
    Fate(found=False, categories=(RELOCATED,)),
    Fate(),
    Fate(absent_every=4),
    Fate(absent_every=3, categories=(RELOCATED,)),
    Fate(practical=50),
)

EMPLOYERS = {
    # key: name, the first 17 characters of the credit code, province, city, county, industry
    "nanny": ("安康秦巴月嫂家政服务有限公司", "91610900MA70QB7X2", "陕西省", "安康市", "汉滨区", "居民服务业"),
    "local": ("紫阳县蒿坪镇金川社区足部修护工坊", "92610924MA6YQ3KP5", "陕西省", "安康市", "紫阳县", "居民服务业"),
}

OBJECTIONS: dict[str, tuple[str, str, str]] = {  # outcome: who, what, the reason for the outcome
    ObjectionOutcome.DISMISSED: (
        "匿名来电",
        "反映该学员结业后并未去上海上班，一直在家。",
        "经核查劳动合同、用人单位出具的在岗证明和近三个月工资流水，该学员在岗，异议不成立。",
    ),
    ObjectionOutcome.UPHELD: (
        "群众来信（署名：刘女士）",
        "该学员今年已在浙江省参加过足部修护师（五级）培训并领取了补贴。",
        "经与浙江省嘉兴市就业服务中心核实，该学员今年已领取足部修护师（五级）项目制培训补贴；"
        "同一职业同一等级只补贴一次，本次不予补贴。",
    ),
}
REJECTIONS = {
    "not_completed": "未达到结业要求（出勤或考核成绩不合格），不予补贴。",
    "certificate_not_found": "职业技能等级证书在全国联网查询系统中查询不到，不予补贴。",
}


# code: course, county, site, site kind, the county's demo accounts (demo_trainer_… and demo_coord_…)
CLASSES = {
    DRAFT_CLASS: ("MYHL-5", "610929", "白河县城关镇纸坊沟社区安置点培训室", "resettlement_community", "baihe"),
    PAID_CLASS: ("ZBXH-5", "610924", "紫阳县向阳镇营梁社区新社区工厂", "community_factory", "ziyang"),
}
