"""``/covenant``: the dispatcher (subcommand words in English and Dutch) and the read-only answers.

Questions (@mention, DM) call the same answer functions, so each answer is produced one way only.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.db.enums import CovenantKind, CovenantPhase, GroupKind
from bot.db.models import Covenant, Organisation, WorkingGroup
from bot.i18n import t
from bot.interaction import Ask, ChannelMessage, Outcome
from bot.parsing.text import CommandText, parse_phase, split_command
from bot.render import companies as render_companies
from bot.render import covenant as render
from bot.render import groups as render_groups
from bot.render import legal_context as render_legal
from bot.render import open_items as render_open_items
from bot.render.blocks import Block, Reply
from bot.services.covenants import covenants, legal_context, organisations, overview
from bot.services.errors import UsageError
from bot.services.meetings import groups
from bot.services.minutes import minutes_lookup
from bot.services.people import open_items, people
from bot.services.people.access import meeting_filter
from bot.services.plans import plans

from . import account, admin, charts, cohort, privacy, project, report, targets

HELP_WORDS = {"", "help", "hulp", "?"}
LIST_WORDS = {"list", "lijst", "overzicht"}
STATUS_WORDS = {"status", "info", "stand"}
CONTEXT_WORDS = {"context", "legal", "wetgeving"}


# -- answers (shared with questions) ---------------------------------------------------------------------------
def help_answer(ask: Ask) -> Reply:
    """What the bot can do."""
    return render.help_reply(ask.lang)


def list_answer(ask: Ask, phase: CovenantPhase | None) -> Reply:
    """The covenants, optionally in one phase."""
    return render.covenant_list(covenants.by_phase(covenants.all_covenants(ask.session), phase), ask.lang, phase)


def status_answer(ask: Ask, covenant: Covenant, public: bool = False) -> Reply:
    """The covenant's status, with the Share in channel button (``public``: a project's parties-only updates left
    out even for its parties, as in answers to questions)."""
    return render.covenant_status(
        overview.overview(ask.session, covenant, ask.now, ask.today),
        ask.lang,
        kind_blocks=_kind(ask, covenant, ask.lang, public),
    )


def _kind(ask: Ask, covenant: Covenant, lang: str, public: bool) -> list[Block]:
    """The section of an initiative's own kind in its status: a programme's cohorts (public), a project's lead,
    parties and milestones (its parties-only updates unless ``public``), or a covenant's list of projects."""
    cohorts = cohort.status_blocks(ask.session, covenant, lang) if covenant.kind == CovenantKind.PROGRAMME else []
    return cohorts + project.status_section(ask, covenant, lang, public)


def shared_status_answer(ask: Ask, slug: str, shared_by: str, lang: str) -> Reply:
    """The public status as posted in a channel by **Share in channel**, in ``lang`` (no button; says who shared
    it)."""
    covenant = covenants.resolve(ask.session, slug)
    return render.covenant_status(
        overview.overview(ask.session, covenant, ask.now, ask.today),
        lang,
        shared_by=shared_by,
        kind_blocks=_kind(ask, covenant, lang, public=True),
    )


def share(ask: Ask, value: str) -> Outcome:
    """**Share in channel**: the public status posted visibly where the button was pressed, then a private note.

    The status is rebuilt from the database (public data only), never copied from the clicked message.
    """
    slug = value.removeprefix("status:")
    if ask.channel is None:
        return Outcome.of(shared_status_answer(ask, slug, ask.viewer.slack_user_id, ask.lang))
    # Posted for the channel's audience: its group's or covenant's language, else (a DM, another channel) the
    # sharer's.
    reader = ask.lang if ask.channel.startswith("D") else people.channel_language(ask.session, ask.channel, ask.lang)
    status = shared_status_answer(ask, slug, ask.viewer.slack_user_id, reader)
    shared = Reply(text=t(ask.lang, "status.shared", channel=f"<#{ask.channel}>"))
    failed = Reply(text=t(ask.lang, "status.share_failed"))
    return Outcome(reply=shared, posts=[ChannelMessage(ask.channel, status)], if_failed=failed)


def context_answer(ask: Ask) -> Reply:
    """The legal context (EU due diligence law, the Dutch bill) as public facts, what may change marked."""
    return render_legal.legal_context_reply(legal_context.legal_context(), ask.lang)


def plans_answer(ask: Ask, covenant: Covenant) -> Reply:
    """This cycle's action plans of the covenant, all companies together."""
    summary = plans.cycle_summary(ask.session, covenant.id, ask.today)
    return render_companies.plan_summary(covenant, summary, ask.lang)


def companies_answer(ask: Ask, covenant: Covenant, page: int = 1) -> Reply:
    """One page of the covenant's companies with join (and leave) dates."""
    return render_companies.participant_page(
        organisations.participants(ask.session, covenant, ask.today, page), ask.lang
    )


def companies_page(ask: Ask, value: str) -> Outcome:
    """Previous / Next under a company list: the list is replaced by the page the button's value names."""
    parsed = render_companies.parse_page_value(value)
    if parsed is None:
        raise UsageError("covenant.missing_name")
    reply = companies_answer(ask, covenants.resolve(ask.session, parsed[0]), parsed[1])
    return Outcome(reply=reply, replace=True)


def covenant_groups_answer(ask: Ask, covenant: Covenant) -> Reply:
    """The covenant's groups with chair, size and next meeting."""
    found = groups.covenant_groups(ask.session, covenant.id)
    infos = groups.group_infos(ask.session, found, ask.now, meeting_filter(ask.viewer))
    return render_groups.group_list(covenant, infos, ask.lang)


def group_answer(ask: Ask, group: WorkingGroup) -> Reply:
    """One group: who chairs it, and its next meetings."""
    keep = meeting_filter(ask.viewer)
    info = groups.group_infos(ask.session, [group], ask.now, keep)[0]
    meetings = groups.next_meetings(ask.session, [group], ask.now, keep, limit=5)
    return render_groups.group_detail(info, meetings, ask.lang)


def steering_group_of(ask: Ask, covenant: Covenant) -> WorkingGroup | None:
    """The covenant's steering group, if it has one recorded."""
    return next(
        (g for g in groups.covenant_groups(ask.session, covenant.id) if g.kind == GroupKind.STEERING_GROUP), None
    )


def my_groups_answer(ask: Ask) -> Reply:
    """The groups the asker is a member of, with their next meetings."""
    found = groups.person_groups(ask.session, ask.viewer.person_id)
    infos = groups.group_infos(ask.session, found, ask.now, meeting_filter(ask.viewer))
    return render_groups.my_groups(infos, ask.lang)


def company_answer(ask: Ask, organisation: Organisation) -> Reply:
    """An organisation's covenants; its plans and assessments only where the asker may see them."""
    profile = organisations.company_profile(ask.session, organisation, ask.viewer, ask.today)
    return render_companies.company_profile(profile, ask.lang)


def mine_answer(ask: Ask) -> Reply:
    """What is waiting for the asker: open deadlines, action items from minutes, invitations to answer."""
    return render_open_items.open_items(open_items.open_items(ask.session, ask.viewer, ask.now, ask.today), ask.lang)


def week_answer(ask: Ask) -> Reply:
    """Next week's meetings of the asker's groups and their own deadlines due then."""
    week = open_items.next_week(ask.session, ask.viewer, ask.now, ask.today)
    return render_open_items.next_week(week, ask.viewer.timezone, ask.lang)


def decided_answer(ask: Ask, group: WorkingGroup) -> Reply:
    """The decisions of the group's last approved minutes, for those who may read its minutes."""
    return render_open_items.decisions(group, minutes_lookup.last_approved(ask.session, ask.viewer, group), ask.lang)


# -- slash-command parsing --------------------------------------------------------------------------------------
def _list(ask: Ask, command: CommandText) -> Reply:
    return list_answer(ask, parse_phase(command.rest, ask.lang) if command.rest else None)


def _status(ask: Ask, command: CommandText) -> Reply:
    return status_answer(ask, covenants.resolve(ask.session, command.rest))


def _plans(ask: Ask, command: CommandText) -> Reply:
    return plans_answer(ask, covenants.resolve(ask.session, command.rest))


def _companies(ask: Ask, command: CommandText) -> Reply:
    args = list(command.args)
    page = int(args.pop()) if len(args) > 1 and args[-1].isdigit() else 1
    if not args:
        raise UsageError("covenant.missing_name")
    covenant = covenants.resolve(ask.session, " ".join(args))
    found = organisations.participants(ask.session, covenant, ask.today, page)
    if found.page != page:
        # A page typed that does not exist is a mistake to point out, not page 1 (or the last) shown silently.
        raise UsageError(
            "covenant.one_page" if found.pages == 1 else "covenant.only_pages",
            pages=found.pages,
            command=f"/covenant {command.sub} {covenant.slug}",
        )
    return render_companies.participant_page(found, ask.lang)


def _groups(ask: Ask, command: CommandText) -> Reply:
    if not command.rest:
        return my_groups_answer(ask)
    try:
        covenant = covenants.resolve(ask.session, command.rest)
    except UsageError as covenant_error:
        try:
            group = groups.resolve(ask.session, command.rest)
        except UsageError:
            raise UsageError("group.unknown_either", name=command.rest) from covenant_error
        return group_answer(ask, group)
    return covenant_groups_answer(ask, covenant)


def _context(ask: Ask, command: CommandText) -> Reply:
    if command.rest:
        raise UsageError("usage.covenant_context", command=f"/covenant {command.sub}")
    return context_answer(ask)


def _company(ask: Ask, command: CommandText) -> Reply:
    if not command.rest:
        raise UsageError("organisation.missing_name")
    return company_answer(ask, organisations.resolve(ask.session, command.rest))


Subcommand = Callable[[Ask, CommandText], Reply]
SUBCOMMANDS: dict[str, Subcommand] = {
    **dict.fromkeys(HELP_WORDS, lambda ask, _command: help_answer(ask)),
    **dict.fromkeys(LIST_WORDS, _list),
    **dict.fromkeys(STATUS_WORDS, _status),
    **dict.fromkeys(("plans", "plannen"), _plans),
    **dict.fromkeys(("companies", "bedrijven", "deelnemers", "participants"), _companies),
    **dict.fromkeys(("groups", "groepen", "werkgroepen"), _groups),
    **dict.fromkeys(("company", "bedrijf", "organisation", "organisatie", "org"), _company),
    **dict.fromkeys(("mine", "mijn"), lambda ask, _command: mine_answer(ask)),
    **dict.fromkeys(CONTEXT_WORDS, _context),
    **account.SUBCOMMANDS,
    **admin.SUBCOMMANDS,
    **targets.SUBCOMMANDS,
}
# Typed without arguments: the usage to show (a key under ``usage.`` in the catalogs).
_NEEDS_ARGUMENTS: dict[Subcommand, str] = {
    _status: "covenant_status",
    _plans: "covenant_plans",
    _companies: "covenant_companies",
    _company: "covenant_company",
}


def run(ask: Ask, text: str) -> Outcome:
    """Answer ``/covenant <text>`` for ``ask.viewer``."""
    command = split_command(text)
    if command.sub in privacy.WORDS:
        return privacy.run(ask, command)
    if command.sub in charts.WORDS:
        return charts.run(ask, command)
    if command.sub in report.WORDS:
        return report.run(ask, command)
    handler = SUBCOMMANDS.get(command.sub)
    if handler is None:
        raise UsageError("covenant.unknown_subcommand", sub=command.sub)
    usage = _NEEDS_ARGUMENTS.get(handler)
    if usage and not command.rest:
        raise UsageError(f"usage.{usage}", command=f"/covenant {command.sub}")
    return Outcome.of(handler(ask, command))
