"""What the report pack holds: plain dataclasses, filled by :mod:`bot.services.reports.pack`, read by the writers."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from bot.services.small_numbers import Bucket


class Audience(enum.StrEnum):
    """Who a pack is for: the covenant's secretariat (company-level figures too) or the public (aggregates only)."""

    SECRETARIAT = "secretariat"
    PUBLIC = "public"


class ActionState(enum.StrEnum):
    """Where an action item stands at the time of the report."""

    OPEN = "open"
    LATE = "late"
    DONE = "done"
    DONE_LATE = "done_late"


@dataclass(frozen=True)
class Period:
    """A cycle year: its first and last day in the covenant's time zone and the UTC moments around them."""

    cycle: int
    first_day: date
    last_day: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Group:
    """A working group's name in Dutch and (where it has one) English."""

    name: str
    name_en: str | None

    def in_(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


@dataclass(frozen=True)
class ParticipantRow:
    """An organisation's participation (public: who takes part, since when, who left and why)."""

    organisation: str
    kind: str
    type: str
    joined_on: date | None
    left_on: date | None
    left_reason: str | None


@dataclass(frozen=True)
class ParticipantFigures:
    rows: tuple[ParticipantRow, ...]
    at_start: int
    joined: int
    left: int
    at_end: int


@dataclass(frozen=True)
class CycleFigures:
    """One cycle's plans, all companies together; ``outcomes`` None when too few were assessed to publish."""

    cycle: int
    total: int
    submitted: int
    on_time: int
    late: int
    overdue: int
    assessed: int
    outcomes: tuple[Bucket, ...] | None


@dataclass(frozen=True)
class CompanyPlanRow:
    """One company's plan of the cycle: confidential, in the secretariat's pack only (never the notes)."""

    organisation: str
    due_on: date
    submitted_on: date | None
    on_time: bool | None
    outcome: str | None
    assessed_on: date | None


@dataclass(frozen=True)
class PlanFigures:
    # Every cycle up to the report's, oldest first (the report's cycle last).
    cycles: tuple[CycleFigures, ...]
    # None in the public pack.
    companies: tuple[CompanyPlanRow, ...] | None


@dataclass(frozen=True)
class TargetRow:
    """A target with one measurement (or none) of the cycle."""

    key: str
    name_nl: str
    name_en: str
    unit: str
    target_value: float
    target_date: date | None
    public: bool
    measured_on: date | None
    value: float | None
    source: str | None

    def name(self, lang: str) -> str:
        return self.name_nl if lang == "nl" else self.name_en


@dataclass(frozen=True)
class GroupMeetings:
    group: Group
    held: int
    yes: int
    no: int
    maybe: int


@dataclass(frozen=True)
class MeetingRow:
    """One sitting held (secretariat pack only: titles of assessment meetings are company data)."""

    on: date
    group: Group
    kind: str
    title: str
    yes: int
    no: int
    maybe: int
    minutes: str | None


@dataclass(frozen=True)
class MeetingFigures:
    by_group: tuple[GroupMeetings, ...]
    assessment_meetings: int
    rows: tuple[MeetingRow, ...] | None


@dataclass(frozen=True)
class GroupCount:
    group: Group
    count: int


@dataclass(frozen=True)
class MinutesRow:
    on: date
    group: Group
    meeting: str
    version: int
    approved_on: date | None


@dataclass(frozen=True)
class DecisionRow:
    on: date
    group: Group
    meeting: str
    text: str


@dataclass(frozen=True)
class RecordFigures:
    """Approved minutes and their decisions, counted per group; listed in the secretariat's pack."""

    minutes_by_group: tuple[GroupCount, ...]
    decisions_by_group: tuple[GroupCount, ...]
    minutes: tuple[MinutesRow, ...] | None
    decisions: tuple[DecisionRow, ...] | None


@dataclass(frozen=True)
class GroupActionItems:
    group: Group
    counts: dict[ActionState, int]


@dataclass(frozen=True)
class ActionItemRow:
    group: Group
    task: str
    owner: str | None
    due_on: date
    state: ActionState


@dataclass(frozen=True)
class ActionItemFigures:
    by_group: tuple[GroupActionItems, ...]
    rows: tuple[ActionItemRow, ...] | None

    def total(self, state: ActionState) -> int:
        return sum(group.counts.get(state, 0) for group in self.by_group)


@dataclass(frozen=True)
class ReminderRow:
    """Reminders of one kind by one route: sent, and given up on."""

    kind: str
    route: str
    sent: int
    failed: int


@dataclass(frozen=True)
class ReactionRow:
    """Presses of one button (snooze, not for me, mark submitted, done) on reminders of one kind."""

    kind: str
    action: str
    count: int


@dataclass(frozen=True)
class ReminderFigures:
    sent: tuple[ReminderRow, ...]
    reactions: tuple[ReactionRow, ...]


@dataclass(frozen=True)
class ReportPack:
    """A covenant's annual report pack for one cycle and audience."""

    slug: str
    name_nl: str
    name_en: str
    language: str | None
    audience: Audience
    period: Period
    generated_at: datetime
    participants: ParticipantFigures
    plans: PlanFigures
    targets: tuple[TargetRow, ...]
    meetings: MeetingFigures
    records: RecordFigures
    action_items: ActionItemFigures
    reminders: ReminderFigures

    def name(self, lang: str) -> str:
        return self.name_nl if lang == "nl" else self.name_en

    @property
    def secretariat(self) -> bool:
        return self.audience == Audience.SECRETARIAT
