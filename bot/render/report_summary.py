"""The annual report pack's Markdown summary: the headline figures of every sheet, and the charts beside it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import t
from bot.render.charts import ChartImage
from bot.render.report_tables import outcomes_text
from bot.services.reports.figures import ActionState, ReportPack
from bot.services.small_numbers import MINIMUM


def _alt(text: str) -> str:
    """Alt text on one line, without the brackets that would end it."""
    return " ".join(text.replace("[", "(").replace("]", ")").split())


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def markdown(pack: ReportPack, lang: str, workbook_name: str, charts: Sequence[ChartImage] = ()) -> str:
    """The summary in ``lang``; ``charts`` (written beside it) are shown as images with their alt text."""
    span, p = pack.period, pack.participants
    lines = [
        f"# {t(lang, 'report.title', cycle=span.cycle, covenant=pack.name(lang))}",
        "",
        t(lang, "report.generated", date=pack.generated_at.strftime("%Y-%m-%d %H:%M")),
        "",
        f"_{t(lang, f'report.audience_{pack.audience.value}', minimum=MINIMUM)}_",
        "",
        f"## {t(lang, 'report.summary.participants')}",
        "",
        t(lang, "report.summary.participants_line", start=p.at_start, joined=p.joined, left=p.left, end=p.at_end),
        "",
        f"## {t(lang, 'report.summary.plans')}",
        "",
    ]
    cycle = pack.plans.cycles[-1]
    if cycle.total == 0:
        lines.append(t(lang, "report.summary.no_plans"))
    else:
        lines.append(
            t(
                lang,
                "report.summary.plans_line",
                submitted=cycle.submitted,
                total=cycle.total,
                on_time=cycle.on_time,
                late=cycle.late,
                overdue=cycle.overdue,
                assessed=cycle.assessed,
            )
        )
        if cycle.assessed:
            lines.append(t(lang, "report.summary.outcomes_line", outcomes=outcomes_text(cycle, lang)))
    lines += ["", f"## {t(lang, 'report.summary.targets')}", ""]
    if not pack.targets:
        lines.append(t(lang, "report.summary.no_targets"))
    for target in pack.targets:
        name, unit, goal = target.name(lang), target.unit, _number(target.target_value)
        if target.value is None:
            lines.append(f"- {t(lang, 'report.summary.target_unmeasured', name=name, target=goal, unit=unit)}")
        else:
            line = t(lang, "report.summary.target_line", name=name, value=_number(target.value), target=goal, unit=unit)
            lines.append(f"- {line}")
    meetings = pack.meetings
    held = sum(group.held for group in meetings.by_group)
    yes = sum(group.yes for group in meetings.by_group)
    lines += [
        "",
        f"## {t(lang, 'report.summary.meetings')}",
        "",
        t(lang, "report.summary.meetings_line", held=held, yes=yes),
    ]
    if meetings.assessment_meetings:
        lines.append(t(lang, "report.summary.assessment_line", count=meetings.assessment_meetings))
    records, items, reminders = pack.records, pack.action_items, pack.reminders
    lines += [
        "",
        f"## {t(lang, 'report.summary.records')}",
        "",
        t(
            lang,
            "report.summary.records_line",
            minutes=sum(c.count for c in records.minutes_by_group),
            decisions=sum(c.count for c in records.decisions_by_group),
        ),
        "",
        f"## {t(lang, 'report.summary.action_items')}",
        "",
        t(
            lang,
            "report.summary.action_items_line",
            open=items.total(ActionState.OPEN),
            late=items.total(ActionState.LATE),
            done=items.total(ActionState.DONE),
            done_late=items.total(ActionState.DONE_LATE),
        ),
        "",
        f"## {t(lang, 'report.summary.reminders')}",
        "",
        t(
            lang,
            "report.summary.reminders_line",
            sent=sum(r.sent for r in reminders.sent),
            failed=sum(r.failed for r in reminders.sent),
            presses=sum(r.count for r in reminders.reactions),
        ),
    ]
    if charts:
        lines += ["", f"## {t(lang, 'report.charts')}", ""]
        for chart in charts:
            lines += [f"### {chart.title}", "", f"![{_alt(chart.alt_text)}]({chart.filename})", ""]
    lines += ["", t(lang, "report.summary.workbook", file=workbook_name), ""]
    return "\n".join(lines)
