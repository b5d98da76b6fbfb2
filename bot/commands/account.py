"""``/covenant whoami``, ``contact`` and ``lang``: the asker's own record, secretariat contacts and language."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.db.enums import ContactRoute
from bot.db.models import Covenant
from bot.i18n import LANGUAGES
from bot.interaction import Ask
from bot.render import account as render
from bot.render.blocks import Reply
from bot.services.covenants import covenants
from bot.services.errors import UsageError
from bot.services.meetings import groups
from bot.services.people import addresses, people

if TYPE_CHECKING:
    from bot.parsing.text import CommandText

_AUTO_WORDS = {"auto", "slack", "reset", "standaard", "default"}
ROUTE_WORDS: dict[str, ContactRoute] = {
    "slack": ContactRoute.SLACK,
    "email": ContactRoute.EMAIL,
    "e-mail": ContactRoute.EMAIL,
    "mail": ContactRoute.EMAIL,
    "both": ContactRoute.BOTH,
    "beide": ContactRoute.BOTH,
    "allebei": ContactRoute.BOTH,
}


def whoami_answer(ask: Ask) -> Reply:
    """Who the bot thinks the asker is: organisation, roles per covenant, groups, language, contacts."""
    mine = covenants.covenants_of(ask.session, ask.viewer.organisation_id, set(ask.viewer.roles))
    me = addresses.person_at(ask.session, ask.viewer.slack_user_id)
    return render.whoami(
        ask.viewer,
        mine,
        groups.person_groups(ask.session, ask.viewer.person_id),
        people.secretariat_people(ask.session, [c.id for c in mine]),
        route=me.route if me is not None else ContactRoute.SLACK,
        email=me.email if me is not None else None,
    )


def contact_answer(ask: Ask, covenant: Covenant | None) -> Reply:
    """Who to ask at the secretariat: its people for covenants the asker takes part in, else its public name."""
    mine = covenants.covenants_of(ask.session, ask.viewer.organisation_id, set(ask.viewer.roles))
    mine_ids = {c.id for c in mine}
    wanted = [covenant] if covenant is not None else mine
    contacts = people.secretariat_people(ask.session, [c.id for c in wanted if c.id in mine_ids])
    return render.contacts(wanted, contacts, ask.lang, linked=ask.viewer.is_linked)


def lang_answer(ask: Ask, word: str) -> Reply:
    """Set (``nl``/``en``), reset (``auto``) or show the language the bot answers in."""
    choice = word.strip().lower()
    if not choice:
        return render.language_now(ask.viewer)
    if choice in _AUTO_WORDS:
        people.set_language(ask.session, ask.viewer.slack_user_id, None, ask.now)
        return render.language_set(ask.viewer.locale_language or ask.viewer.language, automatic=True)
    if choice in ("nederlands", "dutch"):
        choice = "nl"
    if choice in ("english", "engels"):
        choice = "en"
    if choice not in LANGUAGES:
        raise UsageError("account.unknown_language", language=word)
    people.set_language(ask.session, ask.viewer.slack_user_id, choice, ask.now)
    return render.language_set(choice, automatic=False)


def route_answer(ask: Ask, word: str) -> Reply:
    """Set (``slack``, ``email``/``e-mail``, ``both``/``beide``) or show how the asker's reminders reach them."""
    choice = word.strip().lower()
    if not choice:
        return render.route_now(people.route_of(ask.session, ask.viewer.slack_user_id), ask.lang)
    route = ROUTE_WORDS.get(choice)
    if route is None:
        raise UsageError("account.unknown_route", route=word.strip())
    before = people.set_route(ask.session, ask.viewer.slack_user_id, route, ask.now)
    return render.route_set(route, changed=before != route, lang=ask.lang)


def _whoami(ask: Ask, _command: CommandText) -> Reply:
    return whoami_answer(ask)


def _contact(ask: Ask, command: CommandText) -> Reply:
    return contact_answer(ask, covenants.resolve(ask.session, command.rest) if command.rest else None)


def _lang(ask: Ask, command: CommandText) -> Reply:
    return lang_answer(ask, command.rest)


def _route(ask: Ask, command: CommandText) -> Reply:
    return route_answer(ask, command.rest)


SUBCOMMANDS: dict[str, Callable[[Ask, CommandText], Reply]] = {
    "route": _route,
    **dict.fromkeys(("whoami", "wiebenik", "me", "ik"), _whoami),
    **dict.fromkeys(("contact", "contacts", "contactpersoon", "secretariat", "secretariaat"), _contact),
    **dict.fromkeys(("lang", "language", "taal"), _lang),
}
