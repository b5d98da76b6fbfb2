"""A covenant's dashboard canvas (its secretariat channel) as Markdown sections: pure.

Sections (h2, each rewritten in place): the targets with their latest figure, target and trend; the action
plans of the current cycle (aggregates only).
"""

from __future__ import annotations

from bot.i18n import t
from bot.render.canvases import CanvasDocument, plain
from bot.render.targets import value_text
from bot.services.canvases.dashboard_record import DashboardRecord
from bot.services.covenants.targets import TargetFigures

_TREND = {"up": "↑", "down": "↓", "flat": "→"}


def _target(figures: TargetFigures, lang: str) -> str:
    latest = figures.latest
    now = (
        t(lang, "canvases.dash_latest", value=value_text(latest.value, figures.unit, lang), on=latest.on.isoformat())
        if latest is not None
        else t(lang, "canvases.dash_no_measurement")
    )
    goal = t(lang, "canvases.dash_goal", value=value_text(figures.target_value, figures.unit, lang))
    if figures.target_date is not None:
        goal += " " + t(lang, "canvases.dash_by", date=figures.target_date.isoformat())
    trend = f" {_TREND[figures.trend]}" if figures.trend else ""
    hidden = "" if figures.public else f" ({t(lang, 'canvases.dash_private')})"
    return f"- **{plain(figures.name(lang))}**{hidden}: {now}{trend}; {goal}"


def document(record: DashboardRecord) -> CanvasDocument:
    lang = record.lang
    targets_header = t(lang, "canvases.dash_targets")
    lines = [f"## {targets_header}", *[_target(f, lang) for f in record.targets]]
    if not record.targets:
        lines.append(t(lang, "canvases.dash_no_targets"))
    plans_header = t(lang, "canvases.dash_plans")
    plans = record.plans
    plan_lines = [f"## {plans_header}"]
    if plans.total:
        plan_lines.append(
            t(
                lang,
                "canvases.dash_plan_line",
                submitted=plans.submitted,
                total=plans.total,
                assessed=plans.assessed,
                overdue=plans.overdue,
                year=plans.cycle_year or "—",
            )
        )
    else:
        plan_lines.append(t(lang, "canvases.dash_no_plans"))
    title = f"# {t(lang, 'canvases.dash_title', covenant=plain(record.covenant))}\n{t(lang, 'canvases.dash_kept')}"
    return CanvasDocument(title, ((targets_header, "\n".join(lines)), (plans_header, "\n".join(plan_lines))))
