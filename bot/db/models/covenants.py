"""Covenants, the organisations in them, and the people who act for those organisations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.enums import ContactRoute, CovenantKind, CovenantPhase, OrganisationKind, ParticipationType, RoleKind
from bot.db.models.base import Base, Timestamped
from bot.db.types import UTCDateTime, enum_column, json_column


class Covenant(Timestamped, Base):
    __tablename__ = "covenant"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[CovenantKind] = mapped_column(enum_column(CovenantKind), default=CovenantKind.COVENANT)
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str | None] = mapped_column(String(100))
    phase: Mapped[CovenantPhase] = mapped_column(enum_column(CovenantPhase))
    signed_on: Mapped[date | None]
    in_force_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    term_nl: Mapped[str | None] = mapped_column(String(200))
    term_en: Mapped[str | None] = mapped_column(String(200))
    facilitator: Mapped[str | None] = mapped_column(String(200))
    secretariat: Mapped[str | None] = mapped_column(String(200))
    secretariat_channel: Mapped[str | None] = mapped_column(String(32))
    # The language of the bot's messages in the secretariat channel; None: the bot's default language.
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    # Company cycle: first plan N months after joining, later plans on a yearly date.
    first_plan_months: Mapped[int] = mapped_column(default=12)
    plan_cycle_month: Mapped[int | None]
    plan_cycle_day: Mapped[int | None]
    # Overrides of config/reminder_policy.yml for this covenant, by deadline kind.
    reminder_policy: Mapped[dict[str, object] | None] = mapped_column(json_column())

    aliases: Mapped[list[CovenantAlias]] = relationship(
        back_populates="covenant", cascade="all, delete-orphan", order_by="CovenantAlias.alias"
    )
    facts: Mapped[list[CovenantFact]] = relationship(
        back_populates="covenant", cascade="all, delete-orphan", order_by="CovenantFact.position"
    )
    participations: Mapped[list[Participation]] = relationship(back_populates="covenant")

    def name(self, lang: str) -> str:
        """The covenant's name in the given language."""
        return self.name_nl if lang == "nl" else self.name_en


class CovenantAlias(Base):
    __tablename__ = "covenant_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(100), unique=True)

    covenant: Mapped[Covenant] = relationship(back_populates="aliases")


class CovenantFact(Base):
    """A public fact about a covenant (participants, status); ``uncertain`` when sources disagree."""

    __tablename__ = "covenant_fact"

    id: Mapped[int] = mapped_column(primary_key=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    topic: Mapped[str] = mapped_column(String(32))
    text_nl: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    uncertain: Mapped[bool] = mapped_column(default=False)

    covenant: Mapped[Covenant] = relationship(back_populates="facts")

    def text(self, lang: str) -> str:
        return self.text_nl if lang == "nl" else self.text_en


class Organisation(Timestamped, Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind))
    fictional: Mapped[bool] = mapped_column(default=False)

    participations: Mapped[list[Participation]] = relationship(back_populates="organisation")


class Participation(Timestamped, Base):
    """An organisation's membership of a covenant; public data, including who left and why."""

    __tablename__ = "participation"
    __table_args__ = (UniqueConstraint("organisation_id", "covenant_id", "joined_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"), index=True)
    type: Mapped[ParticipationType] = mapped_column(enum_column(ParticipationType))
    joined_on: Mapped[date | None]
    left_on: Mapped[date | None]
    left_reason: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship(back_populates="participations")
    covenant: Mapped[Covenant] = relationship(back_populates="participations")


class Person(Timestamped, Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    # Set by `/covenant lang`; overrides the Slack locale.
    language: Mapped[str | None] = mapped_column(String(8))
    # For people without (a working) Slack: reminders go here when ``route`` says so. Stored lower-cased.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    route: Mapped[ContactRoute] = mapped_column(
        enum_column(ContactRoute), default=ContactRoute.SLACK, server_default=ContactRoute.SLACK.value
    )
    # The time zone of a person without Slack (Slack users' zones come from users.info); None: the covenant's.
    timezone: Mapped[str | None] = mapped_column(String(64))
    fictional: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation | None] = relationship()
    roles: Mapped[list[Role]] = relationship(back_populates="person", cascade="all, delete-orphan")


class Role(Timestamped, Base):
    """A person's role in one covenant (working-group chairs also name their group)."""

    __tablename__ = "role"
    __table_args__ = (UniqueConstraint("person_id", "covenant_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RoleKind] = mapped_column(enum_column(RoleKind))

    person: Mapped[Person] = relationship(back_populates="roles")
    covenant: Mapped[Covenant] = relationship()


class SlackProfile(Base):
    """What users.info told us about a Slack user (time zone, locale), cached with its age."""

    __tablename__ = "slack_profile"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    real_name: Mapped[str | None] = mapped_column(String(200))
    tz: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
