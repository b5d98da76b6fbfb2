"""Row ids read back from text: a form field, a button value, what someone typed."""

from __future__ import annotations

import re

# Database keys are 64-bit: a longer run of digits names no row (and SQLite refuses to bind it).
_ROW_ID = re.compile(r"^[0-9]{1,18}$")


def row_id(text: str | None) -> int | None:
    """A row id typed or sent back in a form or button (ASCII digits, at most 18), else None."""
    return int(text) if text and _ROW_ID.match(text) else None
