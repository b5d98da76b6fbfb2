"""The demo charter's cast and a planted progress note, for the charter tests."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.engine import SessionFactory
from bot.db.models import AuditEntry, CharterSignatory, Commitment, CommitmentUpdate, Deadline
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text

CHARTER = "decent-work-charter"
LIEN, AN, BEN = (person(k).slack_user_id for k in ("lien", "an", "ben"))
# Sanne runs other covenants' secretariats, not this charter; an unknown Slack user is the public.
SANNE, STRANGER = person("sanne").slack_user_id, "UNKNOWN001"
ATELIER = '"Atelier Inclusief NV (demo)"'
HARBOUR = '"Harbour Logistics NV (demo)"'
# Planted in Atelier's progress update by plant_note: never to reach Ben (Harbour), Sanne or a stranger.
MARKER = "VERTROUWELIJK-ATELIER-7731"


def plant_note(slack: SlackHarness) -> str:
    """An records a progress update on Atelier's first commitment with the marker in it; returns the reply."""
    return reply_text(slack.command("/charter", f"voortgang decent-work {ATELIER} 1 {MARKER} behaald 5", AN))


def ask(slack: SlackHarness, user: str, text: str) -> str:
    """A question by @mention; the bot's private answer."""
    slack.standin.reset()
    slack.event({"type": "app_mention", "user": user, "text": f"<@UBOTCOVENANT> {text}", "channel": "C1", "ts": "1"})
    return reply_text(slack.standin.wait_for("chat.postEphemeral")[0])


def home(slack: SlackHarness, user: str) -> str:
    """The user's Home tab as published."""
    slack.standin.reset()
    slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "DHOME00001"})
    return str(slack.standin.wait_for("views.publish")[0].args["view"]["blocks"])


def counts(session_factory: SessionFactory) -> tuple[int, ...]:
    """Rows of every charter table, the deadlines and the audit trail: what a refused command must not change."""
    with session_factory() as session:
        return tuple(
            len(session.scalars(select(model.id)).all())
            for model in (CharterSignatory, Commitment, CommitmentUpdate, Deadline, AuditEntry)
        )
