"""Errors a user can cause: values with a catalog key, rendered as a friendly ephemeral."""

from __future__ import annotations


class UsageError(Exception):
    """Something the user typed or asked cannot be done; ``key`` names the catalog message."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class FieldError(UsageError):
    """A UsageError about one field of a form: shown on that field of the modal, nothing saved."""

    def __init__(self, field: str, key: str, **values: object) -> None:
        super().__init__(key, **values)
        self.field = field
