"""Notices for the secretariat about the email route: who cannot be reached."""

from __future__ import annotations

from bot.i18n import t
from bot.render.blocks import Reply, escape, section


def unreachable(name: str, organisation: str | None, lang: str) -> Reply:
    """A person to be reached by email while the bot cannot send email (no SMTP_URL)."""
    where = f" ({escape(organisation)})" if organisation else ""
    text = t(lang, "mail.unreachable", name=escape(name), organisation=where)
    return Reply(text=t(lang, "mail.unreachable_fallback", name=name), blocks=[section(f":warning: {text}")])


def recipient_label(recipient: str, name: str | None, email: str | None, lang: str) -> str:
    """How a notice names a message's recipient: a channel or Slack user by mention, a person reached by email
    by name and address."""
    if recipient.startswith(("C", "G")):
        return f"<#{recipient}>"
    if recipient.startswith(("U", "W")):
        return f"<@{recipient}>"
    address = escape(email) if email else t(lang, "mail.no_address")
    return f"{escape(name or recipient)} ({address})"
