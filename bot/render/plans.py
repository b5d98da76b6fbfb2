"""Block Kit for /plan: company status, overdue lists, aggregates and confirmations."""

from __future__ import annotations

from datetime import date

from bot.db.models import ActionPlan, Covenant, Deadline, Organisation
from bot.i18n import t, tn
from bot.render.blocks import Reply, context, divider, escape, header, lines_to_sections, progress_bar, section
from bot.render.deadline_titles import deadline_title
from bot.render.time import date_token
from bot.services.plans.plans import PlanSummary

MAX_LISTED = 40


def help_reply(lang: str) -> Reply:
    """Every /plan subcommand with its form."""
    return Reply(
        text=t(lang, "plan.help_title"),
        blocks=[header(t(lang, "plan.help_title")), section(t(lang, "plan.help").strip())],
    )


def _plan_line(plan: ActionPlan, lang: str, show_notes: bool) -> str:
    tz = plan.covenant.timezone
    parts = [
        f"*{plan.cycle_year}* · {escape(plan.covenant.name(lang))}",
        t(lang, "plan.line_due", date=date_token(plan.due_on, tz, lang)),
    ]
    if plan.submitted_on:
        key = "plan.line_submitted" if plan.submitted_confirmed else "plan.line_submitted_unconfirmed"
        parts.append(t(lang, key, date=date_token(plan.submitted_on, tz, lang)))
    else:
        parts.append(t(lang, "plan.line_not_submitted"))
    if plan.assessment_outcome:
        parts.append(t(lang, "plan.line_outcome", outcome=t(lang, f"plan.outcome.{plan.assessment_outcome.value}")))
    line = " — ".join(parts)
    if show_notes and plan.assessment_notes:
        line += "\n> " + escape(plan.assessment_notes).replace("\n", "\n> ")
    return line


def company_status(
    company: Organisation,
    plans: list[ActionPlan],
    deadlines: list[Deadline],
    notes_for: set[int],
    today: date,
    lang: str,
) -> Reply:
    """A company's plans and open deadlines (confidential: only for its contacts and the secretariat)."""
    blocks = [header(t(lang, "plan.status_title", company=company.name))]
    if plans:
        blocks += lines_to_sections([_plan_line(p, lang, p.covenant_id in notes_for) for p in plans[:MAX_LISTED]], 10)
    else:
        blocks.append(section(t(lang, "plan.no_plans")))
    if deadlines:
        blocks.append(divider())
        blocks.append(section(f"*{t(lang, 'plan.open_deadlines')}*"))
        lines = []
        for deadline in deadlines[:MAX_LISTED]:
            tz = deadline.covenant.timezone
            late = t(lang, "plan.late") if deadline.due_on < today else ""
            lines.append(
                f"• {escape(deadline_title(deadline, lang))} — {date_token(deadline.due_on, tz, lang)} {late}".rstrip()
            )
        blocks += lines_to_sections(lines, 10)
    blocks.append(context(t(lang, "plan.confidential_note")))
    return Reply(text=t(lang, "plan.status_title", company=company.name), blocks=blocks)


def summary_line(covenant: Covenant, summary: PlanSummary, lang: str) -> str:
    """``Convenant X (2026): 41 of 55 plans submitted, 6 overdue ▓▓▓▓▓▓▓░░░ 75%``."""
    if summary.cycle_year is None:
        return f"*{escape(covenant.name(lang))}*: {t(lang, 'plan.no_cycle')}"
    figures = tn(
        lang,
        "plan.summary",
        summary.total,
        submitted=summary.submitted,
        overdue=summary.overdue,
        assessed=summary.assessed,
    )
    return (
        f"*{escape(covenant.name(lang))}* ({summary.cycle_year}): {figures}\n"
        f"`{progress_bar(summary.submitted, summary.total)}`"
    )


def aggregate_only(company: Organisation, covenants: list[Covenant], summaries: list[PlanSummary], lang: str) -> Reply:
    """For someone who may not see this company's plans: why, and the covenants' figures instead."""
    blocks = [section(t(lang, "plan.not_yours", company=escape(company.name)))]
    blocks += lines_to_sections([summary_line(c, s, lang) for c, s in zip(covenants, summaries, strict=True)], 10)
    return Reply(text=t(lang, "plan.not_yours", company=company.name), blocks=blocks)


def overdue(
    plans: list[ActionPlan],
    total: int,
    mine: list[Covenant],
    summaries: list[PlanSummary],
    others: list[Covenant],
    today: date,
    lang: str,
) -> Reply:
    """Overdue plans by company for the covenants the viewer runs (the first of ``total``); aggregates for the rest."""
    blocks = [header(t(lang, "plan.overdue_title"))]
    if mine:
        if plans:
            lines = [
                f"• *{escape(p.organisation.name)}* — {escape(p.covenant.name(lang))}: "
                + tn(
                    lang,
                    "plan.days_overdue",
                    (today - p.due_on).days,
                    date=date_token(p.due_on, p.covenant.timezone, lang),
                )
                for p in plans[:MAX_LISTED]
            ]
            blocks += lines_to_sections(lines, 10)
            if total > len(plans[:MAX_LISTED]):
                blocks.append(context(t(lang, "plan.more", count=total - len(plans[:MAX_LISTED]))))
        else:
            blocks.append(section(t(lang, "plan.none_overdue")))
    if others:
        blocks += lines_to_sections([summary_line(c, s, lang) for c, s in zip(others, summaries, strict=True)], 10)
    fallback = t(lang, "plan.overdue_title") + f": {total}"
    return Reply(text=fallback, blocks=blocks)


def due_set(plan: ActionPlan, lang: str) -> Reply:
    text = t(
        lang,
        "plan.due_set",
        company=escape(plan.organisation.name),
        year=plan.cycle_year,
        covenant=escape(plan.covenant.name(lang)),
        date=date_token(plan.due_on, plan.covenant.timezone, lang),
    )
    return Reply(text=text, blocks=[section(":white_check_mark: " + text)])


def already_submitted(plan: ActionPlan, by: str | None, lang: str) -> str:
    """Nothing changed: the plan was submitted already (on which day and by whom, when known)."""
    if plan.submitted_on is None or by is None:
        return t(lang, "plan.already_submitted", company=escape(plan.organisation.name))
    when = date_token(plan.submitted_on, plan.covenant.timezone, lang)
    return t(lang, "race.plan_submitted", company=escape(plan.organisation.name), date=when, who=f"<@{by}>")


def submitted(plan: ActionPlan, changed: bool, by_secretariat: bool, lang: str, by: str | None = None) -> Reply:
    if not changed:
        text = already_submitted(plan, by, lang)
    else:
        key = "plan.submitted_confirmed" if by_secretariat else "plan.submitted_pending"
        text = t(lang, key, company=escape(plan.organisation.name), year=plan.cycle_year)
    return Reply(text=text, blocks=[section(text)])


def assessed(plan: ActionPlan, lang: str) -> Reply:
    assert plan.assessment_outcome is not None
    text = t(
        lang,
        "plan.assessed",
        company=escape(plan.organisation.name),
        year=plan.cycle_year,
        outcome=t(lang, f"plan.outcome.{plan.assessment_outcome.value}"),
    )
    return Reply(text=text, blocks=[section(":white_check_mark: " + text)])


def channel_set(covenant: Covenant, channel_id: str, lang: str) -> Reply:
    text = t(lang, "plan.channel_set", covenant=escape(covenant.name(lang)), channel=f"<#{channel_id}>")
    return Reply(text=text, blocks=[section(text)])
