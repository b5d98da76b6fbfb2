"""What listeners share besides :mod:`handlers.run` (Slack's re-deliveries of an event are dropped before the
ack, where the work is recorded: :mod:`handlers.durable`)."""

from __future__ import annotations

from handlers.run import load_viewer

__all__ = ["load_viewer"]
