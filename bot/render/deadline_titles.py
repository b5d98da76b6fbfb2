"""A deadline's title as a reader sees it: an action plan's in the reader's language, others as entered."""

from __future__ import annotations

import re

from bot.db.enums import DeadlineKind
from bot.db.models import Deadline
from bot.i18n import t

# The title an action plan's deadline is stored with (bot.services.plans.plans.plan_title): kept as it is in
# the database (exports, search, older rows), shown per reader.
_STORED_PLAN_TITLE = re.compile(r"Plan van aanpak (\d{4})")
# A charter commitment's update request (bot.services.charters.signatories.UPDATE_TITLE).
_STORED_UPDATE_TITLE = re.compile(r"Voortgang toezegging (\d+) (\d{4})")


def deadline_title(deadline: Deadline, lang: str) -> str:
    """``Action plan 2026`` / ``Plan van aanpak 2026`` for an action plan's deadline (a commitment's update request
    likewise); any other title unchanged."""
    found = _STORED_PLAN_TITLE.fullmatch(deadline.title)
    if deadline.kind == DeadlineKind.ACTION_PLAN and found:
        return t(lang, "plan.deadline_title", year=found.group(1))
    update = _STORED_UPDATE_TITLE.fullmatch(deadline.title)
    if deadline.kind == DeadlineKind.COMMITMENT_UPDATE and update:
        return t(lang, "charter.deadline_title", number=update.group(1), year=update.group(2))
    return deadline.title


def commitment_number(deadline: Deadline) -> str | None:
    """The commitment a charter update request is for (its number under the signatory), else None."""
    found = _STORED_UPDATE_TITLE.fullmatch(deadline.title)
    return found.group(1) if deadline.kind == DeadlineKind.COMMITMENT_UPDATE and found else None
