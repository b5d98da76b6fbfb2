"""``/covenant``: help, list and status."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.db.enums import CovenantPhase
from bot.render import covenant as render
from bot.render.blocks import Reply
from bot.render.covenant import phase_names
from bot.services import covenants
from bot.services.access import Viewer
from bot.services.errors import UsageError

from .parsing import split_command

HELP_WORDS = {"", "help", "hulp", "?"}
LIST_WORDS = {"list", "lijst", "overzicht"}
STATUS_WORDS = {"status", "info", "stand"}
_PHASE_WORDS = {
    "verkennend": CovenantPhase.EXPLORING,
    "onderhandeling": CovenantPhase.NEGOTIATING,
    "ondertekend": CovenantPhase.SIGNED,
    "uitvoering": CovenantPhase.IMPLEMENTING,
    "lopend": CovenantPhase.IMPLEMENTING,
    "running": CovenantPhase.IMPLEMENTING,
    "evaluatie": CovenantPhase.EVALUATING,
    "beeindigd": CovenantPhase.ENDED,
    "beëindigd": CovenantPhase.ENDED,
    "afgelopen": CovenantPhase.ENDED,
}


def parse_phase(word: str, lang: str) -> CovenantPhase:
    """A phase from its English value or a Dutch word; UsageError ``covenant.unknown_phase`` otherwise."""
    lowered = word.lower().strip()
    for phase in CovenantPhase:
        if lowered == phase.value:
            return phase
    if lowered in _PHASE_WORDS:
        return _PHASE_WORDS[lowered]
    raise UsageError("covenant.unknown_phase", phase=word, phases=phase_names(lang))


def run(session: Session, text: str, viewer: Viewer, today: date) -> Reply:
    """Answer ``/covenant <text>`` for ``viewer``."""
    command = split_command(text)
    lang = viewer.language
    if command.sub in HELP_WORDS:
        return render.help_reply(lang)
    if command.sub in LIST_WORDS:
        phase = parse_phase(command.rest, lang) if command.rest else None
        return render.covenant_list(covenants.by_phase(covenants.all_covenants(session), phase), lang, phase)
    if command.sub in STATUS_WORDS:
        return status(session, command.rest, viewer, today)
    raise UsageError("covenant.unknown_subcommand", sub=command.sub)


def status(session: Session, name: str, viewer: Viewer, today: date) -> Reply:
    """The status of the covenant called ``name``."""
    covenant = covenants.resolve(session, name)
    return render.covenant_status(covenants.status(session, covenant, today), viewer.language)
