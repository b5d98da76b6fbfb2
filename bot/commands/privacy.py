"""``/covenant privacy`` (``gegevens``): what the bot stores about the asker, and their export in a DM.

Everyone may ask, linked or not; the export is found by the asker's own ids only, so it holds their data and
nothing of anyone else's, and never a company's confidential assessment data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import t
from bot.interaction import Ask, Outcome, Upload
from bot.render import privacy as render
from bot.services.errors import UsageError
from bot.services.privacy import export, subjects

if TYPE_CHECKING:
    from bot.parsing.text import CommandText

WORDS = {"privacy", "gegevens", "avg", "gdpr", "mydata"}


def privacy_answer(ask: Ask) -> Outcome:
    """The short summary as the answer, and the whole export (summary and JSON) as a file in the asker's DM."""
    viewer = ask.viewer
    subject = subjects.of_slack_user(ask.session, viewer.slack_user_id)
    data = export.export(ask.session, subject, ask.now)
    lang = ask.lang
    stamp = ask.today.isoformat()
    upload = Upload(f"covenant-bot-privacy-{stamp}.md", t(lang, "privacy.file_title"), render.document(data, lang))
    return Outcome(reply=render.privacy_reply(data, lang), upload=upload)


def run(ask: Ask, command: CommandText) -> Outcome:
    """``/covenant privacy`` takes nothing after it."""
    if command.rest:
        raise UsageError("privacy.usage")
    return privacy_answer(ask)
