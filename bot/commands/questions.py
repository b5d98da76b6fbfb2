"""Questions asked by @mention or DM, in Dutch or English, answered by the same functions as ``/covenant``.

A question typed like a command ("status goud", "join ...") runs as that command. Anything else goes through
the local intent matcher: the names in it are found by :class:`~bot.services.covenants.vocabulary.Vocabulary`,
the intent by :func:`~bot.commands.intents.detect`. Unless the asker chose a language with ``/covenant lang``,
the answer comes in the language the question was asked in.
"""

from __future__ import annotations

import dataclasses
import re

from bot.db.enums import CovenantKind
from bot.db.models import Covenant, Organisation, WorkingGroup
from bot.interaction import Ask, Outcome
from bot.parsing.text import split_command
from bot.render import covenant as render
from bot.render import errors as render_errors
from bot.render.blocks import Reply
from bot.services.charters import signatories as charters
from bot.services.covenants.vocabulary import Entities, vocabulary_for, words
from bot.services.errors import UsageError
from bot.services.meetings import groups

from . import account, cohort, intents, project
from . import charter as charter_commands
from . import covenant as commands
from .intents import Intent

_MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")
# Subcommand words that also start ordinary sentences ("ik wil…", "info over…"): read those as questions.
_SENTENCE_STARTERS = {"ik", "me", "mijn", "info", "stand", "contact", "contactpersoon", "secretariat", "secretariaat"}
_SENTENCE_STARTERS |= {"wetgeving", "legal", "context"}


def strip_mentions(text: str) -> str:
    """The question without the ``<@U123>`` mention of the bot."""
    return _MENTION.sub(" ", text).strip()


def understand(ask: Ask, question: str) -> tuple[Intent, Entities]:
    """The intent of ``question`` and the covenant, group and organisation it names."""
    found = vocabulary_for(ask.session).find(question)
    return intents.detect(words(question), found), found


def answer(ask: Ask, text: str) -> Outcome:
    """Answer a free-text question (or a command typed without the slash)."""
    question = strip_mentions(text)
    first = split_command(question).sub
    if first and first in commands.SUBCOMMANDS and first not in _SENTENCE_STARTERS:
        return commands.run(ask, question)
    language = intents.question_language(words(question))
    if language and not ask.viewer.language_chosen and language != ask.lang:
        ask = dataclasses.replace(ask, viewer=dataclasses.replace(ask.viewer, language=language))
    intent, found = understand(ask, question)
    try:
        about_cohort = cohort.question_answer(ask, intent.kind, found.covenant_id, words(question))
        return Outcome.of(about_cohort or respond_to(ask, intent, found))
    except UsageError as error:
        # Said in the language the question was asked in (the handler would use the asker's usual one);
        # nothing the answer may have begun to write is kept.
        ask.session.rollback()
        return Outcome.of(render_errors.usage_error(error, ask.lang))


def respond_to(ask: Ask, intent: Intent, found: Entities) -> Reply:
    """The answer for an understood question: each intent is a ``/covenant`` answer."""
    covenant = ask.session.get(Covenant, found.covenant_id) if found.covenant_id is not None else None
    group = ask.session.get(WorkingGroup, found.group_id) if found.group_id is not None else None
    organisation = ask.session.get(Organisation, found.organisation_id) if found.organisation_id else None
    kind = intent.kind
    if kind == intents.LANG and intent.language:
        return account.lang_answer(ask, intent.language)
    if kind == intents.WHOAMI:
        return account.whoami_answer(ask)
    if kind == intents.CONTACT:
        return account.contact_answer(ask, covenant)
    if kind == intents.HELP:
        return commands.help_answer(ask)
    if kind == intents.LEGAL:
        return commands.context_answer(ask)
    if kind == intents.MINE:
        return commands.mine_answer(ask)
    if kind == intents.UPCOMING:
        return commands.week_answer(ask)
    if kind == intents.DECIDED:
        if group is None and intent.steering and covenant is not None:
            group = commands.steering_group_of(ask, covenant)
        if group is None and ask.channel is not None:
            group = groups.by_channel(ask.session, ask.channel)
        if group is None:
            raise UsageError("question.which_group")
        return commands.decided_answer(ask, group)
    if kind in (intents.MEETINGS, intents.GROUPS):
        if group is None and intent.steering and covenant is not None:
            group = commands.steering_group_of(ask, covenant)
        if group is not None:
            return commands.group_answer(ask, group)
        if covenant is not None:
            return commands.covenant_groups_answer(ask, covenant)
        return commands.my_groups_answer(ask)
    if kind == intents.PLANS:
        if organisation is not None:
            return commands.company_answer(ask, organisation)
        if covenant is not None:
            return commands.plans_answer(ask, covenant)
        own = ask.session.get(Organisation, ask.viewer.organisation_id) if ask.viewer.organisation_id else None
        if intent.mine and own is not None:
            return commands.company_answer(ask, own)
        raise UsageError("question.which_covenant")
    if kind == intents.COMMITTED:
        return _commitments(ask, covenant, organisation, intent.mine)
    if kind == intents.COMPANIES and covenant is not None and covenant.kind == CovenantKind.CHARTER:
        return charter_commands.signatories_answer(ask, covenant)
    if kind == intents.COMPANIES:
        if covenant is None:
            raise UsageError("question.which_covenant")
        return commands.companies_answer(ask, covenant)
    if kind == intents.COMPANY and organisation is not None:
        return commands.company_answer(ask, organisation)
    if kind == intents.LIST:
        return commands.list_answer(ask, intent.phase)
    if kind == intents.PROJECTS:
        # A project named: its status; a covenant (or none): the projects it runs.
        if covenant is not None and covenant.kind == CovenantKind.PROJECT:
            return commands.status_answer(ask, covenant, public=True)
        return project.list_answer(ask, covenant)
    if kind == intents.STATUS and covenant is not None:
        return commands.status_answer(ask, covenant, public=True)
    return render.question_fallback(ask.lang)


def _commitments(ask: Ask, covenant: Covenant | None, organisation: Organisation | None, mine: bool) -> Reply:
    """What an organisation (or, asked of "my" commitments, the asker's own) committed to under a charter: the one
    named, else the only charter it signed."""
    if organisation is None and mine and ask.viewer.organisation_id is not None:
        organisation = ask.session.get(Organisation, ask.viewer.organisation_id)
    if organisation is None:
        raise UsageError("charter.which_organisation")
    if covenant is None or covenant.kind != CovenantKind.CHARTER:
        signed = charters.charters_signed_by(ask.session, organisation)
        if not signed:
            raise UsageError("charter.signed_none", organisation=organisation.name)
        if len(signed) > 1:
            raise UsageError("charter.which_charter", organisation=organisation.name)
        covenant = signed[0]
    return charter_commands.commitments_answer(ask, covenant, organisation)
