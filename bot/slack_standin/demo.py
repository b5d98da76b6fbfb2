"""Furnish a stand-in workspace with the demo people and channels (tests and the console use the same)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.services.administration.seed import DemoChannel, DemoPerson
from bot.slack_standin.server import StandinSlack

GENERAL = "CGENERAL01"


def demo_email(name: str) -> str:
    """The address a demo person has in the stand-in's workspace: ``emma.de.vries@demo.example``."""
    plain = unicodedata.normalize("NFKD", name.replace("(demo)", "")).encode("ascii", "ignore").decode()
    return ".".join(re.findall(r"[a-z0-9]+", plain.lower())) + "@demo.example"


def furnish(
    standin: StandinSlack,
    people: Iterable[DemoPerson],
    channels: Iterable[DemoChannel],
    general: str = GENERAL,
) -> None:
    """Add ``people`` as users, ``general`` (everyone in it) and ``channels``; the bot is invited to all of them,
    as a secretariat invites it to the channels it should post in."""
    people = list(people)
    for person in people:
        email = demo_email(person.name)
        standin.add_user(person.slack_user_id, person.name, tz=person.tz, locale=person.locale, email=email)
    standin.add_channel(general, "general", members=[p.slack_user_id for p in people])
    standin.invite_bot(general)
    for channel in channels:
        standin.add_channel(channel.channel_id, channel.name, members=channel.members)
        standin.invite_bot(channel.channel_id)
