"""The proof of a household category: which categories need one (a setting read at start-up), how it is
masked, recording it (who, when, audited masked), and what a trainee's page is given of it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import base_config
from tests.support.statements import statements_sent
from training import create_app
from training.extensions import db
from training.models import AuditEvent, HouseholdCategory, TraineeCategory
from training.trainees import category_evidence, services
from training.trainees.category_evidence import EvidenceRefused, mask_evidence, record_evidence

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
PROOF = "脱贫户信息系统编号 6109240012"


@pytest.mark.parametrize(
    "setting, categories",
    [
        ("", set()),
        ("poverty_alleviated", {"poverty_alleviated"}),
        (" poverty_alleviated , disabled ,", {"poverty_alleviated", "disabled"}),
        (",".join(c.value for c in HouseholdCategory), {c.value for c in HouseholdCategory}),
    ],
)
def test_the_setting_names_the_categories_that_need_proof(setting, categories):
    assert category_evidence.parse_categories_needing_evidence(setting) == categories


def test_an_unknown_category_in_the_setting_is_named_with_the_values_there_are():
    with pytest.raises(ValueError) as refused:
        category_evidence.parse_categories_needing_evidence("poverty_alleviated,脱贫人口,poor")
    message = str(refused.value)
    assert message.startswith("CLAIM_EVIDENCE_CATEGORIES: unknown household categories poor, 脱贫人口;")
    assert "poverty_alleviated, monitored, relocated" in message


def test_the_app_does_not_start_with_an_unknown_category_in_the_setting(database_url):
    with pytest.raises(ValueError, match="CLAIM_EVIDENCE_CATEGORIES: unknown household categories poor"):
        create_app({**base_config(database_url), "CLAIM_EVIDENCE_CATEGORIES": "disabled,poor"})


def test_the_setting_is_read_once_when_the_app_starts(database_url):
    app = create_app({**base_config(database_url), "CLAIM_EVIDENCE_CATEGORIES": "relocated"})
    with app.app_context():
        app.config["CLAIM_EVIDENCE_CATEGORIES"] = "disabled"  # too late: it was parsed at start-up
        assert category_evidence.categories_needing_evidence() == {"relocated"}


@pytest.mark.parametrize(
    "text, masked",
    [
        ("脱贫户信息系统编号 6109240012", "脱贫户信息系统编号 ******0012"),
        ("残疾人证 61092419900517123X42", "残疾人证 ****************3X42"),
        ("低保证 2023-0156", "低保证 *****0156"),
        ("监测对象 编号 ZY/2024/118", "监测对象 编号 *******/118"),
        ("村委会证明 1234", "村委会证明 1234"),
        ("乡镇备案表", "乡镇备案表"),
        (None, ""),
    ],
)
def test_a_proof_is_masked_to_its_words_and_the_last_four_characters_of_each_number(text, masked):
    assert mask_evidence(text) == masked


@pytest.fixture
def poor(app, make):
    """A trainee who is 脱贫人口 and 易地搬迁, and a coordinator of their county."""
    trainee = make.trainee(
        categories=[TraineeCategory(category="poverty_alleviated"), TraineeCategory(category="relocated")]
    )
    coordinator = make.user("coordinator", county_code="610924", display_name="紫阳协调员")
    db.session.commit()
    with force_locale("en"):
        yield trainee, coordinator


def proof_of(trainee, category="poverty_alleviated") -> TraineeCategory:
    return db.session.get(TraineeCategory, (trainee.id, category))


def test_recording_a_proof_keeps_what_it_is_who_recorded_it_and_when(poor):
    trainee, coordinator = poor
    assert record_evidence(trainee, "poverty_alleviated", f"  {PROOF} ", user_id=coordinator.id, now=NOW) is True
    db.session.commit()
    stored = proof_of(trainee)
    assert (stored.evidence, stored.evidence_recorded_by_id, stored.evidence_recorded_at) == (
        PROOF,
        coordinator.id,
        NOW,
    )


def test_a_proof_typed_in_full_width_characters_is_kept_in_plain_ones(poor):
    trainee, coordinator = poor
    record_evidence(
        trainee, "poverty_alleviated", "脱贫户信息系统编号　６１０９２４００１２", user_id=coordinator.id, now=NOW
    )
    assert proof_of(trainee).evidence == PROOF


def test_recording_a_proof_is_audited_masked(poor):
    trainee, coordinator = poor
    record_evidence(trainee, "poverty_alleviated", PROOF, user_id=coordinator.id, now=NOW)
    record_evidence(trainee, "poverty_alleviated", "脱贫户信息系统编号 6109240099", user_id=coordinator.id, now=NOW)
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "category_evidence_recorded")).all()
    assert [(e.entity_type, e.entity_id, e.before, e.after) for e in events] == [
        (
            "trainee",
            str(trainee.id),
            None,
            {"category": "poverty_alleviated", "evidence": "脱贫户信息系统编号 ******0012"},
        ),
        (
            "trainee",
            str(trainee.id),
            {"category": "poverty_alleviated", "evidence": "脱贫户信息系统编号 ******0012"},
            {"category": "poverty_alleviated", "evidence": "脱贫户信息系统编号 ******0099"},
        ),
    ]


def test_recording_the_same_proof_again_changes_and_audits_nothing(poor):
    trainee, coordinator = poor
    record_evidence(trainee, "poverty_alleviated", PROOF, user_id=coordinator.id, now=NOW)
    db.session.commit()
    later = datetime(2026, 11, 21, tzinfo=UTC)
    assert record_evidence(trainee, "poverty_alleviated", PROOF, user_id=coordinator.id, now=later) is False
    assert proof_of(trainee).evidence_recorded_at == NOW
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == 1


@pytest.mark.parametrize(
    "category, text, problem",
    [
        ("disabled", PROOF, "is not registered as Person with disability: add the category first."),
        ("poverty_alleviated", "   ", "Write what the proof is and its number"),
        ("poverty_alleviated", "编" * 121, "At most 120 characters."),
    ],
    ids=["category not held", "empty", "too long"],
)
def test_a_proof_that_cannot_be_recorded_is_refused_and_nothing_changes(poor, category, text, problem):
    trainee, coordinator = poor
    with pytest.raises(EvidenceRefused) as refused:
        record_evidence(trainee, category, text, user_id=coordinator.id, now=NOW)
    assert problem in str(refused.value)
    assert proof_of(trainee).evidence is None
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == 0


def test_a_proof_stays_when_the_persons_record_is_edited_and_keeps_the_category(poor):
    trainee, coordinator = poor
    record_evidence(trainee, "poverty_alleviated", PROOF, user_id=coordinator.id, now=NOW)
    db.session.commit()
    data = services.TraineeData(
        id_number=trainee.id_number,
        name=trainee.name,
        phone="13800138000",
        county_code=trainee.county_code,
        categories={"poverty_alleviated", "disabled"},
    )
    services.update_trainee(trainee, data)
    db.session.commit()
    assert proof_of(trainee).evidence == PROOF


def test_the_panel_gives_each_category_in_order_with_whether_a_claim_needs_its_proof(poor):
    trainee, coordinator = poor
    record_evidence(trainee, "relocated", "搬迁安置确认书 AZ-0012", user_id=coordinator.id, now=NOW)
    proofs = category_evidence.panel(trainee.id, may_see_proof=True)
    # The default setting needs proof of 脱贫人口, not of 易地搬迁.
    assert [(p.category, p.needed, p.recorded, p.missing) for p in proofs] == [
        ("poverty_alleviated", True, False, True),
        ("relocated", False, True, False),
    ]
    assert (proofs[1].shown, proofs[1].recorded_by, proofs[1].recorded_at) == (
        "搬迁安置确认书 ***0012",
        "紫阳协调员",
        NOW,
    )


def test_the_panel_tells_one_who_may_not_see_the_proof_only_that_it_is_recorded(poor):
    trainee, coordinator = poor
    record_evidence(trainee, "poverty_alleviated", PROOF, user_id=coordinator.id, now=NOW)
    [proof, _] = category_evidence.panel(trainee.id, may_see_proof=False)
    assert (proof.recorded, proof.shown, proof.recorded_by, proof.recorded_at) == (True, None, None, None)


def test_the_panel_is_one_statement_however_many_categories(app, make):
    coordinator = make.user("coordinator", county_code="610924")
    trainee = make.trainee(categories=[TraineeCategory(category=c.value) for c in HouseholdCategory])
    for c in HouseholdCategory:
        record_evidence(trainee, c.value, f"证明 {c.value} 0001", user_id=coordinator.id, now=NOW)
    db.session.commit()
    trainee_id = trainee.id
    with statements_sent() as statements:
        proofs = category_evidence.panel(trainee_id, may_see_proof=True)
    assert [p.category for p in proofs] == [c.value for c in HouseholdCategory]
    assert len(statements) == 1
