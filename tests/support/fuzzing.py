"""What the fuzzing tests share: how many examples, the words they are built from, the inline app."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import strategies as st
from slack_bolt import App

from bot.app import create_app, make_web_client
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.i18n import catalog
from config.settings import Settings

# Per command, split over the two users below: 10,000 by default (the figure).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))

APOLOGIES = {catalog("nl")["common.sorry"], catalog("en")["common.sorry"]}

# Tables a person without a role may legitimately change: their own language choice and Slack profile cache (and
# the bookkeeping every request leaves: de-duplication, the record of its work after the ack, the audit trail).
OWN_TABLES = {"person", "slack_profile", "processed_event", "acked_work", "audit_entry"}

WORDS = [
    "status",
    "list",
    "help",
    "due",
    "submitted",
    "assessed",
    "overdue",
    "channel",
    "textiel",
    "metaal",
    "Windkracht",
    "hernieuwbare-energie",
    "2027-02-30",
    "31-12-1999",
    "15 maart 2027",
    "March 15 2027",
    "meets",
    "lagging",
    "<@U123|x>",
    "#general",
    "'; DROP TABLE covenant; --",
    "{0}",
    "%s",
    "\\",
    '"',
    "next",
    "schedule",
    "add",
    "show",
    "search",
    "export",
    "decisions",
    "besluiten",
    "lang",
    "context",
    "wetgeving",
    "measure",
    "meet",
    "targets",
    "doelen",
    "market-coverage",
    "plans-on-time",
    "80,5%",
    "nl",
    "en",
    "🙂",
    "ﬁ",
    "\u202e",
    "\x00",
]


texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=6).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=2000, max_size=4000),
)


@pytest.fixture
def app(settings: Settings, session_factory: SessionFactory, clock: ManualClock) -> Iterator[App]:
    yield create_app(
        settings,
        session_factory=session_factory,
        client=make_web_client(settings),
        clock=clock,
        work_in_request=True,
    )
