"""Block Kit for collective projects: /project's replies, the project section of /covenant status, the parent
covenant's list of projects and the Home's "your project tasks"."""

from __future__ import annotations

from bot.db.enums import DeadlineStatus
from bot.db.models import Covenant, Deadline, Project, ProjectUpdate
from bot.i18n import t, tn
from bot.render.blocks import Block, Reply, context, divider, escape, header, lines_to_sections, section
from bot.render.sections import meeting_line
from bot.render.time import date_token
from bot.services.projects.projects import PartyLine, ProjectView

MAX_LISTED = 25


def help_reply(lang: str) -> Reply:
    """Every /project subcommand with its form."""
    return Reply(
        text=t(lang, "project.help_title"),
        blocks=[header(t(lang, "project.help_title")), section(t(lang, "project.help").strip())],
    )


def _name(covenant: Covenant, lang: str) -> str:
    return f"*{escape(covenant.name(lang))}* (`{covenant.slug}`)"


def created(project: Project, lang: str) -> Reply:
    parent = project.parent
    text = t(
        lang,
        "project.created",
        project=_name(project.covenant, lang),
        covenant=escape(parent.name(lang)) if parent else "—",
        slug=project.covenant.slug,
    )
    return Reply(text=text, blocks=[section(text)])


def party_recorded(project: Project, organisation: str, role: str, new: bool, lang: str) -> Reply:
    key = "project.party_added" if new else "project.party_changed"
    text = t(
        lang, key, organisation=escape(organisation), role=escape(role or "—"), project=_name(project.covenant, lang)
    )
    return Reply(text=text, blocks=[section(text)])


def milestone_added(project: Project, deadline: Deadline, owner: str | None, lang: str) -> Reply:
    text = t(
        lang,
        "project.milestone_added",
        title=escape(deadline.title),
        date=date_token(deadline.due_on, project.covenant.timezone, lang),
        owner=escape(owner) if owner else t(lang, "project.owner_you"),
        project=_name(project.covenant, lang),
    )
    return Reply(text=text, blocks=[section(text)])


def update_added(project: Project, update: ProjectUpdate, lang: str) -> Reply:
    key = "project.update_added_internal" if update.internal else "project.update_added"
    text = t(lang, key, project=_name(project.covenant, lang))
    return Reply(text=text, blocks=[section(text)])


def group_linked(project: Project, group: str, lang: str) -> Reply:
    text = t(lang, "project.group_linked", group=escape(group), project=_name(project.covenant, lang))
    return Reply(text=text, blocks=[section(text)])


def _project_line(project: Project, lang: str) -> str:
    line = f"• {_name(project.covenant, lang)}"
    if project.lead is not None:
        line += " — " + t(lang, "project.led_by", lead=escape(project.lead.name))
    return line


def project_list(parent: Covenant | None, projects: list[Project], lang: str) -> Reply:
    """The projects of one covenant (or all), one line each with their lead."""
    title = t(lang, "project.list_title", covenant=parent.name(lang)) if parent else t(lang, "project.list_title_all")
    lines = [_project_line(p, lang) for p in projects[:MAX_LISTED]]
    blocks = [header(title)]
    blocks += lines_to_sections(lines, budget=5) if lines else [section(t(lang, "project.list_empty"))]
    if len(projects) > MAX_LISTED:
        blocks.append(context(tn(lang, "project.list_more", len(projects) - MAX_LISTED)))
    blocks.append(context(t(lang, "project.list_hint")))
    return Reply(text="\n".join([title, *(p.covenant.name(lang) for p in projects)]), blocks=blocks)


def _milestone_line(deadline: Deadline, lang: str) -> str:
    due = date_token(deadline.due_on, deadline.covenant.timezone, lang)
    mark = "✅" if deadline.status == DeadlineStatus.DONE else "◻️"
    owner = f" · {escape(deadline.organisation.name)}" if deadline.organisation else ""
    state = t(lang, f"project.milestone_{deadline.status.value}")
    return f"{mark} {escape(deadline.title)} — {due} ({state}){owner}"


def _update_line(update: ProjectUpdate, tz: str, lang: str) -> str:
    marker = f" :lock: _{t(lang, 'project.internal_marker')}_" if update.internal else ""
    return f"• {date_token(update.on, tz, lang)}{marker}: {escape(update.text)}"


def _role(party: PartyLine, lang: str) -> str:
    if party.role:
        return escape(party.role)
    return t(lang, "project.role_lead" if party.is_lead else "project.role_none")


def status_blocks(view: ProjectView, lang: str) -> list[Block]:
    """The project's own section of /covenant status: parent, lead, parties, milestones, latest updates, group."""
    tz = view.covenant.timezone
    lines = []
    if view.parent is not None:
        lines.append(f"*{t(lang, 'project.parent')}:* {escape(view.parent.name(lang))} (`{view.parent.slug}`)")
    lines.append(f"*{t(lang, 'project.lead')}:* {escape(view.lead) if view.lead else '—'}")
    parties = [f"• {escape(p.name)} — {_role(p, lang)}" for p in view.parties]
    blocks: list[Block] = [divider(), section("\n".join(lines))]
    blocks.append(
        section("\n".join([f"*{t(lang, 'project.parties')}*", *(parties or [t(lang, "project.no_parties")])]))
    )
    milestones = [
        _milestone_line(d, lang) + (f"\n      :lock: _{escape(view.notes[d.id])}_" if d.id in view.notes else "")
        for d in view.milestones
    ] or [t(lang, "project.no_milestones")]
    blocks += lines_to_sections([f"*{t(lang, 'project.milestones')}*", *milestones], budget=2)
    updates = [_update_line(u, tz, lang) for u in view.updates] or [t(lang, "project.no_updates")]
    blocks += lines_to_sections([f"*{t(lang, 'project.latest_updates')}*", *updates], budget=2)
    if view.group is not None:
        group = [f"*{t(lang, 'project.group')}:* {escape(view.group.name)}"]
        group.append(
            meeting_line(view.next_meeting, lang, with_group=False)
            if view.next_meeting
            else t(lang, "status.no_meetings")
        )
        blocks.append(section("\n".join(group)))
    if view.internal_visible:
        blocks.append(context(t(lang, "project.internal_note")))
    return blocks


def children_blocks(projects: list[Project], lang: str) -> list[Block]:
    """The parent covenant's projects, for its status."""
    if not projects:
        return []
    lines = [f"*{t(lang, 'project.children')}*", *(_project_line(p, lang) for p in projects[:10])]
    return [divider(), section("\n".join(lines))]


def home_blocks(tasks: list[Deadline], lang: str) -> list[Block]:
    """The Home's "your project tasks": open milestones owned by the reader or their organisation."""
    if not tasks:
        return []
    lines = [f"*{t(lang, 'project.home_title')}*"]
    for deadline in tasks:
        due = date_token(deadline.due_on, deadline.covenant.timezone, lang)
        lines.append(f"• {escape(deadline.title)} — {t(lang, 'company.due', date=due)} · `{deadline.covenant.slug}`")
    return [section("\n".join(lines))]
