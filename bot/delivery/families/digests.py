"""Digests: the secretariat's daily overview and each working group's weekly one (``digest-secretariat``,
``digest-group``), planned by bot.services.digests and built from what the recipient may see."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import Covenant, ReminderDelivery, WorkingGroup
from bot.delivery.family import Family
from bot.render import digests as render
from bot.render.blocks import Reply
from bot.services import digests
from bot.services.access import audience_of
from bot.services.fingerprints import PlannerMemory


def plan(session: Session, now: datetime, memory: PlannerMemory) -> int:
    """Plan the digests that are due and not yet planned (cheap when there are none)."""
    return digests.plan_digests(session, now)


def build(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    """A digest as it stands now; None when there is nothing to tell."""
    # What a digest lists depends on who reads it where it goes (a group's channel: anyone).
    audience = audience_of(session, delivery.recipient, lang, "UTC")
    if delivery.rule == "digest-secretariat" and delivery.covenant_id is not None:
        covenant = session.get(Covenant, delivery.covenant_id)
        if covenant is None:
            return None
        secretariat = digests.secretariat_digest(session, covenant, now, audience)
        return None if secretariat is None or secretariat.empty else render.secretariat(secretariat, lang)
    if delivery.rule == "digest-group" and delivery.working_group_id is not None:
        group = session.get(WorkingGroup, delivery.working_group_id)
        if group is None:
            return None
        week = digests.group_digest(session, group, now, audience)
        return None if week.empty else render.group(week, lang)
    return None


FAMILY = Family(name="digests", kinds=("digest",), build=build, plan=plan)
