"""gunicorn settings for the Procfile's ``web`` process (``gunicorn -c python:config.gunicorn ...``).

The command line gives bind, workers and threads; this module adds what a command line cannot: the
master makes the shared record of requests in flight before it forks the workers, so every worker's
reply process can wait until the whole instance is quiet (bot/after_ack.py).
"""

from __future__ import annotations

from typing import Any


def on_starting(server: Any) -> None:
    """In the master, before any worker is forked."""
    from bot.after_ack import share_between_workers

    share_between_workers()
