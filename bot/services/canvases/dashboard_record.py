"""What a covenant's dashboard canvas holds, in its secretariat channel: the targets' figures and the plans.

The secretariat channel's readers are that covenant's secretariat (:func:`bot.services.people.access
.channel_audience`), so private targets show too; the figures come from :mod:`bot.services.covenants.targets`,
which already merges or suppresses aggregates over fewer than five companies (the small-numbers rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Covenant
from bot.services.covenants.targets import TargetFigures, target_figures
from bot.services.people import access
from bot.services.plans.plans import PlanSummary, cycle_summary


@dataclass(frozen=True)
class DashboardRecord:
    channel_id: str
    covenant: str
    lang: str
    targets: tuple[TargetFigures, ...]
    plans: PlanSummary


def secretariat_channels(session: Session) -> list[str]:
    """Every covenant's secretariat channel (a dashboard canvas each)."""
    found = session.scalars(select(Covenant.secretariat_channel).where(Covenant.secretariat_channel.is_not(None)))
    return sorted({channel for channel in found if channel})


def record(session: Session, channel_id: str, default_language: str, today: date) -> DashboardRecord | None:
    """The dashboard of the covenant whose secretariat channel is ``channel_id`` (None when none has it)."""
    covenant = session.scalar(
        select(Covenant).where(Covenant.secretariat_channel == channel_id).order_by(Covenant.id).limit(1)
    )
    if covenant is None:
        return None
    audience = access.channel_audience(session, channel_id)
    lang = covenant.language or default_language
    name = covenant.name(lang)
    return DashboardRecord(
        channel_id=channel_id,
        covenant=name,
        lang=lang,
        targets=tuple(target_figures(session, covenant, today, include_private=audience.is_secretariat(covenant.id))),
        plans=cycle_summary(session, covenant.id, today),
    )
