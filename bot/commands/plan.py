"""``/plan``: action-plan deadlines, submissions, assessments and overdue lists.

Company-specific answers only for the covenant's secretariat and the company's own contacts;
everyone else gets the covenant's aggregate figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.enums import AssessmentOutcome, DeadlineStatus, RoleKind
from bot.db.models import ActionPlan, Covenant, Deadline, Organisation, Participation
from bot.interaction import Ask, Outcome
from bot.parsing.dates import looks_like_date, parse_date
from bot.parsing.text import split_command
from bot.render import plans as render
from bot.render.blocks import Reply
from bot.services.administration import audit
from bot.services.covenants import covenants, organisations
from bot.services.errors import UsageError
from bot.services.meetings import groups
from bot.services.people.access import Viewer
from bot.services.plans import plans

OUTCOME_WORDS = {
    "meets": AssessmentOutcome.MEETS,
    "voldoet": AssessmentOutcome.MEETS,
    "on_track": AssessmentOutcome.ON_TRACK,
    "on-track": AssessmentOutcome.ON_TRACK,
    "ontrack": AssessmentOutcome.ON_TRACK,
    "op_koers": AssessmentOutcome.ON_TRACK,
    "op-koers": AssessmentOutcome.ON_TRACK,
    "lagging": AssessmentOutcome.LAGGING,
    "achter": AssessmentOutcome.LAGGING,
    "achterstand": AssessmentOutcome.LAGGING,
}


def run(ask: Ask, text: str) -> Outcome:
    """Answer ``/plan <text>`` for ``ask.viewer`` (``channel`` acts on the conversation asked from)."""
    command = split_command(text)
    if command.sub in ("", "help", "hulp"):
        return Outcome.of(render.help_reply(ask.lang))
    handler = SUBCOMMANDS.get(command.sub)
    if handler is None:
        raise UsageError("plan.unknown_subcommand", sub=command.sub)
    if not command.args:
        # Alone, status and submitted mean the asker's own company: only a company contact has one.
        own = _ALONE_FOR_CONTACTS.get(handler) if not ask.viewer.covenants_with(RoleKind.COMPANY_CONTACT) else None
        usage = _NEEDS_ARGUMENTS.get(handler) or own
        if usage:
            raise UsageError(f"usage.{usage}", command=f"/plan {command.sub}")
    return Outcome.of(handler(ask, command.args))


# -- argument splitting ----------------------------------------------------------------------------------


_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")


def _take_date(words: list[str], today: date) -> tuple[list[str], date | None]:
    """Split a trailing date (1-3 words: ``2027-03-01``, ``1 maart 2027``) off ``words``.

    A last word shaped like a date that is not one (``31-02-2027``) is an error, not part of a name.
    """
    if words and _DATE_LIKE.match(words[-1]):
        return words[:-1], parse_date(words[-1], today)
    for size in (3, 2, 1):
        if len(words) > size - 1 and len(words) >= size:
            tail = " ".join(words[-size:])
            if looks_like_date(tail):
                return words[:-size], parse_date(tail, today)
    return words, None


def _take_covenant(session: Session, words: list[str]) -> tuple[list[str], Covenant | None]:
    """Split a trailing covenant name (exact slug, alias or name, 1-4 words) off ``words``."""
    for size in (4, 3, 2, 1):
        if len(words) > size:
            covenant = covenants.match_exact(session, " ".join(words[-size:]))
            if covenant is not None:
                return words[:-size], covenant
    return words, None


def _company(session: Session, words: list[str]) -> Organisation:
    if not words:
        raise UsageError("organisation.missing_name")
    return organisations.resolve(session, " ".join(words))


def _covenant_of(ask: Ask, company: Organisation, covenant: Covenant | None) -> Covenant:
    """The covenant meant: the one named, else the company's only (or only one the viewer runs)."""
    if covenant is not None:
        return covenant
    session = ask.session
    ids = list(session.scalars(select(Participation.covenant_id).where(Participation.organisation_id == company.id)))
    run_by_viewer = [i for i in ids if ask.viewer.is_secretariat(i)]
    candidates = run_by_viewer or ids
    if len(set(candidates)) == 1:
        found = session.get(Covenant, candidates[0])
        assert found is not None
        return found
    if not candidates:
        raise UsageError("plan.not_participating")
    raise UsageError("plan.which_covenant", company=company.name)


def _require_secretariat(ask: Ask, covenant: Covenant) -> None:
    if not ask.viewer.is_secretariat(covenant.id):
        raise UsageError("plan.secretariat_only", covenant=covenant.name(ask.viewer.language))


# -- subcommands --------------------------------------------------------------------------------------------


def _due(ask: Ask, args: list[str]) -> Reply:
    session = ask.session
    words, due = _take_date(args, ask.today)
    words, covenant = _take_covenant(session, words)
    company = _company(session, words)
    covenant = _covenant_of(ask, company, covenant)
    _require_secretariat(ask, covenant)
    if due is None:
        due = plans.default_due(session, company.id, covenant.id)
    plan = plans.set_due(session, company.id, covenant.id, due, ask.now, ask.viewer.slack_user_id)
    session.commit()
    return render.due_set(plan, ask.viewer.language)


def _submitted(ask: Ask, args: list[str]) -> Reply:
    session = ask.session
    words, on = _take_date(args, ask.today)
    words, covenant = _take_covenant(session, words)
    if words:
        company = _company(session, words)
    elif ask.viewer.organisation_id is not None:
        company = _own_company(ask)
    else:
        raise UsageError("organisation.missing_name")
    covenant = _covenant_of(ask, company, covenant)
    secretariat = ask.viewer.is_secretariat(covenant.id)
    if not secretariat and not ask.viewer.may_see_company(covenant.id, company.id):
        raise UsageError("plan.secretariat_only", covenant=covenant.name(ask.viewer.language))
    plan = plans.current_plan(session, company.id, covenant.id, unsubmitted_first=True)
    changed = plans.mark_submitted(session, plan, on or ask.today, ask.now, ask.viewer.slack_user_id, secretariat)
    session.commit()
    by = None if changed else plans.submitted_by(session, plan)
    return render.submitted(plan, changed, secretariat, ask.viewer.language, by)


def _assessed(ask: Ask, args: list[str]) -> Reply:
    session = ask.session
    position = next((i for i, word in enumerate(args) if word.lower() in OUTCOME_WORDS), None)
    if position is None:
        raise UsageError("plan.outcome_missing")
    words, covenant = _take_covenant(session, args[:position])
    company = _company(session, words)
    covenant = _covenant_of(ask, company, covenant)
    _require_secretariat(ask, covenant)
    plan = plans.current_plan(session, company.id, covenant.id)
    notes = " ".join(args[position + 1 :]).strip() or None
    plans.assess(
        session, plan, OUTCOME_WORDS[args[position].lower()], notes, ask.today, ask.now, ask.viewer.slack_user_id
    )
    session.commit()
    return render.assessed(plan, ask.viewer.language)


def _overdue(ask: Ask, args: list[str]) -> Reply:
    session = ask.session
    covenant = covenants.resolve(session, " ".join(args)) if args else None
    scope = [covenant] if covenant else _viewer_covenants(session, ask.viewer)
    mine = [c for c in scope if ask.viewer.is_secretariat(c.id)]
    others = [c for c in scope if not ask.viewer.is_secretariat(c.id)]
    ids = [c.id for c in mine]
    overdue = plans.overdue_plans(session, ask.today, ids, limit=render.MAX_LISTED) if mine else []
    total = plans.count_overdue(session, ask.today, ids) if len(overdue) == render.MAX_LISTED else len(overdue)
    summaries = [plans.cycle_summary(session, c.id, ask.today) for c in others]
    return render.overdue(overdue, total, mine, summaries, others, ask.today, ask.viewer.language)


def _status(ask: Ask, args: list[str]) -> Reply:
    session = ask.session
    lang = ask.viewer.language
    words, covenant = _take_covenant(session, args)
    company = _company(session, words) if words else _own_company(ask)
    visible = _visible_plans(ask, company, covenant)
    if visible is not None:
        # Everything shown here is the company's own data: the assessment notes too (as /covenant company).
        notes_for = {p.covenant_id for p in visible}
        deadlines_ = [
            d
            for d in plans.company_deadlines(session, company.id, covenant.id if covenant else None)
            if ask.viewer.may_see_company(d.covenant_id, company.id)
        ]
        return render.company_status(company, visible, deadlines_, notes_for, ask.today, lang)
    # Not theirs to see: the covenants' aggregate figures only.
    scope = [covenant] if covenant else _company_covenants(session, company)
    summaries = [plans.cycle_summary(session, c.id, ask.today) for c in scope]
    return render.aggregate_only(company, scope, summaries, lang)


def _channel(ask: Ask, args: list[str]) -> Reply:
    session = ask.session
    covenant = covenants.resolve(session, " ".join(args))
    _require_secretariat(ask, covenant)
    channel = ask.channel or ""
    if not channel.startswith(("C", "G")):
        raise UsageError("plan.channel_needs_channel")
    if groups.by_channel(session, channel) is not None:
        # A working group's channel is read by its members (and anyone invited): not private to the secretariat.
        raise UsageError("plan.channel_is_a_group")
    previous = covenant.secretariat_channel
    covenant.secretariat_channel = channel
    # Escalations planned for the old channel are no longer sent there (it is not the secretariat's any more):
    # the covenant's open deadlines are planned again, so they go to the new channel.
    session.execute(
        update(Deadline)
        .where(Deadline.covenant_id == covenant.id, Deadline.status == DeadlineStatus.OPEN)
        .values(planned_at=None)
    )
    audit.record(
        session,
        at=ask.now,
        actor=ask.viewer.slack_user_id,
        action="covenant.secretariat_channel",
        entity="covenant",
        entity_id=covenant.id,
        detail={"from": previous, "to": channel},
    )
    session.commit()
    return render.channel_set(covenant, channel, ask.viewer.language)


# -- the subcommands' words ------------------------------------------------------------------------------------

Subcommand = Callable[[Ask, list[str]], Reply]
SUBCOMMANDS: dict[str, Subcommand] = {
    "due": _due,
    "deadline": _due,
    "submitted": _submitted,
    "ingediend": _submitted,
    "assessed": _assessed,
    "beoordeeld": _assessed,
    "overdue": _overdue,
    "achterstallig": _overdue,
    "status": _status,
    "channel": _channel,
    "kanaal": _channel,
}
# Typed without arguments: the usage to show (a key under ``usage.`` in the catalogs).
_NEEDS_ARGUMENTS: dict[Subcommand, str] = {_due: "plan_due", _assessed: "plan_assessed", _channel: "plan_channel"}
_ALONE_FOR_CONTACTS: dict[Subcommand, str] = {_status: "plan_status", _submitted: "plan_submitted"}


# -- helpers --------------------------------------------------------------------------------------------------


def _own_company(ask: Ask) -> Organisation:
    if ask.viewer.organisation_id is None:
        raise UsageError("plan.no_company")
    company = ask.session.get(Organisation, ask.viewer.organisation_id)
    assert company is not None
    return company


def _visible_plans(ask: Ask, company: Organisation, covenant: Covenant | None) -> list[ActionPlan] | None:
    """The company's plans the viewer may see, or None when they may see none of them."""
    session = ask.session
    all_plans = plans.company_plans(session, company.id, covenant.id if covenant else None)
    covenant_ids = {p.covenant_id for p in all_plans} | {c.id for c in _company_covenants(session, company)}
    if not any(ask.viewer.may_see_company(cid, company.id) for cid in covenant_ids):
        return None
    return [p for p in all_plans if ask.viewer.may_see_company(p.covenant_id, company.id)]


def _company_covenants(session: Session, company: Organisation) -> list[Covenant]:
    ids = set(session.scalars(select(Participation.covenant_id).where(Participation.organisation_id == company.id)))
    return [c for c in covenants.all_covenants(session) if c.id in ids]


def _viewer_covenants(session: Session, viewer: Viewer) -> list[Covenant]:
    every = covenants.all_covenants(session)
    found = covenants.covenants_of(session, viewer.organisation_id, set(viewer.roles), every)
    return found or [c for c in every if c.phase.value in ("implementing", "signed")]
