"""A stand-in for Slack's Web API on 127.0.0.1: records calls and answers like Slack.

The console prints what the bot sends through it; the tests assert on what it recorded.
"""

from bot.slack_standin.server import Call, StandinSlack

__all__ = ["Call", "StandinSlack"]
