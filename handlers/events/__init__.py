"""Events API listeners: questions (@mention), messages, the App Home tab."""

from __future__ import annotations

from slack_bolt import App

from handlers.events import home, messages, questions

# Every event type the app listens to; config/manifest.yml subscribes to exactly these
# (message.channels and message.im both arrive as "message").
EVENTS = ("app_mention", "app_home_opened", "message")


def register(app: App) -> None:
    app.event("app_mention")(questions.on_mention)
    app.event("app_home_opened")(home.on_home_opened)
    # Bolt runs one listener per event, so every kind of message goes through one dispatcher.
    app.event("message")(messages.on_message)
