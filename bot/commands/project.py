"""``/project``: collective projects of a covenant — create, parties, milestones, updates, group, list.

Changes are for the project's coordinator and the parent covenant's secretariat; everything shown by
``list`` and ``status`` is public except parties-only updates (``Viewer.may_see_project_internal``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import CovenantKind
from bot.db.models import Covenant, Organisation, Project
from bot.interaction import Ask, Outcome
from bot.parsing.dates import looks_like_date, parse_date
from bot.parsing.text import normalise, split_command
from bot.render import projects as render
from bot.render.blocks import Block, Reply
from bot.services.covenants import covenants, organisations
from bot.services.errors import UsageError
from bot.services.meetings import groups
from bot.services.projects import projects

LEAD_WORDS = {"lead", "trekker", "leider", "penvoerder"}
OWNER_WORDS = {"owner", "eigenaar", "door"}
INTERNAL_WORDS = {"internal", "intern", "parties-only", "partijen"}
ROLE_SEPARATORS = {"as", "als"}
NOTE_WORDS = {"note", "notitie", "toelichting"}
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")


def run(ask: Ask, text: str) -> Outcome:
    """Answer ``/project <text>`` for ``ask.viewer``."""
    command = split_command(text)
    if command.sub in ("", "help", "hulp", "?"):
        return Outcome.of(render.help_reply(ask.lang))
    handler = SUBCOMMANDS.get(command.sub)
    if handler is None:
        raise UsageError("project.unknown_subcommand", sub=command.sub)
    usage = _NEEDS_ARGUMENTS.get(handler)
    if usage and not command.args:
        raise UsageError(f"usage.{usage}", command=f"/project {command.sub}")
    return Outcome.of(handler(ask, command.args))


# -- answers shared with questions ------------------------------------------------------------------------------


def list_answer(ask: Ask, parent: Covenant | None) -> Reply:
    """The projects of ``parent`` (or every project), public."""
    return render.project_list(parent, projects.children(ask.session, parent.id if parent else None), ask.lang)


def status_section(ask: Ask, covenant: Covenant, lang: str, public: bool = False) -> list[Block]:
    """The blocks /covenant status adds: a project's own section, or a covenant's list of projects.

    ``public``: for a status shared in a channel, where parties-only updates never go.
    """
    if covenant.kind == CovenantKind.PROJECT:
        project = projects.of_covenant(ask.session, covenant.id)
        if project is None:
            return []
        view = projects.view(ask.session, project, None if public else ask.viewer, ask.now)
        return render.status_blocks(view, lang)
    return render.children_blocks(projects.children(ask.session, covenant.id), lang)


# -- argument splitting -------------------------------------------------------------------------------------------


def _take_project(session: Session, words: list[str]) -> tuple[Project, list[str]]:
    """The project named by the longest run of leading words (exactly), else by the first word (closely)."""
    for size in range(len(words), 0, -1):
        covenant = covenants.match_exact(session, " ".join(words[:size]))
        if covenant is not None and covenant.kind == CovenantKind.PROJECT:
            found = projects.of_covenant(session, covenant.id)
            if found is not None:
                return found, words[size:]
    return projects.resolve(session, words[0]), words[1:]


def _exact_organisation(session: Session, name: str) -> Organisation | None:
    wanted = normalise(name)
    for organisation in session.scalars(select(Organisation)):
        if wanted in (normalise(organisation.name), normalise(organisations.short_name(organisation.name))):
            return organisation
    return None


def _take_organisation(session: Session, words: list[str]) -> tuple[Organisation, list[str]]:
    """An organisation and the words after it: up to ``as``/``als``, else the longest exact name, else the
    whole text closely (which names the nearest organisations when nothing fits)."""
    if not words:
        raise UsageError("organisation.missing_name")
    lowered = [w.lower() for w in words]
    for separator in ROLE_SEPARATORS:
        if separator in lowered[1:]:
            at = lowered.index(separator, 1)
            return organisations.resolve(session, " ".join(words[:at])), words[at + 1 :]
    for size in range(len(words), 0, -1):
        found = _exact_organisation(session, " ".join(words[:size]))
        if found is not None:
            return found, words[size:]
    return organisations.resolve(session, " ".join(words)), []


def _split_at(words: list[str], keywords: set[str]) -> tuple[list[str], list[str] | None]:
    """``words`` before the last keyword, and the words after it (None: no keyword)."""
    for index in range(len(words) - 1, -1, -1):
        if words[index].lower() in keywords:
            return words[:index], words[index + 1 :]
    return words, None


def _take_trailing_date(ask: Ask, words: list[str]) -> tuple[list[str], date]:
    """Split the due date (1-3 words) off the end; a last word shaped like a date that is none is an error."""
    if len(words) > 1 and _DATE_LIKE.match(words[-1]):
        return words[:-1], parse_date(words[-1], ask.today, future=True)
    for size in (3, 2, 1):
        if len(words) > size:
            tail = " ".join(words[-size:])
            if looks_like_date(tail):
                return words[:-size], parse_date(tail, ask.today, future=True)
    raise UsageError("usage.project_milestone", command="/project milestone")


# -- subcommands ----------------------------------------------------------------------------------------------------


def _new(ask: Ask, args: list[str]) -> Reply:
    session = ask.session
    words, lead_words = _split_at(args, LEAD_WORDS)
    parent, name = None, []
    for size in (3, 2, 1):
        if len(words) > size:
            parent = covenants.match_exact(session, " ".join(words[:size]))
            if parent is not None:
                name = words[size:]
                break
    if parent is None:
        if len(words) < 2:
            raise UsageError("usage.project_new", command="/project new")
        parent, name = covenants.resolve(session, words[0]), words[1:]
    if parent.kind == CovenantKind.PROJECT:
        raise UsageError("project.parent_is_project", name=parent.slug)
    if lead_words is not None and not lead_words:
        raise UsageError("usage.project_new", command="/project new")
    lead = organisations.resolve(session, " ".join(lead_words)) if lead_words else None
    project = projects.create(session, parent, " ".join(name), lead, ask.viewer, ask.now)
    session.commit()
    return render.created(project, ask.lang)


def _party(ask: Ask, args: list[str]) -> Reply:
    session = ask.session
    project, rest = _take_project(session, args)
    organisation, role_words = _take_organisation(session, rest)
    role = " ".join(role_words)
    new = projects.add_party(session, project, organisation, role, ask.viewer, ask.now)
    session.commit()
    return render.party_recorded(project, organisation.name, role, new, ask.lang)


def _milestone(ask: Ask, args: list[str]) -> Reply:
    session = ask.session
    # The note comes last and may say anything ("owner" too): split at the first "note".
    at = next((i for i, word in enumerate(args) if word.lower() in NOTE_WORDS), None)
    words, note = (args[:at], " ".join(args[at + 1 :])) if at is not None else (args, None)
    if note is not None and not note:
        raise UsageError("usage.project_milestone", command="/project milestone")
    words, owner_words = _split_at(words, OWNER_WORDS)
    if owner_words is not None and not owner_words:
        raise UsageError("usage.project_milestone", command="/project milestone")
    project, rest = _take_project(session, words)
    title_words, due = _take_trailing_date(ask, rest)
    owner = organisations.resolve(session, " ".join(owner_words)) if owner_words else None
    deadline = projects.add_milestone(session, project, " ".join(title_words), due, owner, ask.viewer, ask.now, note)
    session.commit()
    return render.milestone_added(project, deadline, owner.name if owner else None, ask.lang)


def _update(ask: Ask, args: list[str]) -> Reply:
    session = ask.session
    project, rest = _take_project(session, args)
    internal = bool(rest) and rest[0].lower() in INTERNAL_WORDS
    text = " ".join(rest[1:] if internal else rest)
    if not text:
        raise UsageError("usage.project_update", command="/project update")
    update = projects.add_update(session, project, text, internal, ask.viewer, ask.now, ask.today)
    session.commit()
    return render.update_added(project, update, ask.lang)


def _group(ask: Ask, args: list[str]) -> Reply:
    session = ask.session
    project, rest = _take_project(session, args)
    if not rest:
        raise UsageError("usage.project_group", command="/project group")
    name = " ".join(rest)
    group = groups.named_exactly(session, name) or groups.resolve(session, name)
    projects.link_group(session, project, group, ask.viewer, ask.now)
    session.commit()
    return render.group_linked(project, group.name, ask.lang)


def _list(ask: Ask, args: list[str]) -> Reply:
    return list_answer(ask, covenants.resolve(ask.session, " ".join(args)) if args else None)


def _status(ask: Ask, args: list[str]) -> Reply:
    from bot.commands.covenant import status_answer

    project, _rest = _take_project(ask.session, args)
    return status_answer(ask, project.covenant)


Subcommand = Callable[[Ask, list[str]], Reply]
SUBCOMMANDS: dict[str, Subcommand] = {
    **dict.fromkeys(("new", "nieuw", "create", "maak"), _new),
    **dict.fromkeys(("party", "partij"), _party),
    **dict.fromkeys(("milestone", "mijlpaal"), _milestone),
    **dict.fromkeys(("update", "stand", "voortgang"), _update),
    **dict.fromkeys(("group", "groep", "werkgroep"), _group),
    **dict.fromkeys(("list", "lijst", "overzicht"), _list),
    **dict.fromkeys(("status", "info"), _status),
}
# Typed without arguments: the usage to show (a key under ``usage.`` in the catalogs).
_NEEDS_ARGUMENTS: dict[Subcommand, str] = {
    _new: "project_new",
    _party: "project_party",
    _milestone: "project_milestone",
    _update: "project_update",
    _group: "project_group",
    _status: "project_status",
}
