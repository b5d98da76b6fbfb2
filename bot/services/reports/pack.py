"""Gather a covenant's annual report pack (jaarrapportage) for one cycle and audience: figures, no Slack, no files.

The secretariat's pack holds company-level plans and assessments (never the assessment notes) and the lists
behind every count; the public pack holds aggregates only, with the small-numbers rule applied to outcomes, and
leaves assessment meetings' titles, minutes, decisions and action items out.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Covenant
from bot.services.reports import activity, companies
from bot.services.reports.figures import Audience, Period, ReportPack
from bot.services.reports.reminders import reminders
from bot.services.reports.targets import targets


def period(covenant: Covenant, cycle: int) -> Period:
    """The cycle year in the covenant's time zone."""
    zone = ZoneInfo(covenant.timezone)
    first, last = date(cycle, 1, 1), date(cycle, 12, 31)
    start = datetime.combine(first, time(), zone).astimezone(ZoneInfo("UTC"))
    end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(ZoneInfo("UTC"))
    return Period(cycle, first, last, start, end)


def gather(session: Session, covenant: Covenant, cycle: int, audience: Audience, now: datetime) -> ReportPack:
    """The pack of ``covenant`` for ``cycle``, as ``audience`` may read it, as of ``now``."""
    span = period(covenant, cycle)
    today = now.astimezone(ZoneInfo(covenant.timezone)).date()
    return ReportPack(
        slug=covenant.slug,
        name_nl=covenant.name_nl,
        name_en=covenant.name_en,
        language=covenant.language,
        audience=audience,
        period=span,
        generated_at=now,
        participants=companies.participants(session, covenant.id, span),
        plans=companies.plans(session, covenant.id, span, today, audience),
        targets=targets(session, covenant, span, today, audience),
        meetings=activity.meetings(session, covenant.id, span, now, audience),
        records=activity.records(session, covenant.id, span, audience),
        action_items=activity.action_items(session, covenant.id, span, today, audience),
        reminders=reminders(session, covenant.id, span),
    )
