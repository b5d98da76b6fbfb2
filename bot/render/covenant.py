"""Block Kit for /covenant: help, the list of covenants and one covenant's status."""

from __future__ import annotations

from bot.db.enums import CovenantKind, CovenantPhase, OrganisationKind
from bot.db.models import Covenant
from bot.i18n import t, tn
from bot.parsing.text import phase_names
from bot.render import charters
from bot.render import targets as render_targets
from bot.render.blocks import (
    Block,
    Reply,
    actions,
    button,
    context,
    divider,
    escape,
    fields_section,
    header,
    lines_to_sections,
    section,
)
from bot.render.sections import meeting_line, minutes_line, plan_summary_lines
from bot.render.time import date_token, plain_date
from bot.services.covenants.overview import CovenantOverview

SHARE_ACTION = "share_status"
CHART_ACTION = "show_chart"


def help_reply(lang: str) -> Reply:
    """The overview of every command the bot understands."""
    return Reply(
        text=t(lang, "help.title"),
        blocks=[
            header(t(lang, "help.title")),
            section(t(lang, "help.intro")),
            section(t(lang, "help.commands").strip()),
            section(t(lang, "help.admin").strip()),
            context(t(lang, "help.mention"), t(lang, "help.phases", phases=phase_names(lang))),
        ],
    )


def question_fallback(lang: str) -> Reply:
    """For a question the bot cannot answer: a short list of what it can answer."""
    text = t(lang, "mention.fallback")
    return Reply(
        text=text,
        blocks=[
            section(text),
            section(t(lang, "question.examples").strip()),
            context(t(lang, "question.more")),
        ],
    )


def _list_line(covenant: Covenant, lang: str) -> str:
    line = f"• *{escape(covenant.name(lang))}* (`{covenant.slug}`) — {t(lang, f'phase.{covenant.phase.value}')}"
    if covenant.signed_on:
        line += ", " + t(
            lang, "covenant.list.line_signed", date=date_token(covenant.signed_on, covenant.timezone, lang)
        )
    elif covenant.phase in (CovenantPhase.EXPLORING, CovenantPhase.NEGOTIATING):
        line += ", " + t(lang, "covenant.list.line_not_signed")
    elif covenant.phase == CovenantPhase.ENDED and covenant.kind == CovenantKind.COVENANT:
        # Talks that stopped (land- en tuinbouw): ended without ever being signed.
        line += ", " + t(lang, "covenant.list.line_never_signed")
    return line


def covenant_list(covenants: list[Covenant], lang: str, phase: CovenantPhase | None = None) -> Reply:
    """The covenants (then related initiatives), one line each: name, slug, phase, signing date."""
    agreements = [c for c in covenants if c.kind == CovenantKind.COVENANT]
    others = [c for c in covenants if c.kind != CovenantKind.COVENANT]
    title = (
        t(lang, "covenant.list.title_phase", phase=t(lang, f"phase.{phase.value}"), count=len(agreements))
        if phase
        else t(lang, "covenant.list.title", count=len(agreements))
    )
    blocks = [header(title)]
    if not covenants:
        blocks.append(section(t(lang, "covenant.list.empty")))
    blocks += lines_to_sections([_list_line(c, lang) for c in agreements], budget=20)
    if others:
        blocks.append(section(f"*{t(lang, 'covenant.list.initiatives')}*"))
        blocks += lines_to_sections(
            [_list_line(c, lang) + f" · _{t(lang, f'kind.{c.kind.value}')}_" for c in others], budget=20
        )
    blocks.append(context(t(lang, "covenant.list.hint")))
    fallback = title + "\n" + "\n".join(f"{c.slug}: {c.name(lang)}" for c in covenants)
    return Reply(text=fallback, blocks=blocks)


def covenant_status(
    overview: CovenantOverview, lang: str, shared_by: str | None = None, kind_blocks: list[Block] | None = None
) -> Reply:
    """One covenant's public status: phase, dates, term, secretariat, participants, this cycle's plans in
    aggregate, next meetings, latest approved minutes and the facts (uncertain ones marked).

    Everything in it is public, so it carries a **Share in channel** button; ``shared_by`` (a Slack user id)
    renders the copy posted in a channel instead, without the button. ``kind_blocks``: the section of an
    initiative's own kind (a programme's cohorts, a project's parties and milestones, a covenant's projects),
    already cut to what the reader may see, shown before the facts.
    """
    status = overview.status
    covenant = status.covenant
    tz = covenant.timezone
    name = covenant.name(lang)
    other_name = covenant.name("en" if lang == "nl" else "nl")
    fields = [f"*{t(lang, 'covenant.status.phase')}*\n{t(lang, f'phase.{covenant.phase.value}')}"]
    if covenant.kind != CovenantKind.COVENANT:
        fields.append(f"*{t(lang, 'covenant.status.kind_label')}*\n{t(lang, f'kind.{covenant.kind.value}')}")
    if covenant.signed_on:
        fields.append(f"*{t(lang, 'covenant.status.signed')}*\n{date_token(covenant.signed_on, tz, lang)}")
    if covenant.in_force_on:
        fields.append(f"*{t(lang, 'covenant.status.in_force')}*\n{date_token(covenant.in_force_on, tz, lang)}")
    if covenant.ends_on:
        ended = covenant.ends_on <= status.today
        label = t(lang, "covenant.status.ended" if ended else "covenant.status.ends")
        fields.append(f"*{label}*\n{date_token(covenant.ends_on, tz, lang)}")
    term = covenant.term_nl if lang == "nl" else covenant.term_en
    if term:
        fields.append(f"*{t(lang, 'covenant.status.term')}*\n{escape(term)}")
    if covenant.secretariat:
        fields.append(f"*{t(lang, 'covenant.status.secretariat')}*\n{escape(covenant.secretariat)}")
    if covenant.facilitator and covenant.facilitator != covenant.secretariat:
        fields.append(f"*{t(lang, 'covenant.status.facilitator')}*\n{escape(covenant.facilitator)}")

    blocks = [header(name), context(f"_{escape(other_name)}_ · `{covenant.slug}`"), fields_section(fields)]

    if status.parties_by_kind:
        parts = [
            tn(lang, f"orgkind_count.{kind.value}", count)
            for kind in OrganisationKind
            if (count := status.parties_by_kind.get(kind, 0))
        ]
        participants = f"*{t(lang, 'covenant.status.participants')}:* " + ", ".join(parts)
    else:
        participants = f"*{t(lang, 'covenant.status.participants')}:* {t(lang, 'covenant.status.no_participants')}"
    if status.left:
        participants += "\n" + tn(lang, "covenant.status.left", status.left)
    if covenant.kind != CovenantKind.PROJECT:  # a project lists its parties in its own section
        blocks.append(section(participants))

    # Projects and charters have no action plans: a project lists its parties, a charter its signatories and
    # commitments, each in its own section below.
    has_plans = covenant.kind != CovenantKind.PROJECT and overview.charter is None
    if has_plans and (status.companies or overview.plans.total):
        blocks += [divider(), section("\n".join(plan_summary_lines(overview.plans, lang)))]
    if overview.group_count:
        lines = [f"*{t(lang, 'status.next_meetings')}*"]
        lines += [meeting_line(o, lang) for o in overview.meetings] or [t(lang, "status.no_meetings")]
        if overview.latest_minutes is not None:
            lines += [f"*{t(lang, 'status.latest_minutes')}*", minutes_line(overview.latest_minutes, lang)]
        blocks += [divider(), section("\n".join(lines))]
    blocks += render_targets.status_blocks(list(overview.targets), lang)
    blocks += kind_blocks or []

    if overview.charter is not None:
        blocks += charters.status_blocks(overview.charter, lang)
    if status.facts:
        marker = t(lang, "common.uncertain")
        lines = [f"• {escape(fact.text(lang))}" + (f" _({marker})_" if fact.uncertain else "") for fact in status.facts]
        blocks.append(divider())
        blocks.append(section(f"*{t(lang, 'covenant.status.facts')}*"))
        blocks += lines_to_sections(lines, budget=10)
        if status.has_uncertain_facts:
            blocks.append(context(t(lang, "covenant.status.uncertain_note")))

    if shared_by is None:
        blocks.append(
            actions(
                button(t(lang, "status.share"), SHARE_ACTION, f"status:{covenant.slug}"),
                button(t(lang, "charts.button"), CHART_ACTION, f"chart:{covenant.slug}:plans"),
                block_id="status_actions",
            )
        )
        blocks.append(context(t(lang, "status.share_hint")))
    else:
        blocks.append(context(t(lang, "status.shared_by", user=f"<@{shared_by}>")))

    fallback_lines = [f"{name} ({t(lang, f'phase.{covenant.phase.value}')})"]
    if covenant.signed_on:
        fallback_lines.append(f"{t(lang, 'covenant.status.signed')}: {plain_date(covenant.signed_on, lang)}")
    return Reply(text="\n".join(fallback_lines), blocks=blocks)
