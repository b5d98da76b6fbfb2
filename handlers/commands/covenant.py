"""``/covenant``: status, lists, companies, groups, the asker's own record, and the secretariat's changes."""

from __future__ import annotations

from slack_bolt import App

from bot.commands import covenant
from handlers.commands.slash import register_command

COMMANDS = ("/covenant",)


def register(app: App) -> None:
    register_command(app, "/covenant", covenant, mentions=True)
