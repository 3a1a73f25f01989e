"""Counties, user accounts with their login sessions, and trainees."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import Model
from training.orm import one_of, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    TRAINER = "trainer"
    TRAINEE = "trainee"
    # Reviews subsidy claims (审核) without preparing them: city-wide, like a coordinator without a county.
    REVIEWER = "reviewer"


class HouseholdCategory(enum.StrEnum):
    """Household categories the subsidy programmes report on."""

    POVERTY_ALLEVIATED = "poverty_alleviated"  # 脱贫人口
    MONITORED = "monitored"  # 监测对象
    RELOCATED = "relocated"  # 易地搬迁
    ZERO_EMPLOYMENT = "zero_employment"  # 零就业家庭
    RETURNED_MIGRANT = "returned_migrant"  # 返乡农民工
    REGISTERED_UNEMPLOYED = "registered_unemployed"  # 登记失业
    SCHOOL_LEAVER = "school_leaver"  # 未升学初高中毕业生
    DISABLED = "disabled"  # 残疾人


class County(Model):
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))


class User(Model):
    __tablename__ = "user_account"
    __table_args__ = (one_of("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    county_code: Mapped[str | None] = mapped_column(ForeignKey("county.code"))
    trainee_id: Mapped[int | None] = mapped_column(ForeignKey("trainee.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # A trainee's separate consent to their position at self check-in (PIPL art. 29): when given;
    # None when never given or withdrawn (each change is in the audit log).
    position_consent_at: Mapped[datetime | None]

    county: Mapped[County | None] = relationship()
    trainee: Mapped[Trainee | None] = relationship(back_populates="account")

    # Flask-Login protocol; the id it stores in the cookie is checked against LoginSession.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


class LoginSession(Model):
    """One signed-in browser; the cookie holds a token whose hash is stored here."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class Trainee(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date]
    phone: Mapped[str | None] = mapped_column(String(11))
    county_code: Mapped[str | None] = mapped_column(ForeignKey("county.code"), index=True)
    town: Mapped[str] = mapped_column(String(50), default="")
    village: Mapped[str] = mapped_column(String(50), default="")
    education: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    county: Mapped[County | None] = relationship()
    categories: Mapped[list[TraineeCategory]] = relationship(cascade="all, delete-orphan", back_populates="trainee")
    account: Mapped[User | None] = relationship(back_populates="trainee")

    @property
    def category_set(self) -> set[str]:
        return {c.category for c in self.categories}


class TraineeCategory(Model):
    __table_args__ = (one_of("category", HouseholdCategory),)

    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainee.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)
    # The proof of the category a claim needs (脱贫 record, 低保 certificate, 就业创业证 …): what it
    # is and its number, who saw it and when. Kept while the category is, for the claim's audit.
    evidence: Mapped[str | None] = mapped_column(String(120))
    evidence_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    evidence_recorded_at: Mapped[datetime | None]

    trainee: Mapped[Trainee] = relationship(back_populates="categories")


__all__ = [
    "County",
    "HouseholdCategory",
    "LoginSession",
    "Role",
    "Trainee",
    "TraineeCategory",
    "User",
]


class ActivationCode(Model):
    """A one-time code printed on a slip, with which a trainee sets up their own login."""

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainee.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    trainee: Mapped[Trainee] = relationship()
