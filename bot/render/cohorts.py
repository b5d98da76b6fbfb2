"""Block Kit for cohort programmes: ``/cohort`` answers, the status section of a programme, the Home section.

Pure: the public summaries are shown to anyone; a company's own progress only when the caller passes it (the
command decides who may see it, through the viewer).
"""

from __future__ import annotations

from bot.db.models import Cohort, CohortMaterial, CohortMilestone, MilestoneCheckin, Organisation
from bot.i18n import t, tn
from bot.render.blocks import Block, Reply, context, divider, escape, header, lines_to_sections, progress_bar, section
from bot.render.time import date_token
from bot.services.cohorts.progress import CohortSummary, MilestoneState, ParticipantProgress


def _name(cohort: Cohort, lang: str) -> str:
    return cohort.covenant.name(lang)


def _dates(cohort: Cohort, lang: str) -> tuple[str, str]:
    tz = cohort.covenant.timezone
    return date_token(cohort.starts_on, tz, lang), date_token(cohort.ends_on, tz, lang)


def confirmation(text: str) -> Reply:
    """A one-line confirmation of a change."""
    return Reply(text=text, blocks=[section(f":white_check_mark: {text}")])


def help_reply(lang: str) -> Reply:
    """What ``/cohort`` can do."""
    return Reply(
        text=t(lang, "cohort.help_title"),
        blocks=[header(t(lang, "cohort.help_title")), section(t(lang, "cohort.help").strip())],
    )


def created(cohort: Cohort, lang: str) -> Reply:
    start, end = _dates(cohort, lang)
    group = cohort.group
    group_name = (group.name_en or group.name) if group and lang == "en" else (group.name if group else "")
    return confirmation(
        t(
            lang,
            "cohort.created",
            year=cohort.year,
            programme=escape(_name(cohort, lang)),
            start=start,
            end=end,
            group=escape(group_name),
        )
    )


def joined(cohort: Cohort, organisation: Organisation, contacts_added: int, has_contacts: bool, lang: str) -> Reply:
    text = t(
        lang,
        "cohort.joined",
        organisation=escape(organisation.name),
        year=cohort.year,
        programme=escape(_name(cohort, lang)),
    )
    extra = tn(lang, "cohort.joined_contacts", contacts_added) if has_contacts else t(lang, "cohort.joined_no_contacts")
    return Reply(text=text, blocks=[section(f":white_check_mark: {text}"), context(extra)])


def material_added(material: CohortMaterial, cohort: Cohort, lang: str) -> Reply:
    return confirmation(
        t(
            lang,
            "cohort.material_added",
            number=material.position,
            year=cohort.year,
            url=material.url,
            title=escape(material.title),
        )
    )


def milestone_added(milestone: CohortMilestone, cohort: Cohort, reminded: int, lang: str) -> Reply:
    text = t(lang, "cohort.milestone_added", number=milestone.position, year=cohort.year, title=escape(milestone.title))
    blocks = [section(f":white_check_mark: {text}")]
    if milestone.due_on is not None:
        due = date_token(milestone.due_on, cohort.covenant.timezone, lang)
        blocks.append(context(tn(lang, "cohort.milestone_reminded", reminded, date=due)))
    return Reply(text=text, blocks=blocks)


def checked_in(checkin: MilestoneCheckin, milestone: CohortMilestone, completed_now: bool, lang: str) -> Reply:
    text = t(
        lang,
        "cohort.checked_in",
        organisation=escape(checkin.organisation.name),
        number=milestone.position,
        title=escape(milestone.title),
    )
    if checkin.done:
        text += " " + t(lang, "cohort.checked_in_done" if completed_now else "cohort.checked_in_already")
    return confirmation(text)


def _summary_lines(summary: CohortSummary, lang: str) -> list[str]:
    companies = ", ".join(escape(name) for name in summary.companies) or t(lang, "cohort.no_companies")
    lines = [f"*{t(lang, 'cohort.companies_label')}:* {companies}"]
    lines.append(
        t(
            lang,
            "cohort.completion",
            bar=progress_bar(summary.done, summary.possible),
            done=summary.done,
            possible=summary.possible,
        )
    )
    if summary.completed:
        lines.append(tn(lang, "cohort.completed", summary.completed))
    return lines


def _milestone_line(milestone: CohortMilestone, tz: str, lang: str) -> str:
    line = f"{milestone.position}. {escape(milestone.title)}"
    if milestone.due_on is not None:
        line += f" — {t(lang, 'cohort.due', date=date_token(milestone.due_on, tz, lang))}"
    return line


def _state_line(state: MilestoneState, tz: str, lang: str) -> str:
    mark = ":white_check_mark:" if state.done else ":white_circle:"
    word = t(lang, "cohort.state_done" if state.done else "cohort.state_open")
    line = f"{mark} {_milestone_line(state.milestone, tz, lang)} ({word})"
    latest = state.latest
    if latest is not None:
        on = date_token(latest.checked_on, tz, lang)
        line += (
            "\n    _"
            + (
                t(lang, "cohort.latest", date=on, note=escape(latest.note))
                if latest.note
                else t(lang, "cohort.latest_no_note", date=on)
            )
            + "_"
        )
    return line


def company_blocks(progress: ParticipantProgress, tz: str, lang: str) -> list[Block]:
    """One company's milestones and latest check-ins (its contacts and the coordinator only)."""
    title = t(
        lang,
        "cohort.company_title",
        organisation=escape(progress.organisation.name),
        done=progress.done,
        total=len(progress.milestones),
    )
    lines = [f"*{title}*"] + [_state_line(state, tz, lang) for state in progress.milestones]
    return lines_to_sections(lines, budget=3)


def progress(summary: CohortSummary, visible: list[ParticipantProgress], lang: str) -> Reply:
    """``/cohort progress``: the public summary, then the companies' own progress the asker may see."""
    cohort = summary.cohort
    tz = cohort.covenant.timezone
    start, end = _dates(cohort, lang)
    title = t(lang, "cohort.progress_title", programme=_name(cohort, lang), year=cohort.year)
    blocks = [header(title), context(t(lang, "cohort.dates", start=start, end=end))]
    blocks += lines_to_sections(_summary_lines(summary, lang), budget=3)
    milestones = [_milestone_line(m, tz, lang) for m in cohort.milestones] or [t(lang, "cohort.no_milestones")]
    blocks += lines_to_sections([f"*{t(lang, 'cohort.milestones_label')}*", *milestones], budget=2)
    if cohort.materials:
        links = [f"• <{m.url}|{escape(m.title)}>" for m in cohort.materials]
        blocks += lines_to_sections([f"*{t(lang, 'cohort.materials_label')}*", *links], budget=2)
    if summary.session_count and cohort.group is not None:
        blocks.append(context(tn(lang, "cohort.sessions", summary.session_count, group=escape(cohort.group.name))))
    if visible:
        blocks.append(divider())
        for company in visible[:10]:
            blocks += company_blocks(company, tz, lang)
        blocks.append(context(t(lang, "cohort.confidential_note")))
    fallback = f"{title}: {summary.done}/{summary.possible}"
    return Reply(text=fallback, blocks=blocks[:50])


def status_blocks(summaries: list[CohortSummary], lang: str) -> list[Block]:
    """The programme's section of ``/covenant status``: each cohort's dates, companies and completion (public)."""
    if not summaries:
        return [divider(), section(f"*{t(lang, 'cohort.status_title')}*\n{t(lang, 'cohort.no_cohorts')}")]
    lines = [f"*{t(lang, 'cohort.status_title')}*"]
    for summary in summaries[:5]:
        start, end = _dates(summary.cohort, lang)
        companies = ", ".join(escape(name) for name in summary.companies) or t(lang, "cohort.no_companies")
        lines.append(
            t(
                lang,
                "cohort.status_line",
                year=summary.cohort.year,
                start=start,
                end=end,
                companies=companies,
                bar=progress_bar(summary.done, summary.possible),
            )
        )
    return [divider(), *lines_to_sections(lines, budget=2)]


def home_blocks(companies: list[tuple[Cohort, ParticipantProgress]], lang: str) -> list[Block]:
    """The Home section "your milestones": the asker's own company's milestones in its cohorts."""
    if not companies:
        return []
    lines = [f"*{t(lang, 'cohort.home_title')}*"]
    for cohort, company in companies[:5]:
        label = t(lang, "cohort.progress_title", programme=_name(cohort, lang), year=cohort.year)
        tz = cohort.covenant.timezone
        lines += [f"_{escape(label)}_"] + [_state_line(state, tz, lang) for state in company.milestones]
    return [divider(), *lines_to_sections(lines, budget=3)]
