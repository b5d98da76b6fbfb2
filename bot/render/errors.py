"""Friendly messages for errors users cause, and the apology for errors we cause."""

from __future__ import annotations

from bot.i18n import t
from bot.render.blocks import Reply, context, section
from bot.services.errors import UsageError

# Extra lines that follow some errors: what to try instead.
_FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "covenant.unknown": ("covenant.see_list",),
    "covenant.unknown_subcommand": ("covenant.usage",),
}


def usage_error(error: UsageError, lang: str) -> Reply:
    """The message for a :class:`UsageError`, plus suggestions and the right form where we have them."""
    text = t(lang, error.key, **error.values)
    if error.values.get("suggestions"):
        text += " " + t(lang, "covenant.suggestions", suggestions=error.values["suggestions"])
    follow = [t(lang, key) for key in _FOLLOW_UPS.get(error.key, ())]
    blocks = [section(":warning: " + text)]
    if follow:
        blocks.append(context(*follow))
    return Reply(text=text, blocks=blocks)


def apology(lang: str) -> Reply:
    """What a user sees when the bot itself failed."""
    text = t(lang, "common.sorry")
    return Reply(text=text, blocks=[section(text)])
