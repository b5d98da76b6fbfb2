"""What every answer needs: the database session, who asks, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.services.access import Viewer


@dataclass(frozen=True)
class Ask:
    """One request being answered (a slash command, a question, a button)."""

    session: Session
    viewer: Viewer
    now: datetime
    today: date

    @property
    def lang(self) -> str:
        return self.viewer.language
