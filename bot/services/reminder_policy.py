"""When reminders go out: the policy (config/reminder_policy.yml, overridable per covenant and kind)
and the delivery window (business days, see :mod:`bot.services.working_days`, and the recipient's
local working hours).

A reminder whose day is no business day (a weekend, King's Day, Christmas) is moved, never dropped:
one *before* the due date to the start of the business day before it (a plan due Monday 21 December
is reminded on Friday 18 December: earlier is the useful side, and it never lands on or after the due
date), the one on the due date and those after it to the next allowed moment (the due date has come).
Two reminders of one deadline that land on the same day are one reminder: the later of the two (see
:func:`bot.services.plans.reminders.plan_deadline`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from bot.db.enums import DeadlineKind
from bot.services.working_days import is_business_day
from config import CONFIG_DIR, read_yaml

POLICY_FILE = CONFIG_DIR / "reminder_policy.yml"


@dataclass(frozen=True)
class ReminderPolicy:
    """How one kind of deadline is reminded."""

    before_days: tuple[int, ...] = (30, 14, 7, 1)
    on_due_date: bool = True
    overdue_every_days: int = 7
    escalate_after_days: int | None = 3
    window_start: time = time(9, 0)
    window_end: time = time(17, 0)
    business_days: str = "NL"


def _coerce(raw: dict[str, Any]) -> dict[str, Any]:
    known = {f.name for f in fields(ReminderPolicy)}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"unknown reminder policy setting(s): {sorted(unknown)}")
    values = dict(raw)
    for key in ("window_start", "window_end"):
        if isinstance(values.get(key), str):
            values[key] = time.fromisoformat(values[key])
    if "before_days" in values:
        values["before_days"] = tuple(sorted({int(d) for d in values["before_days"]}, reverse=True))
    return values


@cache
def _defaults() -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(POLICY_FILE)
    return data


def section(name: str) -> dict[str, Any]:
    """Another top-level section of the policy file (e.g. ``meetings``), empty when absent."""
    value = _defaults().get(name) or {}
    return dict(value)


def policy_for(kind: DeadlineKind, covenant_overrides: dict[str, Any] | None = None) -> ReminderPolicy:
    """The policy for ``kind``: file defaults, then the kind's, then the covenant's default and kind overrides."""
    data = _defaults()
    overrides = covenant_overrides or {}
    layers = [
        data.get("default") or {},
        (data.get("kinds") or {}).get(kind.value) or {},
        overrides.get("default") or {},
        (overrides.get("kinds") or {}).get(kind.value) or {},
    ]
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(_coerce(layer))
    return ReminderPolicy(**merged)


def next_allowed_moment(moment: datetime, tz: str, policy: ReminderPolicy) -> datetime:
    """The first moment at or after ``moment`` that is a business day within the window in zone ``tz``."""
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    day = local.date()
    for _ in range(40):
        if is_business_day(day, policy.business_days):
            start = datetime.combine(day, policy.window_start, tzinfo=zone)
            end = datetime.combine(day, policy.window_end, tzinfo=zone)
            if local < start:
                return start.astimezone(UTC)
            if local < end:
                return local.astimezone(UTC)
        day += timedelta(days=1)
        local = datetime.combine(day, time(0, 0), tzinfo=zone)
    raise ValueError("no business day within 40 days")  # pragma: no cover - holidays never span 40 days


def within_window(moment: datetime, tz: str, policy: ReminderPolicy) -> bool:
    """True when ``moment`` may deliver a reminder to someone in zone ``tz``."""
    return next_allowed_moment(moment, tz, policy) == moment.astimezone(UTC)


def business_day_on_or_before(day: date, policy: ReminderPolicy) -> date:
    """``day`` when it is a business day, else the last business day before it (for reminders before a due date)."""
    for _ in range(40):
        if is_business_day(day, policy.business_days):
            return day
        day -= timedelta(days=1)
    raise ValueError("no business day within 40 days")  # pragma: no cover - holidays never span 40 days


def day_start(day: date, tz: str, policy: ReminderPolicy) -> datetime:
    """The start of the delivery window on ``day`` in ``tz`` (not moved to a business day)."""
    return datetime.combine(day, policy.window_start, tzinfo=ZoneInfo(tz)).astimezone(UTC)
