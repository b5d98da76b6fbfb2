"""Events API listeners: questions (@mention), messages, the App Home tab."""

from __future__ import annotations

from slack_bolt import App

from handlers.events import home, messages, questions
from handlers.run import ack_then

# Every event type the app listens to; config/manifest.yml subscribes to exactly these
# (message.channels and message.im both arrive as "message").
EVENTS = ("app_mention", "app_home_opened", "message")


def register(app: App) -> None:
    ack_then(app.event("app_mention"), questions.on_mention)
    ack_then(app.event("app_home_opened"), home.on_home_opened)
    # Bolt runs one listener per event, so every kind of message goes through one dispatcher.
    ack_then(app.event("message", matchers=[messages.for_us]), messages.on_message)
