"""Slash-command listeners, one module per command."""

from __future__ import annotations

from slack_bolt import App

from handlers.commands import covenant, later, minutes

# Every command the app registers; config/manifest.yml must declare exactly these.
COMMANDS = (*covenant.COMMANDS, *minutes.COMMANDS, *later.COMMANDS)


def register(app: App) -> None:
    covenant.register(app)
    minutes.register(app)
    later.register(app)
