"""The pack's targets sheet: each target of the covenant with its measurement of the cycle (private targets only
in the secretariat's pack), from :func:`bot.services.covenants.targets.target_figures`."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.db.models import Covenant
from bot.services.covenants.targets import target_figures
from bot.services.reports.figures import Audience, Period, TargetRow


def targets(
    session: Session, covenant: Covenant, period: Period, today: date, audience: Audience
) -> tuple[TargetRow, ...]:
    """One row per target: its latest measurement in the cycle (or none)."""
    found = target_figures(session, covenant, today, include_private=audience == Audience.SECRETARIAT)
    rows = []
    for figure in found:
        if not figure.public and audience != Audience.SECRETARIAT:
            continue
        in_cycle = [
            m for m in figure.measurements if m.cycle == period.cycle or period.first_day <= m.on <= period.last_day
        ]
        latest = max(in_cycle, key=lambda m: m.on, default=None)
        rows.append(
            TargetRow(
                key=figure.key,
                name_nl=figure.name_nl,
                name_en=figure.name_en,
                unit=figure.unit,
                target_value=float(figure.target_value),
                target_date=figure.target_date,
                public=bool(figure.public),
                measured_on=latest.on if latest else None,
                value=float(latest.value) if latest else None,
                source=str(latest.source) if latest and latest.source is not None else None,
            )
        )
    return tuple(rows)
