"""The reminder engine: the sweep (:mod:`engine`), its claims and record of each send (:mod:`store`), the
history check (:mod:`history`), and the families of messages it sends (:mod:`families`)."""

from __future__ import annotations

from bot.delivery.engine import Sweeper, SweepResult

__all__ = ["SweepResult", "Sweeper"]
