"""CSV exports for operators: deadlines in exactly the columns deadlines.csv imports, so an export
imports again as "unchanged"."""

from __future__ import annotations

import csv
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.models import Covenant, Deadline
from bot.services.administration.csv_cells import guarded
from bot.services.imports.deadline_rows import COLUMNS, owner_of, ref_of

DEADLINE_COLUMNS = tuple(column.name for column in COLUMNS)


def deadline_rows(session: Session, covenant: Covenant | None = None) -> list[dict[str, str]]:
    """Every deadline (or a covenant's) as a deadlines.csv row, by covenant, due date and id."""
    query = (
        select(Deadline)
        .join(Covenant, Deadline.covenant_id == Covenant.id)
        .options(
            selectinload(Deadline.covenant), selectinload(Deadline.organisation), selectinload(Deadline.owner_person)
        )
        .order_by(Covenant.slug, Deadline.due_on, Deadline.id)
    )
    if covenant is not None:
        query = query.where(Deadline.covenant_id == covenant.id)
    return [
        {
            "ref": ref_of(deadline),
            "covenant": deadline.covenant.slug,
            "kind": deadline.kind.value,
            "title": deadline.title,
            "organisation": deadline.organisation.name if deadline.organisation else "",
            "owner_slack_id": owner_of(deadline) or "",
            "due_on": deadline.due_on.isoformat(),
            "status": deadline.status.value,
        }
        for deadline in session.scalars(query)
    ]


def export_deadlines(session: Session, out: TextIO, covenant: Covenant | None = None) -> int:
    """Write the deadlines as CSV (UTF-8 text, ``,`` between values) to ``out``; returns how many rows.

    A value a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) is written after a ``'``;
    importing the file again takes it off.
    """
    rows = deadline_rows(session, covenant)
    writer = csv.DictWriter(out, fieldnames=DEADLINE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({name: guarded(value) for name, value in row.items()} for row in rows)
    return len(rows)
