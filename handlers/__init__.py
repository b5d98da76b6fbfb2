"""Thin Slack listeners, one module per surface, each with ``register(app)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers import actions, commands, durable, events, fallback, middleware, shortcuts, views

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.deps import Deps


def register_all(app: App, deps: Deps) -> None:
    """Wire the middleware and every surface's listeners onto ``app``."""
    middleware.register(app, deps)
    durable.install(app, deps)
    commands.register(app)
    events.register(app)
    actions.register(app)
    views.register(app)
    shortcuts.register(app)
    # Last: the catch-alls answer only what no listener above claimed.
    fallback.register(app)
