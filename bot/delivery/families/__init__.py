"""Every family of messages the sweep sends, in the order it plans them (deadlines first)."""

from __future__ import annotations

from bot.delivery.families import deadlines, digests, meetings, minutes, people
from bot.delivery.family import Family

FAMILIES: tuple[Family, ...] = (deadlines.FAMILY, digests.FAMILY, meetings.FAMILY, minutes.FAMILY, people.FAMILY)
