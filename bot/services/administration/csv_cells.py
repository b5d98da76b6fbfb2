"""Spreadsheet-safe CSV cells: a cell a spreadsheet would run as a formula is written with a leading
apostrophe (OWASP's advice against CSV injection), and read back without it."""

from __future__ import annotations

# What makes Excel, LibreOffice and Google Sheets read a cell as a formula (or a DDE command).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARD = "'"


def guarded(value: str) -> str:
    """``value`` as an exported cell: prefixed with ``'`` when a spreadsheet would evaluate it."""
    return _GUARD + value if value.startswith(_FORMULA_STARTS) else value


def unguarded(value: str) -> str:
    """An imported cell without the ``'`` that :func:`guarded` (or a spreadsheet user) put before a formula start."""
    if value.startswith(_GUARD) and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value
