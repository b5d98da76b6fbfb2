"""Block Kit for companies: a covenant's participant list (paged), its plans in aggregate, one company's profile."""

from __future__ import annotations

from bot.db.enums import OrganisationKind
from bot.db.models import Covenant
from bot.i18n import t, tn
from bot.render.blocks import (
    Block,
    Reply,
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
from bot.render.deadline_titles import deadline_title
from bot.render.sections import plan_line, plan_summary_lines
from bot.render.time import date_token
from bot.services.covenants.organisations import CompanyProfile, Membership, ParticipantPage
from bot.services.plans.plans import PlanSummary

PAGE_PREVIOUS = "companies_previous"
PAGE_NEXT = "companies_next"
NAME_CHARS = 80
REASON_CHARS = 140
NOTES_CHARS = 600
PLANS_SHOWN = 3
DEADLINES_SHOWN = 5


def page_value(covenant: Covenant, page: int) -> str:
    """A pagination button's value: everything needed to draw that page again (stateless)."""
    return f"{covenant.slug}|{page}"


def parse_page_value(value: str) -> tuple[str, int] | None:
    """(slug, page) from a pagination button's value; None when it is not one."""
    slug, _, page = value.partition("|")
    return (slug, int(page)) if slug and page.isdigit() else None


def plan_summary(covenant: Covenant, summary: PlanSummary, lang: str) -> Reply:
    """The covenant's plans this cycle, all companies together."""
    lines = plan_summary_lines(summary, lang)
    blocks = [
        header(covenant.name(lang)),
        section("\n".join(lines)),
        context(t(lang, "plans.aggregate_note")),
    ]
    return Reply(text=f"{covenant.name(lang)}: " + " · ".join(lines[1:]).replace("`", ""), blocks=blocks)


def _participant_line(page: ParticipantPage, index: int, lang: str) -> str:
    organisation, participation = page.rows[index]
    tz = page.covenant.timezone
    name = escape(clip(organisation.name, NAME_CHARS))
    joined = (
        t(lang, "companies.since", date=date_token(participation.joined_on, tz, lang))
        if participation.joined_on
        else t(lang, "companies.since_unknown")
    )
    if participation.left_on is not None and participation.left_on <= page.today:
        line = f"• ~{name}~ — {joined}, " + t(
            lang, "companies.left_on", date=date_token(participation.left_on, tz, lang)
        )
        if participation.left_reason:
            line += f": _{escape(clip(participation.left_reason, REASON_CHARS))}_"
        return line
    return f"• *{name}* — {joined}"


def participant_page(page: ParticipantPage, lang: str) -> Reply:
    """One page of the covenant's companies (current first, then those that left), with Previous/Next."""
    covenant = page.covenant
    title = t(lang, "companies.title", covenant=covenant.name(lang))
    summary = t(lang, "companies.summary", current=page.current, left=page.left)
    if page.public_figures:
        marker = t(lang, "common.uncertain")
        figures = [
            f"• {escape(fact.text(lang))}" + (f" _({marker})_" if fact.uncertain else "")
            for fact in page.public_figures
        ]
        summary = "\n".join([t(lang, "companies.public_figures"), *figures, t(lang, "companies.recorded"), summary])
    if page.other_parties:
        parts = [
            tn(lang, f"orgkind_count.{kind.value}", count)
            for kind in OrganisationKind
            if (count := page.other_parties.get(kind, 0))
        ]
        summary += "\n" + t(lang, "companies.other_parties", parties=", ".join(parts), slug=covenant.slug)
    blocks: list[Block] = [header(title), section(summary)]
    lines = [_participant_line(page, i, lang) for i in range(len(page.rows))]
    if lines:
        blocks += lines_to_sections(lines, budget=10)
    elif not page.public_figures:
        blocks.append(section(t(lang, "companies.none")))
    if page.pages > 1:
        blocks.append(context(t(lang, "companies.page", page=page.page, pages=page.pages)))
        buttons = []
        if page.page > 1:
            buttons.append(button(t(lang, "common_nav.previous"), PAGE_PREVIOUS, page_value(covenant, page.page - 1)))
        if page.page < page.pages:
            buttons.append(button(t(lang, "common_nav.next"), PAGE_NEXT, page_value(covenant, page.page + 1)))
        blocks.append(actions(*buttons, block_id="companies_pages"))
    fallback = f"{title} — {summary}"
    return Reply(text=fallback, blocks=blocks)


def _membership_line(membership: Membership, lang: str) -> str:
    covenant, participation = membership.covenant, membership.participation
    tz = covenant.timezone
    kind = t(lang, f"participation.{participation.type.value}")
    line = f"• *{escape(covenant.name(lang))}* (`{covenant.slug}`) — {kind}"
    if participation.joined_on:
        line += ", " + t(lang, "companies.since", date=date_token(participation.joined_on, tz, lang))
    if participation.left_on:
        line += ", " + t(lang, "companies.left_on", date=date_token(participation.left_on, tz, lang))
        if participation.left_reason:
            line += f": _{escape(clip(participation.left_reason, REASON_CHARS))}_"
    return line


def _confidential_blocks(membership: Membership, profile: CompanyProfile, lang: str) -> list[Block]:
    data = membership.confidential
    if data is None:
        return []
    covenant = membership.covenant
    lines = [f":lock: *{t(lang, 'company.confidential_title', covenant=escape(covenant.name(lang)))}*"]
    if data.plans:
        for plan in data.plans[:PLANS_SHOWN]:
            lines.append(plan_line(plan, lang, today_is_past_due=plan.due_on < profile.today))
            if plan.assessment_notes:
                notes = escape(clip(" ".join(plan.assessment_notes.split()), NOTES_CHARS))
                lines.append(f"> {t(lang, 'company.notes')}: {notes}")
    else:
        lines.append(t(lang, "company.no_plans"))
    if data.deadlines:
        lines.append(f"*{t(lang, 'company.deadlines')}*")
        for deadline in data.deadlines[:DEADLINES_SHOWN]:
            due = date_token(deadline.due_on, covenant.timezone, lang)
            lines.append(f"• {escape(clip(deadline_title(deadline, lang), 150))} — {t(lang, 'company.due', date=due)}")
        if len(data.deadlines) > DEADLINES_SHOWN:
            lines.append(t(lang, "common_nav.more", count=len(data.deadlines) - DEADLINES_SHOWN))
    return [divider(), *lines_to_sections(lines, budget=3)]


def company_profile(profile: CompanyProfile, lang: str) -> Reply:
    """An organisation's covenants (public) and, where the reader may see them, its plans and deadlines."""
    organisation = profile.organisation
    blocks: list[Block] = [
        header(organisation.name),
        context(t(lang, f"orgkind_one.{organisation.kind.value}")),
    ]
    if profile.memberships:
        lines = [f"*{t(lang, 'company.covenants')}*"]
        lines += [_membership_line(m, lang) for m in profile.memberships]
        blocks += lines_to_sections(lines, budget=4)
    else:
        blocks.append(section(t(lang, "company.no_covenants")))
    for membership in profile.memberships[:12]:
        blocks += _confidential_blocks(membership, profile, lang)
    if profile.withheld:
        blocks.append(context(":lock: " + t(lang, "company.withheld")))
    return Reply(text=organisation.name, blocks=blocks[:50])
