"""Pieces several surfaces share: the plan aggregate with its progress bar, meeting lines, minutes lines."""

from __future__ import annotations

from bot.db.enums import AssessmentOutcome
from bot.db.models import ActionPlan, Minutes, WorkingGroup
from bot.i18n import t
from bot.render.blocks import clip, escape
from bot.render.time import date_token, datetime_token
from bot.services.meetings.occurrences import Occurrence
from bot.services.plans.plans import PlanSummary

BAR_WIDTH = 10
# Outcome counts of fewer assessed plans could point at single companies: shown from this many on.
MIN_ASSESSED_FOR_OUTCOMES = 5
TITLE_CHARS = 120


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """A text bar: ``progress_bar(3, 4)`` -> '`████████░░` 75%'."""
    if total <= 0:
        return f"`{'░' * width}` 0%"
    filled = round(width * done / total)
    return f"`{'█' * filled}{'░' * (width - filled)}` {round(100 * done / total)}%"


def plan_summary_lines(summary: PlanSummary, lang: str) -> list[str]:
    """This cycle's plans of a covenant, all companies together: never one company's data."""
    if summary.cycle_year is None or summary.total == 0:
        return [f"*{t(lang, 'plans.title_none')}*", t(lang, "plans.none")]
    lines = [
        f"*{t(lang, 'plans.title', year=summary.cycle_year)}*",
        progress_bar(summary.submitted, summary.total)
        + " "
        + t(lang, "plans.submitted", submitted=summary.submitted, total=summary.total),
        t(lang, "plans.assessed_overdue", assessed=summary.assessed, overdue=summary.overdue),
    ]
    if summary.assessed >= MIN_ASSESSED_FOR_OUTCOMES:
        parts = [
            f"{summary.outcomes.get(outcome, 0)} {t(lang, f'outcome.{outcome.value}')}" for outcome in AssessmentOutcome
        ]
        lines.append(t(lang, "plans.outcomes", outcomes=", ".join(parts)))
    elif summary.assessed:
        lines.append(f"_{t(lang, 'plans.outcomes_later', minimum=MIN_ASSESSED_FOR_OUTCOMES)}_")
    return lines


def group_name(group: WorkingGroup, lang: str) -> str:
    """The group's name in the reader's language where it has one."""
    return group.name_en if lang == "en" and group.name_en else group.name


def meeting_line(occurrence: Occurrence, lang: str, with_group: bool = True) -> str:
    """'• <time token> — *title* · _group_' (the time in each reader's own zone)."""
    meeting = occurrence.meeting
    when = datetime_token(occurrence.starts_at, meeting.timezone, lang)
    line = f"• {when} — *{escape(clip(meeting.title, TITLE_CHARS))}*"
    group = group_name(meeting.group, lang)
    if with_group and group.lower() not in meeting.title.lower():
        line += f" · _{escape(clip(group, TITLE_CHARS))}_"
    if meeting.location:
        line += f" · {escape(clip(meeting.location, 80))}"
    return line


def minutes_line(minutes: Minutes, lang: str) -> str:
    """'• Minutes of <title> (<date>) — <status>', with the approval date once approved."""
    meeting = minutes.meeting
    when = datetime_token(minutes.occurrence_start, meeting.timezone, lang)
    line = (
        f"• *{escape(clip(meeting.title, TITLE_CHARS))}* ({when}) — {t(lang, f'minutes_status.{minutes.status.value}')}"
    )
    if minutes.approved_at is not None:
        line += " " + t(
            lang, "minutes.approved_on", date=date_token(minutes.approved_at.date(), meeting.timezone, lang)
        )
    return line


def plan_line(plan: ActionPlan, lang: str, today_is_past_due: bool) -> str:
    """One company's plan (confidential: only for readers ``may_see_company`` allows)."""
    tz = plan.covenant.timezone
    parts = [
        t(lang, "company.plan_cycle", year=plan.cycle_year),
        t(lang, "company.plan_due", date=date_token(plan.due_on, tz, lang)),
    ]
    if plan.submitted_on is not None:
        parts.append(t(lang, "company.plan_submitted", date=date_token(plan.submitted_on, tz, lang)))
    elif today_is_past_due:
        parts.append(f"*{t(lang, 'company.plan_overdue')}*")
    else:
        parts.append(t(lang, "company.plan_not_submitted"))
    if plan.assessment_outcome is not None:
        outcome = t(lang, f"outcome.{plan.assessment_outcome.value}")
        parts.append(t(lang, "company.plan_assessed", outcome=outcome))
    return "• " + " · ".join(parts)
