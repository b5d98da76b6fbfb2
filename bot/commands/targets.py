"""``/covenant measure`` (meet, meting) and ``/covenant targets`` (doelen): parsing only; the secretariat check,
the writes and the audit row live in ``bot.services.covenants.target_entry``."""

from __future__ import annotations

from collections.abc import Callable

from bot.db.enums import RoleKind
from bot.interaction import Ask
from bot.parsing.text import CommandText, parse_date
from bot.render import targets as render
from bot.render.blocks import Reply
from bot.services.covenants import covenants, target_entry, targets
from bot.services.errors import UsageError

MEASURE_WORDS = ("measure", "meet", "meting")
TARGETS_WORDS = ("targets", "doelen", "doelstellingen")


def _measure(ask: Ask, command: CommandText) -> Reply:
    """``measure <covenant> <target> <value> [date]``: the covenant's name may be several words."""
    if not ask.viewer.covenants_with(RoleKind.SECRETARIAT):
        raise UsageError("admin.not_any_secretariat")
    words = list(command.args)
    usage = UsageError("usage.covenant_measure", command=f"/covenant {command.sub}")
    if len(words) < 3:
        raise usage
    on = parse_date(words[-1], ask.today) if len(words) >= 4 else None
    if on is not None:
        words.pop()
    typed, key = words.pop(), words.pop()
    if not words:
        raise usage
    covenant = covenants.resolve(ask.session, " ".join(words))
    entered = target_entry.measure(ask.session, ask.viewer, covenant, key, typed, on or ask.today, ask.today, ask.now)
    return render.measured(entered, ask.lang)


def targets_answer(ask: Ask, command: CommandText) -> Reply:
    """``targets <covenant>``: its secretariat sees every target, everyone else the public ones."""
    if not command.rest:
        raise UsageError("usage.covenant_targets", command=f"/covenant {command.sub}")
    covenant = covenants.resolve(ask.session, command.rest)
    secretariat = ask.viewer.is_secretariat(covenant.id)
    figures = targets.target_figures(ask.session, covenant, ask.today, include_private=secretariat)
    return render.listing(covenant, figures, ask.lang, secretariat=secretariat)


Subcommand = Callable[[Ask, CommandText], Reply]
SUBCOMMANDS: dict[str, Subcommand] = {
    **dict.fromkeys(MEASURE_WORDS, _measure),
    **dict.fromkeys(TARGETS_WORDS, targets_answer),
}
