"""Global and message shortcut listeners, one module per feature area."""

from __future__ import annotations

from slack_bolt import App

from handlers.shortcuts import minutes

# Every shortcut the app registers, as (type, callback_id); config/manifest.yml declares exactly these.
SHORTCUTS = (*minutes.SHORTCUTS,)


def register(app: App) -> None:
    minutes.register(app)
