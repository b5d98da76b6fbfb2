"""``/charter``: a charter's signatories, their commitments and the yearly progress updates.

Recording signatories and commitments is for the charter's coordinator (the secretariat role on the charter);
a progress update for the signatory's contacts and the coordinator. Who signed and what they committed to is
public; the text of progress updates is the signatory's and the coordinator's only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from bot.db.enums import CommitmentKind
from bot.db.models import CharterSignatory, Covenant, Organisation
from bot.interaction import Ask, Outcome
from bot.parsing.dates import looks_like_date, parse_date
from bot.parsing.text import split_command
from bot.render import charters as render
from bot.render.blocks import Reply
from bot.services.charters import progress
from bot.services.charters import signatories as charters
from bot.services.covenants import covenants, organisations
from bot.services.errors import UsageError

HELP_WORDS = {"", "help", "hulp", "?"}
KIND_WORDS: dict[str, CommitmentKind] = {
    **dict.fromkeys(("internships", "internship", "stages", "stage", "stageplaatsen"), CommitmentKind.INTERNSHIPS),
    **dict.fromkeys(("coaching", "coachen", "begeleiding"), CommitmentKind.COACHING),
    **dict.fromkeys(
        ("free_services", "free-services", "services", "diensten", "gratis_diensten", "gratis-diensten", "kennis"),
        CommitmentKind.FREE_SERVICES,
    ),
    **dict.fromkeys(("hiring", "jobs", "werving", "aanwerving", "banen", "werk"), CommitmentKind.HIRING),
    **dict.fromkeys(("other", "overig", "anders", "ander"), CommitmentKind.OTHER),
}
_BY_WORDS = {"by", "door"}
_BEFORE_WORDS = {"by", "before", "voor", "uiterlijk", "tegen"}
_ACHIEVED_WORDS = {"achieved", "behaald", "gerealiseerd", "bereikt"}
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
# A count typed in a command: at most six digits (a forged many-digit number is a mistake, not a target).
_COUNT = re.compile(r"^\d{1,6}$")
_MAX_TEXT = 2000


# -- argument splitting ----------------------------------------------------------------------------------------
def _take_charter(ask: Ask, words: list[str]) -> tuple[Covenant, list[str]]:
    """The charter named first (slug, alias or name of 1-4 words), and the words after it."""
    if not words:
        raise UsageError("charter.missing_charter")
    for size in (4, 3, 2, 1):
        if len(words) >= size:
            found = covenants.match_exact(ask.session, " ".join(words[:size]))
            if found is not None:
                return charters.require_charter(found), words[size:]
    # Not an exact name: the usual "unknown covenant" answer with suggestions.
    return charters.require_charter(covenants.resolve(ask.session, words[0])), words[1:]


def _take_date(words: list[str], today: date) -> tuple[list[str], date | None]:
    """A trailing date (1-3 words) split off ``words``; a date-shaped last word that is no date is an error."""
    if words and _DATE_LIKE.match(words[-1]):
        return words[:-1], parse_date(words[-1], today)
    for size in (3, 2, 1):
        if len(words) >= size and looks_like_date(" ".join(words[-size:])):
            return words[:-size], parse_date(" ".join(words[-size:]), today)
    return words, None


def _organisation(ask: Ask, words: list[str]) -> Organisation:
    if not words:
        raise UsageError("organisation.missing_name")
    return organisations.resolve(ask.session, " ".join(words))


def _signatory(ask: Ask, charter: Covenant, organisation: Organisation) -> CharterSignatory:
    found = charters.signatory_of(ask.session, charter, organisation)
    if found is None:
        raise UsageError("charter.not_signed", organisation=organisation.name, charter=charter.slug)
    return found


def _count(word: str) -> int:
    if not _COUNT.match(word):
        raise UsageError("charter.bad_number", word=word)
    return int(word)


def _text(words: list[str]) -> str:
    text = " ".join(words).strip()
    if not text:
        raise UsageError("charter.missing_text")
    if len(text) > _MAX_TEXT:
        raise UsageError("charter.text_too_long", limit=_MAX_TEXT)
    return text


def _require_coordinator(ask: Ask, charter: Covenant) -> None:
    if not ask.viewer.may_administer(charter.id):
        raise UsageError("charter.coordinator_only", charter=charter.name(ask.lang))


# -- answers (shared with questions) -----------------------------------------------------------------------------
def signatories_answer(ask: Ask, charter: Covenant) -> Reply:
    """Who signed the charter and what they committed to, with progress in aggregate (public)."""
    return render.signatory_list(charters.overview(ask.session, charter, ask.today), ask.lang)


def commitments_answer(ask: Ask, charter: Covenant, organisation: Organisation) -> Reply:
    """What the organisation committed to; its progress notes only for its contacts and the coordinator."""
    signatory = _signatory(ask, charter, organisation)
    found = progress.commitments_of(ask.session, ask.viewer, signatory)
    return render.commitments_reply(charter, signatory, found, ask.lang)


# -- subcommands -----------------------------------------------------------------------------------------------
def _sign(ask: Ask, args: list[str]) -> Reply:
    charter, words = _take_charter(ask, args)
    _require_coordinator(ask, charter)
    signed_by: tuple[str, str | None] | None = None
    by = max((i for i, w in enumerate(words) if w.lower() in _BY_WORDS), default=None)
    if by is not None:
        name, _, role = " ".join(words[by + 1 :]).partition(",")
        if not name.strip():
            raise UsageError("charter.missing_signer")
        signed_by = (name.strip()[:200], role.strip()[:200] or None)
        words = words[:by]
    words, signed_on = _take_date(words, ask.today)
    organisation = _organisation(ask, words)
    signatory, new = charters.sign(
        ask.session, charter, organisation, signed_on or ask.today, signed_by, ask.now, ask.viewer.slack_user_id
    )
    ask.session.commit()
    return render.signed(signatory, new, ask.lang)


def _commit(ask: Ask, args: list[str]) -> Reply:
    charter, words = _take_charter(ask, args)
    _require_coordinator(ask, charter)
    position = next((i for i, w in enumerate(words) if w.lower() in KIND_WORDS), None)
    if position is None:
        raise UsageError("charter.kind_missing")
    organisation = _organisation(ask, words[:position])
    kind = KIND_WORDS[words[position].lower()]
    rest = words[position + 1 :]
    target_on = None
    before = max((i for i, w in enumerate(rest) if w.lower() in _BEFORE_WORDS), default=None)
    if before is not None and before + 1 < len(rest):
        tail, found = _take_date(rest[before + 1 :], ask.today)
        if found is not None and not tail:
            rest, target_on = rest[:before], found
    target_number = _count(rest.pop()) if rest and rest[-1].isdigit() else None
    text = _text(rest)
    signatory = _signatory(ask, charter, organisation)
    commitment = charters.commit(
        ask.session,
        charter,
        signatory,
        kind,
        text,
        target_number,
        target_on,
        ask.today,
        ask.now,
        ask.viewer.slack_user_id,
    )
    ask.session.commit()
    return render.committed(charter, commitment, organisation.name, ask.lang)


def _progress(ask: Ask, args: list[str]) -> Reply:
    charter, words = _take_charter(ask, args)
    position = next((i for i, w in enumerate(words) if w.isdigit()), None)
    if position is None:
        raise UsageError("charter.number_missing")
    organisation = _organisation(ask, words[:position])
    if not ask.viewer.may_see_progress_notes(charter.id, organisation.id):
        raise UsageError("charter.progress_not_yours", organisation=organisation.name)
    signatory = _signatory(ask, charter, organisation)
    commitment = charters.commitment(signatory, _count(words[position]))
    rest = words[position + 1 :]
    achieved = None
    if len(rest) >= 2 and rest[-2].lower() in _ACHIEVED_WORDS:
        achieved = _count(rest[-1])
        rest = rest[:-2]
    text = _text(rest)
    progress.record(
        ask.session,
        charter,
        commitment,
        text,
        achieved,
        ask.today,
        ask.now,
        ask.viewer.slack_user_id,
        ask.viewer.name or ask.viewer.slack_user_id,
    )
    ask.session.commit()
    return render.progress_recorded(charter, commitment, organisation.name, ask.lang)


def _signatories(ask: Ask, args: list[str]) -> Reply:
    charter, rest = _take_charter(ask, args)
    if rest:
        return commitments_answer(ask, charter, _organisation(ask, rest))
    return signatories_answer(ask, charter)


def _commitments(ask: Ask, args: list[str]) -> Reply:
    charter, rest = _take_charter(ask, args)
    if rest:
        return commitments_answer(ask, charter, _organisation(ask, rest))
    if ask.viewer.organisation_id is None:
        raise UsageError("usage.charter_commitments", command="/charter commitments")
    own = ask.session.get(Organisation, ask.viewer.organisation_id)
    assert own is not None
    return commitments_answer(ask, charter, own)


Subcommand = Callable[[Ask, list[str]], Reply]
SUBCOMMANDS: dict[str, Subcommand] = {
    **dict.fromkeys(("sign", "signed", "onderteken", "ondertekend", "ondertekening"), _sign),
    **dict.fromkeys(("commit", "commitment", "toezegging", "toezeggen"), _commit),
    **dict.fromkeys(("progress", "update", "voortgang"), _progress),
    **dict.fromkeys(("signatories", "ondertekenaars"), _signatories),
    **dict.fromkeys(("commitments", "toezeggingen"), _commitments),
}
# Typed without arguments: the usage to show (a key under ``usage.`` in the catalogs).
_USAGE: dict[Subcommand, str] = {
    _sign: "charter_sign",
    _commit: "charter_commit",
    _progress: "charter_progress",
    _signatories: "charter_signatories",
    _commitments: "charter_commitments",
}


def run(ask: Ask, text: str) -> Outcome:
    """Answer ``/charter <text>`` for ``ask.viewer``."""
    command = split_command(text)
    if command.sub in HELP_WORDS:
        return Outcome.of(render.help_reply(ask.lang))
    handler = SUBCOMMANDS.get(command.sub)
    if handler is None:
        raise UsageError("charter.unknown_subcommand", sub=command.sub)
    if not command.args:
        raise UsageError(f"usage.{_USAGE[handler]}", command=f"/charter {command.sub}")
    return Outcome.of(handler(ask, command.args))
