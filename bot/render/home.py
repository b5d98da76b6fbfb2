"""The App Home tab by role, within Slack's 100 blocks whatever the size of the covenants: long lists show their
first items and a "Show more" button that pages through them (the page travels in the button's value)."""

from __future__ import annotations

from typing import Any

from bot.db.keys import row_id
from bot.db.models import ActionPlan, Deadline
from bot.i18n import t, tn
from bot.render import charters
from bot.render import projects as render_projects
from bot.render.blocks import (
    MAX_VIEW_BLOCKS,
    Block,
    actions,
    button,
    clip,
    context,
    divider,
    escape,
    header,
    lines_to_sections,
    section,
)
from bot.render.covenant import CHART_ACTION
from bot.render.deadline_titles import deadline_title
from bot.render.sections import meeting_line, minutes_line, plan_line, plan_summary_lines
from bot.render.time import date_token
from bot.services.covenants.dashboard import PAGE_ITEMS, CompanySection, Dashboard, Page, SecretariatSection

MORE = "home_more"
PAGE_PREVIOUS = "home_previous"
PAGE_NEXT = "home_next"
LESS = "home_less"
ACTIONS = (MORE, PAGE_PREVIOUS, PAGE_NEXT, LESS)
_TAIL_BLOCKS = 6  # your covenants, all covenants, hint: always room for them


def more_value(kind: str, covenant_id: int, offset: int) -> str:
    """A Home button's value: which list, of which covenant, from where."""
    return f"{kind}|{covenant_id}|{offset}"


def parse_more_value(value: str) -> tuple[str, int, int] | None:
    """(kind, covenant id, offset) from a Home button's value; None when it is not one."""
    parts = value.split("|")
    if len(parts) != 3:
        return None
    covenant_id, offset = row_id(parts[1]), row_id(parts[2])
    if covenant_id is None or offset is None:
        return None
    return parts[0], covenant_id, offset


def _pager(page: Page[Any], kind: str, covenant_id: int, lang: str) -> Block | None:
    if page.total <= len(page.items) and not page.expanded:
        return None
    if not page.expanded:
        label = t(lang, "dashboard.show_more", count=page.total)
        return actions(button(label, MORE, more_value(kind, covenant_id, 0)), block_id=f"more_{kind}_{covenant_id}")
    buttons = []
    if page.offset > 0:
        previous = more_value(kind, covenant_id, max(0, page.offset - PAGE_ITEMS))
        buttons.append(button(t(lang, "common_nav.previous"), PAGE_PREVIOUS, previous))
    if page.offset + PAGE_ITEMS < page.total:
        following = more_value(kind, covenant_id, page.offset + PAGE_ITEMS)
        buttons.append(button(t(lang, "common_nav.next"), PAGE_NEXT, following))
    buttons.append(button(t(lang, "dashboard.show_less"), LESS, more_value(kind, covenant_id, 0)))
    return actions(*buttons, block_id=f"more_{kind}_{covenant_id}")


def _range(page: Page[Any], lang: str) -> str:
    if not page.expanded or not page.items:
        return ""
    return " " + t(lang, "dashboard.range", first=page.offset + 1, last=page.offset + len(page.items), total=page.total)


def _overdue_line(plan: ActionPlan, lang: str) -> str:
    due = date_token(plan.due_on, plan.covenant.timezone, lang)
    return f"• *{escape(clip(plan.organisation.name, 80))}* — {t(lang, 'company.due', date=due)}"


def _deadline_line(deadline: Deadline, lang: str, with_covenant: bool = False) -> str:
    due = date_token(deadline.due_on, deadline.covenant.timezone, lang)
    line = f"• {escape(clip(deadline_title(deadline, lang), 150))} — {t(lang, 'company.due', date=due)}"
    return line + (f" · `{deadline.covenant.slug}`" if with_covenant else "")


def _listing(title: str, page: Page[Any], lines: list[str], empty: str, lang: str) -> list[Block]:
    heading = f"*{title}* ({page.total}){_range(page, lang)}"
    return lines_to_sections([heading, *lines] if lines else [heading, empty], budget=3 if page.expanded else 1)


def company_blocks(company: CompanySection, board: Dashboard) -> list[Block]:
    """A contact's own company in one covenant: plan status and open deadlines (confidential, theirs)."""
    lang = board.viewer.language
    covenant = company.covenant
    title = t(
        lang,
        "dashboard.company_title",
        organisation=escape(company.organisation_name),
        covenant=escape(covenant.name(lang)),
    )
    plan = (
        plan_line(company.plan, lang, today_is_past_due=company.plan.due_on < board.today)
        if company.plan
        else t(lang, "company.no_plans")
    )
    blocks: list[Block] = [divider(), section(f":lock: *{title}*\n{plan}")]
    lines = [_deadline_line(d, lang) for d in company.deadlines.items]
    blocks += _listing(
        t(lang, "dashboard.company_deadlines"), company.deadlines, lines, t(lang, "dashboard.nothing_open"), lang
    )
    pager = _pager(company.deadlines, "deadlines", covenant.id, lang)
    return blocks + ([pager] if pager else [])


def secretariat_blocks(run: SecretariatSection, board: Dashboard) -> list[Block]:
    """One covenant the viewer runs: aggregate, overdue plans, next meetings, minutes awaiting approval."""
    lang = board.viewer.language
    covenant = run.covenant
    summary = section(
        f":clipboard: *{escape(covenant.name(lang))}* — {t(lang, 'dashboard.you_run')}\n"
        + "\n".join(plan_summary_lines(run.plans, lang))
    )
    # Show chart: the plans of this cycle as a picture, sent to the viewer's DM (rights checked again on press).
    summary["accessory"] = button(t(lang, "charts.button"), CHART_ACTION, f"chart:{covenant.slug}:plans")
    blocks: list[Block] = [divider(), summary]
    blocks += _listing(
        t(lang, "dashboard.overdue"),
        run.overdue,
        [_overdue_line(p, lang) for p in run.overdue.items],
        t(lang, "dashboard.none_overdue"),
        lang,
    )
    meetings = [meeting_line(o, lang) for o in run.meetings] or [t(lang, "status.no_meetings")]
    blocks.append(section("\n".join([f"*{t(lang, 'status.next_meetings')}*", *meetings])))
    blocks += _listing(
        t(lang, "dashboard.minutes_waiting"),
        run.minutes,
        [minutes_line(m, lang) for m in run.minutes.items],
        t(lang, "dashboard.no_minutes_waiting"),
        lang,
    )
    pagers = [_pager(run.overdue, "overdue", covenant.id, lang), _pager(run.minutes, "minutes", covenant.id, lang)]
    return blocks + [p for p in pagers if p]


def _compact_secretariat(run: SecretariatSection, lang: str) -> str:
    return t(
        lang,
        "dashboard.compact",
        covenant=escape(run.covenant.name(lang)),
        overdue=tn(lang, "dashboard.compact_overdue", run.overdue.total),
        minutes=tn(lang, "dashboard.compact_minutes", run.minutes.total),
        slug=run.covenant.slug,
    )


def home_view(board: Dashboard, extra: list[Block] | None = None) -> dict[str, Any]:
    """The Home tab: who you are, your company's plan and deadlines (contacts), your covenants' work (secretariat),
    your groups' meetings, your covenants and all covenants. Never more than 100 blocks. ``extra``: the viewer's
    own sections of other initiatives (a participant's milestones), after their deadlines and meetings."""
    viewer = board.viewer
    lang = viewer.language
    blocks: list[Block] = [header(t(lang, "home.title"))]
    if viewer.is_linked:
        organisation = f" ({escape(viewer.organisation_name)})" if viewer.organisation_name else ""
        blocks.append(section(t(lang, "home.you", name=escape(viewer.name or ""), organisation=organisation)))
    else:
        blocks.append(section(t(lang, "home.unknown_user")))
    for company in board.companies:
        blocks += company_blocks(company, board)
    blocks += charters.home_blocks(board.commitments, lang)
    personal: list[str] = []
    if board.my_deadlines:
        personal += [f"*{t(lang, 'dashboard.my_deadlines')}*"]
        personal += [_deadline_line(d, lang, with_covenant=True) for d in board.my_deadlines]
    if board.my_meetings:
        personal += [f"*{t(lang, 'dashboard.my_meetings')}*", *(meeting_line(o, lang) for o in board.my_meetings)]
    if personal:
        blocks += [divider(), *lines_to_sections(personal, budget=2)]
    blocks += render_projects.home_blocks(board.project_tasks, lang)
    blocks += (extra or [])[:10]
    collapsed: list[str] = []
    for run in board.secretariat:
        full = secretariat_blocks(run, board)
        if len(blocks) + len(full) + _TAIL_BLOCKS + 2 <= MAX_VIEW_BLOCKS and not collapsed:
            blocks += full
        else:
            collapsed.append(_compact_secretariat(run, lang))
    if collapsed:
        blocks += [divider(), *lines_to_sections([f"*{t(lang, 'dashboard.more_covenants')}*", *collapsed], budget=1)]
    blocks += [divider(), section(f"*{t(lang, 'home.your_covenants')}*")]
    mine = [f"• *{escape(c.name(lang))}* (`{c.slug}`) — {t(lang, f'phase.{c.phase.value}')}" for c in board.mine]
    blocks += lines_to_sections(mine, budget=1) if mine else [section(t(lang, "home.no_covenants"))]
    everything = " · ".join(f"`{c.slug}`" for c in board.everything)
    blocks.append(section(f"*{t(lang, 'home.all_covenants')}*\n{everything}"))
    blocks.append(context(t(lang, "help.mention")))
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
