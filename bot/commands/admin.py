"""Secretariat administration from Slack: ``link``, ``join``, ``leave``, ``phase``, ``add-org``, ``channel-language``.

Parsing only; permission checks, writes and the audit trail live in ``bot.services.administration.administration``.
Names need no quotes: ``join Windkracht Energie BV hernieuwbare energie 2026-01-01`` is read by trying
where the organisation's name ends (quotes still help: ``join "Wind & Zon" metaal``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from bot.db.enums import OrganisationKind, RoleKind
from bot.db.models import Covenant, Organisation
from bot.interaction import Ask
from bot.parsing.emails import take_email, take_quoted
from bot.parsing.text import (
    KIND_WORDS,
    ROLE_WORDS,
    USER_MENTION,
    parse_date,
    parse_phase,
    slack_plain,
    split_two,
    take_user,
    words_of,
)
from bot.render import admin as render
from bot.render.blocks import Reply
from bot.services.administration import administration
from bot.services.covenants import covenants, organisations
from bot.services.errors import UsageError

if TYPE_CHECKING:
    from bot.parsing.text import CommandText


def _organisation_and_covenant(ask: Ask, words: list[str], usage: str) -> tuple[Organisation, Covenant]:
    if len(words) < 2:
        raise UsageError(usage)
    return split_two(
        words,
        lambda name: organisations.resolve(ask.session, name),
        lambda name: covenants.resolve(ask.session, name),
    )


def _link(ask: Ask, command: CommandText) -> Reply:
    """``link @person <organisation> [role] [covenant] [email]``, or ``link <email> ["name"] <organisation> …`` for
    someone without Slack (named by the quoted name, else by the address)."""
    email, typed_email, rest = take_email(command.rest)
    if typed_email is not None and email is None:
        raise UsageError("admin.link.bad_email", email=slack_plain(typed_email))
    if email is not None and not USER_MENTION.search(rest) and not _starts_with_user_id(rest):
        user_id: str | None = None
        name_hint, remaining = take_quoted(rest)
        if name_hint is not None and (not remaining or _names_organisation(ask, name_hint)):
            name_hint, remaining = None, rest  # the quoted words were the organisation's name
    else:
        user_id, name_hint, remaining = take_user(rest)
    words = words_of(remaining)
    if not words:
        raise UsageError("admin.usage.link")
    role_at = next((i for i in range(len(words) - 1, 0, -1) if words[i].lower() in ROLE_WORDS), None)
    covenant: Covenant | None = None
    if role_at is not None:
        role = ROLE_WORDS[words[role_at].lower()]
        organisation = organisations.resolve(ask.session, " ".join(words[:role_at]))
        if words[role_at + 1 :]:
            covenant = covenants.resolve(ask.session, " ".join(words[role_at + 1 :]))
    else:
        role = None
        try:
            organisation = organisations.resolve(ask.session, " ".join(words))
        except UsageError:
            if len(words) < 2:
                raise
            organisation, covenant = _organisation_and_covenant(ask, words, "admin.usage.link")
    result = administration.link(
        ask.session,
        ask.viewer,
        slack_user_id=user_id,
        name_hint=name_hint,
        organisation=organisation,
        role=role,
        covenant=covenant,
        now=ask.now,
        email=email,
    )
    return render.linked(result, ask.lang)


def _starts_with_user_id(text: str) -> bool:
    try:
        take_user(text)
    except UsageError:
        return False
    return True


def _names_organisation(ask: Ask, name: str) -> bool:
    try:
        organisations.resolve(ask.session, name)
    except UsageError:
        return False
    return True


def _unlink(ask: Ask, command: CommandText) -> Reply:
    """``unlink @person [covenant]``, or ``unlink <email> [covenant]`` for someone without Slack."""
    email, typed_email, rest = take_email(command.rest)
    if typed_email is not None and email is None:
        raise UsageError("admin.link.bad_email", email=slack_plain(typed_email))
    if email is not None and not USER_MENTION.search(rest) and not _starts_with_user_id(rest):
        remaining = rest
        result = administration.unlink(
            ask.session, ask.viewer, email=email, covenant=_covenant_or_none(ask, remaining), now=ask.now
        )
    else:
        user_id, _, remaining = take_user(command.rest)
        result = administration.unlink(
            ask.session, ask.viewer, slack_user_id=user_id, covenant=_covenant_or_none(ask, remaining), now=ask.now
        )
    return render.unlinked(result, ask.lang)


def _covenant_or_none(ask: Ask, text: str) -> Covenant | None:
    return covenants.resolve(ask.session, text) if text.strip() else None


def _join(ask: Ask, command: CommandText) -> Reply:
    words = list(command.args)
    joined_on: date | None = parse_date(words[-1], ask.today) if words else None
    if joined_on is not None:
        words.pop()
    organisation, covenant = _organisation_and_covenant(ask, words, "admin.usage.join")
    participation = administration.join(
        ask.session, ask.viewer, organisation, covenant, joined_on or ask.today, ask.now
    )
    return render.joined(organisation, covenant, participation, ask.lang)


def _leave(ask: Ask, command: CommandText) -> Reply:
    words = list(command.args)
    date_at = next((i for i, word in enumerate(words) if parse_date(word, ask.today) is not None), None)
    if date_at is not None:
        left_on = parse_date(words[date_at], ask.today)
        names, reason_words = words[:date_at], words[date_at + 1 :]
        organisation, covenant = _organisation_and_covenant(ask, names, "admin.usage.leave")
    else:
        # No date: the reason (if any) follows the covenant; try the longest names first.
        left_on, found = None, None
        first_error: UsageError | None = None
        for end in range(len(words), 1, -1):
            try:
                found = _organisation_and_covenant(ask, words[:end], "admin.usage.leave")
            except UsageError as error:
                first_error = first_error or error
                continue
            reason_words = words[end:]
            break
        if found is None:
            raise first_error or UsageError("admin.usage.leave")
        organisation, covenant = found
    reason = " ".join(reason_words).strip() or None
    participation = administration.leave(
        ask.session, ask.viewer, organisation, covenant, left_on or ask.today, reason, ask.now
    )
    return render.left(organisation, covenant, participation, ask.lang)


def _phase(ask: Ask, command: CommandText) -> Reply:
    words = list(command.args)
    if len(words) < 2:
        raise UsageError("admin.usage.phase")
    phase = parse_phase(words.pop(), ask.lang)
    if len(words) > 1 and words[-1].lower() == "in":  # "in onderhandeling", "in uitvoering"
        words.pop()
    covenant = covenants.resolve(ask.session, " ".join(words))
    before = administration.set_phase(ask.session, ask.viewer, covenant, phase, ask.now)
    return render.phase_set(covenant, before, phase, ask.lang)


def _language(ask: Ask, command: CommandText) -> Reply:
    words = list(command.args)
    if len(words) < 2:
        raise UsageError("admin.usage.language")
    language = {"nederlands": "nl", "dutch": "nl", "english": "en", "engels": "en"}.get(words[-1].lower())
    covenant = covenants.resolve(ask.session, " ".join(words[:-1]))
    chosen = language or words[-1].lower()
    before = administration.set_language(ask.session, ask.viewer, covenant, chosen, ask.now)
    return render.language_set(covenant, before == chosen, chosen, ask.lang)


def _add_org(ask: Ask, command: CommandText) -> Reply:
    words = list(command.args)
    if len(words) < 2:
        raise UsageError("admin.usage.add_org")
    kind = KIND_WORDS.get(words[-1].lower())
    if kind is None:
        raise UsageError("admin.unknown_kind", kind=words[-1], kinds=", ".join(k.value for k in OrganisationKind))
    organisation = administration.add_organisation(ask.session, ask.viewer, " ".join(words[:-1]), kind, ask.now)
    return render.organisation_added(organisation, ask.lang)


Subcommand = Callable[[Ask, "CommandText"], Reply]


def _secretariat_only(subcommand: Subcommand, usage: str) -> Subcommand:
    """Refuse someone who runs no secretariat at all before reading the names they typed: the answer is "only the
    secretariat can do this", not a complaint about an organisation's name. Per-covenant checks follow in the
    service. Typed without arguments, the secretariat gets the ``usage`` of the command as typed."""

    def guarded(ask: Ask, command: CommandText) -> Reply:
        if not ask.viewer.covenants_with(RoleKind.SECRETARIAT):
            raise UsageError("admin.not_any_secretariat")
        if not command.rest:
            raise UsageError(f"usage.{usage}", command=f"/covenant {command.sub}")
        return subcommand(ask, command)

    return guarded


SUBCOMMANDS: dict[str, Subcommand] = {
    **dict.fromkeys(("link", "koppel"), _secretariat_only(_link, "covenant_link")),
    **dict.fromkeys(("unlink", "ontkoppel"), _secretariat_only(_unlink, "covenant_unlink")),
    **dict.fromkeys(("join", "toetreden"), _secretariat_only(_join, "covenant_join")),
    **dict.fromkeys(("leave", "uittreden"), _secretariat_only(_leave, "covenant_leave")),
    **dict.fromkeys(("phase", "fase"), _secretariat_only(_phase, "covenant_phase")),
    **dict.fromkeys(("add-org", "addorg", "nieuwe-org"), _secretariat_only(_add_org, "covenant_add_org")),
    **dict.fromkeys(("channel-language", "kanaaltaal"), _secretariat_only(_language, "covenant_language")),
}
