"""The one contract between Slack's surfaces and the application: what every interaction gets and returns.

A slash command, a button, a form, a shortcut and a question are all answered by a function
``(Ask, ...) -> Outcome`` in :mod:`bot.commands`. The function decides; it never calls Slack. The handlers
carry the :class:`Outcome` out in one fixed order (handlers.run): open the modal, send the deliveries owed
now, update earlier messages, publish the Home tab, post in channels, upload, add the reaction, answer the
person, send the DMs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.render.blocks import Reply
from bot.services.people.access import Viewer


@dataclass(frozen=True)
class Ask:
    """One request being answered: the open session, who asks, when, from where."""

    session: Session
    viewer: Viewer
    now: datetime
    # Today in the viewer's time zone (their Slack profile's, else the bot's).
    today: date
    # The conversation the request came from (None: a DM-less surface such as the Home tab or the console).
    channel: str | None = None
    # Where the calendar feeds are served (PUBLIC_URL; None: nowhere public).
    public_url: str | None = None

    @property
    def lang(self) -> str:
        return self.viewer.language


@dataclass(frozen=True)
class Upload:
    """A file handed to the person in their DM with the bot."""

    filename: str
    title: str
    content: str | bytes
    # Slack's snippet type for text files (e.g. "markdown"); None for binary files.
    snippet_type: str | None = None
    # A picture (PNG): shown in the DM with an image block referencing the uploaded file, with this alt text.
    image_alt: str | None = None


@dataclass(frozen=True)
class MessageUpdate:
    """An earlier message (channel, ts) to show ``reply`` instead."""

    channel: str
    ts: str
    reply: Reply


@dataclass(frozen=True)
class ChannelMessage:
    """A message posted visibly in a channel (e.g. a status shared there)."""

    channel: str
    reply: Reply


@dataclass(frozen=True)
class DirectMessage:
    """A message to one person in their DM with the bot."""

    user: str
    reply: Reply


@dataclass
class Outcome:
    """Everything an interaction does in Slack, decided by the application and carried out by the handlers.

    ``reply`` answers the person who asked: privately (an ephemeral message, or a DM where no response_url
    exists), or in place of the message they pressed a button on when ``replace`` is set.
    """

    reply: Reply | None = None
    replace: bool = False
    # A modal to open with the request's trigger_id.
    modal: dict[str, Any] | None = None
    # Owed notices (ReminderDelivery ids) the reminder engine sends at once; the next sweep retries a failure.
    deliveries: list[int] = field(default_factory=list)
    # Channels whose canvas is owed an update: written after the answer (the next sweep retries a failure).
    canvases: list[str] = field(default_factory=list)
    updates: list[MessageUpdate] = field(default_factory=list)
    # The asker's App Home tab, published again.
    home: dict[str, Any] | None = None
    posts: list[ChannelMessage] = field(default_factory=list)
    upload: Upload | None = None
    dms: list[DirectMessage] = field(default_factory=list)
    # An emoji name added to the message the interaction was about.
    reaction: str | None = None
    # Said instead of ``reply`` when what the answer depends on failed (the modal, a post, the upload);
    # None: an apology.
    if_failed: Reply | None = None

    @classmethod
    def of(cls, reply: Reply) -> Outcome:
        """The outcome of an interaction that only answers."""
        return cls(reply=reply)
