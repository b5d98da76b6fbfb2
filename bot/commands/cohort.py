"""``/cohort``: a programme's yearly cohorts (the Business & Human Rights Accelerator).

Every subcommand names the programme and the cohort's year first: ``/cohort progress accelerator 2026``.
Changes are for the programme's coordinator (its secretariat role); a company's check-ins also for its own
contacts. Anyone reads a cohort's companies and aggregate completion; a company's own milestones and check-in
notes only its contacts and the coordinator (``Viewer.may_see_company`` on the programme).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.db.enums import CovenantKind
from bot.db.models import Cohort, Covenant
from bot.interaction import Ask, Outcome
from bot.parsing.dates import impossible_when, looks_like_date, parse_date, parse_when
from bot.parsing.text import split_command
from bot.render import cohorts as render
from bot.render.blocks import Block, Reply
from bot.services.cohorts import cohorts, progress
from bot.services.covenants import organisations
from bot.services.errors import UsageError
from bot.services.meetings import groups, meetings
from bot.services.meetings.meetings import MeetingRequest
from bot.services.people.access import Viewer

from . import meeting_schedule
from .intents import COMPANIES, STATUS, UNKNOWN

HELP_WORDS = {"", "help", "hulp", "?"}
DONE_WORDS = {"done", "klaar", "gedaan", "bereikt", "reached"}
NOTE_WORDS = {"note", "notitie", "notes", "opmerking"}
BY_WORDS = {"by", "voor", "uiterlijk", "before", "due"}
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Named:
    """The programme and year typed first, and the words after them."""

    programme: Covenant
    year: int
    rest: list[str]


def _named(ask: Ask, args: list[str]) -> Named:
    position = next((i for i, word in enumerate(args) if _YEAR.match(word)), None)
    if position is None or position == 0:
        raise UsageError("cohort.missing_year")
    programme = cohorts.programme(ask.session, " ".join(args[:position]))
    return Named(programme, int(args[position]), args[position + 1 :])


def _cohort(ask: Ask, args: list[str]) -> tuple[Cohort, list[str]]:
    named = _named(ask, args)
    return cohorts.get(ask.session, named.programme, named.year), named.rest


# -- answers shared with questions and the status --------------------------------------------------------------


def visible_progress(ask: Ask, cohort: Cohort) -> list[progress.ParticipantProgress]:
    """The companies' own progress the asker may see: the coordinator every company's, a contact their own."""
    return [
        company
        for company in progress.participant_progress(ask.session, cohort)
        if ask.viewer.may_see_company(cohort.covenant_id, company.organisation.id)
    ]


def progress_answer(ask: Ask, cohort: Cohort) -> Reply:
    """The cohort's companies and aggregate completion, plus the companies' own progress the asker may see."""
    return render.progress(progress.summary(ask.session, cohort), visible_progress(ask, cohort), ask.lang)


def public_progress_answer(ask: Ask, cohort: Cohort) -> Reply:
    """The cohort's public progress only (for questions, which may be asked in a channel)."""
    return render.progress(progress.summary(ask.session, cohort), [], ask.lang)


# "how far is the 2026 accelerator cohort?", "hoe ver is het cohort 2026 van de accelerator?", "voortgang accelerator"
_PROGRESS_WORDS = {"cohort", "cohorten", "lichting", "voortgang", "progress", "far", "ver", "completion", "mijlpalen"}


def question_answer(ask: Ask, intent: str, covenant_id: int | None, words: list[str]) -> Reply | None:
    """A question about a programme's cohort, answered publicly (a question may be asked in a channel): "how
    far is..." gets the cohort's progress, "who takes part..." its companies. None: not about a cohort."""
    programme_ = ask.session.get(Covenant, covenant_id) if covenant_id is not None else None
    if programme_ is None or programme_.kind != CovenantKind.PROGRAMME or intent not in (COMPANIES, STATUS, UNKNOWN):
        return None
    found = cohorts.cohorts_of(ask.session, programme_.id)
    if not found:
        return None
    years = [int(w) for w in words if _YEAR.match(w)]
    cohort = next((c for c in found if c.year in years), None) or found[0]
    if intent == COMPANIES or set(words) & _PROGRESS_WORDS or years:
        return public_progress_answer(ask, cohort)
    return None


def status_blocks(session: Session, programme: Covenant, lang: str) -> list[Block]:
    """The programme-specific section of ``/covenant status`` (public: shareable in a channel)."""
    return render.status_blocks([progress.summary(session, c) for c in cohorts.cohorts_of(session, programme.id)], lang)


def home_blocks(session: Session, viewer: Viewer) -> list[Block]:
    """The Home section "your milestones": the asker's own company's milestones in its cohorts."""
    found = []
    for cohort, organisation_id in cohorts.person_cohorts(session, viewer):
        if not viewer.may_see_company(cohort.covenant_id, organisation_id):
            continue
        own = [p for p in progress.participant_progress(session, cohort) if p.organisation.id == organisation_id]
        found += [(cohort, p) for p in own]
    return render.home_blocks(found, viewer.language)


# -- subcommands ------------------------------------------------------------------------------------------------


def _dates(words: list[str], ask: Ask) -> tuple[list[str], list[str]]:
    """Split ``words`` into a start and an end date (each 1-3 words)."""
    if len(words) == 2:
        return [words[0]], [words[1]]
    for split in range(1, len(words)):
        left, right = " ".join(words[:split]), " ".join(words[split:])
        if looks_like_date(left) and looks_like_date(right):
            return words[:split], words[split:]
    raise UsageError("cohort.missing_dates")


def _new(ask: Ask, args: list[str]) -> Reply:
    named = _named(ask, args)
    cohorts.require_coordinator(ask.viewer, named.programme)
    rest = named.rest
    channel = groups.channel_id(rest[-1]) if rest else None
    if channel is not None:
        rest = rest[:-1]
    start_words, end_words = _dates(rest, ask)
    starts_on, ends_on = parse_date(" ".join(start_words), ask.today), parse_date(" ".join(end_words), ask.today)
    cohort = cohorts.create(ask.session, named.programme, named.year, starts_on, ends_on, ask.viewer, ask.now)
    if channel is not None and cohort.group is not None:
        # Where the sessions' notices and reminders go, as for any working group.
        groups.set_channel(ask.session, cohort.group, channel, ask.viewer, ask.now)
    ask.session.commit()
    return render.created(cohort, ask.lang)


def _join(ask: Ask, args: list[str]) -> Reply:
    cohort, rest = _cohort(ask, args)
    cohorts.require_coordinator(ask.viewer, cohort.covenant)
    if not rest:
        raise UsageError("organisation.missing_name")
    organisation = organisations.resolve(ask.session, " ".join(rest).strip("\"'“”"))
    _participant, added = cohorts.join(ask.session, cohort, organisation, ask.viewer, ask.today, ask.now)
    has_contacts = bool(cohorts.contacts(ask.session, cohort, organisation.id))
    ask.session.commit()
    return render.joined(cohort, organisation, added, has_contacts, ask.lang)


def _session(ask: Ask, args: list[str]) -> Outcome:
    cohort, rest = _cohort(ask, args)
    cohorts.require_coordinator(ask.viewer, cohort.covenant)
    force = any(word.lower() in meeting_schedule.FORCE_WORDS for word in rest)
    words = [word for word in rest if word.lower() not in meeting_schedule.FORCE_WORDS]
    when = parse_when(words, ask.today)
    if when is None:
        raise impossible_when(words) or UsageError("cohort.session_usage")
    cohorts.sync_members(ask.session, cohort)
    request = MeetingRequest(
        group=cohort.group,
        day=when.day,
        start=when.start,
        end=when.end,
        duration=when.duration,
        title=" ".join(words[when.used :]) or None,
        allow_holiday=force,
    )
    try:
        scheduled = meetings.schedule(ask.session, request, ask.viewer, ask.now)
    except meetings.HolidayWarning as warning:
        ask.session.rollback()
        raise UsageError("cohort.holiday", holiday=warning.values["holiday"]) from warning
    ask.session.commit()
    notices = [scheduled.notice_id] if scheduled.notice_id is not None else []
    return Outcome(reply=meeting_schedule.confirmation(scheduled, ask.lang), deliveries=notices)


def _material(ask: Ask, args: list[str]) -> Reply:
    cohort, rest = _cohort(ask, args)
    cohorts.require_coordinator(ask.viewer, cohort.covenant)
    if len(rest) < 2 or ":" not in rest[-1]:
        raise UsageError("cohort.missing_url")
    url = rest[-1].strip("<>").split("|")[0]
    material = cohorts.add_material(ask.session, cohort, " ".join(rest[:-1]), url, ask.viewer, ask.now)
    ask.session.commit()
    return render.material_added(material, cohort, ask.lang)


def _milestone(ask: Ask, args: list[str]) -> Reply:
    cohort, rest = _cohort(ask, args)
    cohorts.require_coordinator(ask.viewer, cohort.covenant)
    due = None
    by = next((i for i in range(len(rest) - 1, -1, -1) if rest[i].lower() in BY_WORDS), None)
    if by is not None and by + 1 < len(rest):
        due = parse_date(" ".join(rest[by + 1 :]), ask.today, future=True)
        rest = rest[:by]
    milestone = cohorts.add_milestone(ask.session, cohort, " ".join(rest), due, ask.viewer, ask.now)
    reminded = len(cohort.participants) if due is not None else 0
    ask.session.commit()
    return render.milestone_added(milestone, cohort, reminded, ask.lang)


def _checkin(ask: Ask, args: list[str]) -> Reply:
    cohort, rest = _cohort(ask, args)
    position = next(
        (i for i in range(1, len(rest) - 1) if rest[i].isdigit() and rest[i + 1].lower() in DONE_WORDS | NOTE_WORDS),
        None,
    )
    if position is None:
        raise UsageError("cohort.checkin_usage")
    organisation = organisations.resolve(ask.session, " ".join(rest[:position]).strip("\"'“”"))
    if len(rest[position]) > 4:
        raise UsageError("cohort.unknown_milestone", number=rest[position], count=len(cohort.milestones))
    milestone = cohorts.milestone_at(cohort, int(rest[position]))
    done = rest[position + 1].lower() in DONE_WORDS
    note = " ".join(rest[position + 2 :]).strip() or None
    checkin, completed_now = cohorts.check_in(
        ask.session, cohort, organisation, milestone, done, note, ask.viewer, ask.today, ask.now
    )
    ask.session.commit()
    return render.checked_in(checkin, milestone, completed_now, ask.lang)


def _progress(ask: Ask, args: list[str]) -> Reply:
    cohort, _rest = _cohort(ask, args)
    return progress_answer(ask, cohort)


Subcommand = Callable[[Ask, list[str]], Reply | Outcome]
SUBCOMMANDS: dict[str, Subcommand] = {
    **dict.fromkeys(("new", "nieuw"), _new),
    **dict.fromkeys(("join", "deelnemer", "participant", "aanmelden"), _join),
    **dict.fromkeys(("session", "sessie"), _session),
    **dict.fromkeys(("material", "materiaal", "link"), _material),
    **dict.fromkeys(("milestone", "mijlpaal"), _milestone),
    **dict.fromkeys(("checkin", "check-in", "incheck"), _checkin),
    **dict.fromkeys(("progress", "voortgang", "status", "stand"), _progress),
}
# Typed without arguments: the usage to show (a key under ``usage.`` in the catalogs).
_USAGES: dict[Subcommand, str] = {
    _new: "cohort_new",
    _join: "cohort_join",
    _session: "cohort_session",
    _material: "cohort_material",
    _milestone: "cohort_milestone",
    _checkin: "cohort_checkin",
    _progress: "cohort_progress",
}


def run(ask: Ask, text: str) -> Outcome:
    """Answer ``/cohort <text>`` for ``ask.viewer``."""
    command = split_command(text)
    if command.sub in HELP_WORDS:
        return Outcome.of(render.help_reply(ask.lang))
    handler = SUBCOMMANDS.get(command.sub)
    if handler is None:
        raise UsageError("cohort.unknown_subcommand", sub=command.sub)
    if not command.args:
        raise UsageError(f"usage.{_USAGES[handler]}", command=f"/cohort {command.sub}")
    answer = handler(ask, list(command.args))
    return answer if isinstance(answer, Outcome) else Outcome.of(answer)
