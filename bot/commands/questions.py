"""Questions asked by @mention or DM, answered with the same replies as the slash commands."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.orm import Session

from bot.i18n import t
from bot.render import covenant as render
from bot.render.blocks import Reply, section
from bot.services import covenants
from bot.services.access import Viewer
from bot.services.errors import UsageError

from . import covenant as covenant_command
from .parsing import split_command

_MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")
_WORD = re.compile(r"[\w-]+", re.UNICODE)
_SUBCOMMANDS = covenant_command.HELP_WORDS | covenant_command.LIST_WORDS | covenant_command.STATUS_WORDS


def strip_mentions(text: str) -> str:
    """The question without the ``<@U123>`` mention of the bot."""
    return _MENTION.sub(" ", text).strip()


def answer(session: Session, text: str, viewer: Viewer, today: date) -> Reply:
    """Answer a free-text question: a /covenant subcommand, or a sentence that names a covenant."""
    question = strip_mentions(text)
    first = split_command(question).sub
    if first in _SUBCOMMANDS and first:
        return covenant_command.run(session, question, viewer, today)
    words = [w.lower() for w in _WORD.findall(question)]
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if len(phrase) < 4:
                continue
            try:
                found = covenants.resolve(session, phrase)
            except UsageError:
                continue
            return render.covenant_status(covenants.status(session, found, today), viewer.language)
    help_reply = render.help_reply(viewer.language)
    fallback = t(viewer.language, "mention.fallback")
    return Reply(text=fallback, blocks=[section(fallback), *help_reply.blocks[1:]])
