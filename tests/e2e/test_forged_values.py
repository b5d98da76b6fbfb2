"""Forged values: every button, form and shortcut the app registers, sent with ids of confidential objects.

A button's value, a form's private_metadata and a selected option are chosen by whoever sends the request.
The listeners are read from the app itself, so a new button or form is forged here without anyone adding
it. Every forged value names Windkracht's confidential objects (its deadlines, its assessment meetings and
their minutes, its covenant's lists) and is sent as every role of the confidentiality matrix that may not
see them: not one marker may reach the presser, and not one row may change.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.app import create_app, make_web_client
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.models import Base, Covenant, Deadline, Meeting, Minutes, WorkingGroupMember
from bot.i18n import t
from bot.render import minutes_views
from bot.render.meeting_modal import ACTION as MEETING_FIELD
from bot.slack_standin import StandinSlack
from config.settings import Settings
from handlers.actions import ACTIONS
from tests.support.demo import person
from tests.support.factories import MARKERS, MEETING_MARKER, group, organisation, plant_confidential
from tests.support.harness import HttpAnswer, SlackHarness, reply_text

EXTERNAL_TEAM = "TOTHERORG1"
# Who may not see Windkracht's confidential data (the matrix of tests/e2e/test_confidentiality.py), plus the
# chair of the working group that holds Windkracht's assessment meetings, and a person of another workspace.
ROLES = {
    "secretariat of another covenant": person("tom").slack_user_id,
    "another company's contact": person("ingrid").slack_user_id,
    "NGO member, chair of the assessment meeting's group": person("fatima").slack_user_id,
    "unknown Slack user": "UNKNOWN001",
    "person of another workspace": "UEXTERNAL01",
}
# Tables a request may touch whoever sends it: the users.info cache, the event de-duplication and the record of
# its work after the ack.
CACHES = {"slack_profile", "processed_event", "acked_work"}


@dataclass(frozen=True)
class Registered:
    """What the app listens to, read from its listeners."""

    actions: list[str | re.Pattern[str]]
    views: list[str]
    shortcuts: list[str]


def registered(app: App) -> Registered:
    """Every action_id, view callback_id and shortcut callback_id the app's listeners match."""
    found = Registered([], [], [])
    for listener in app._listeners:
        for matcher in listener.matchers:
            func = getattr(matcher, "func", None)
            if func is None or not func.__closure__:
                continue
            cells = dict(zip(func.__code__.co_freevars, (c.cell_contents for c in func.__closure__), strict=True))
            kind = func.__qualname__.split(".")[0]
            if kind == "action":
                found.actions.append(cells["constraints"])
            elif kind == "view_submission":
                found.views.append(_callback(cells["callback_id"]))
            elif kind in ("message_shortcut", "global_shortcut", "shortcut"):
                found.shortcuts.append(_callback(cells["callback_id"]))
    return found


def _callback(constraint: str | re.Pattern[str]) -> str:
    """A callback_id the listener answers; for a last-resort pattern, one that nothing else answers."""
    if isinstance(constraint, str):
        return constraint
    assert constraint.match(_NOBODY_DRAWS_THIS), f"which callback_id does {constraint.pattern} answer?"
    return _NOBODY_DRAWS_THIS


def action_ids(constraints: list[str | re.Pattern[str]]) -> list[str]:
    """One concrete action_id per string constraint, and every known id a pattern matches."""
    ids: list[str] = []
    for constraint in constraints:
        if isinstance(constraint, str):
            ids.append(constraint)
            continue
        if constraint.match(_NOBODY_DRAWS_THIS):
            ids.append(_NOBODY_DRAWS_THIS)  # a last-resort listener for buttons the app no longer draws
            continue
        matching = [a for a in ACTIONS if constraint.match(a)]
        assert matching, f"no known action_id matches {constraint.pattern}: list it in handlers.actions.ACTIONS"
        ids.extend(matching)
    return list(dict.fromkeys(ids))


_NOBODY_DRAWS_THIS = "forged_action_nobody_draws"


@dataclass(frozen=True)
class Hidden:
    """Windkracht's confidential objects, by id."""

    deadlines: list[int]
    meetings: list[tuple[int, str, int]]  # id, occurrence start (ISO), start (epoch)
    minutes: list[int]
    covenant: int
    group_not_managed: int

    def button_values(self) -> list[str]:
        """A forged value in every shape the app's buttons use, naming a hidden object."""
        values = [f"{d}:3" for d in self.deadlines] + [f"{d}:1" for d in self.deadlines[:1]]
        values += [f"{m}|{start}" for m, start, _ in self.meetings]
        values += [str(n) for n in self.minutes]
        values += [f"{kind}|{self.covenant}|0" for kind in ("overdue", "deadlines", "minutes")]
        values.append("stuurgroep hernieuwbare energie overmorgen 14:00 60m")
        return values


@pytest.fixture
def hidden(session_factory: SessionFactory) -> Hidden:
    plant_confidential(session_factory)
    with session_factory() as session:
        windkracht = organisation(session, "Windkracht")
        # The NGO member chairs the working group that holds Windkracht's assessment meetings.
        living_wage = group(session, "Werkgroep Leefbaar Loon")
        fatima = session.scalar(
            select(WorkingGroupMember).where(
                WorkingGroupMember.group_id == living_wage.id,
                WorkingGroupMember.person.has(slack_user_id=person("fatima").slack_user_id),
            )
        )
        assert fatima is not None
        fatima.is_chair = True
        session.commit()
        meetings = list(session.scalars(select(Meeting).where(Meeting.organisation_id == windkracht.id)))
        return Hidden(
            deadlines=list(session.scalars(select(Deadline.id).where(Deadline.organisation_id == windkracht.id))),
            meetings=[(m.id, m.starts_at.isoformat(), int(m.starts_at.timestamp())) for m in meetings],
            minutes=list(session.scalars(select(Minutes.id).where(Minutes.meeting_id.in_([m.id for m in meetings])))),
            covenant=_covenant_id(session, "hernieuwbare-energie"),
            group_not_managed=group(session, "Stuurgroep Hernieuwbare Energie").id,
        )


def _covenant_id(session: Session, slug: str) -> int:
    found = session.scalar(select(Covenant.id).where(Covenant.slug == slug))
    assert found is not None
    return found


@pytest.fixture
def app(settings: Settings, session_factory: SessionFactory, clock: ManualClock) -> App:
    """The app as the ``slack`` fixture builds it, to read its listeners."""
    return create_app(settings, session_factory=session_factory, client=make_web_client(settings), clock=clock)


@pytest.fixture
def external(standin: StandinSlack) -> Iterator[None]:
    standin.add_user("UEXTERNAL01", "Extern Persoon", locale="en-GB", tz="Europe/London")
    yield


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the caches, in a stable order."""
    with engine.connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
            for table in Base.metadata.sorted_tables
            if table.name not in CACHES
        }


def _press(user: str, team: str, action_id: str, value: str, response_url: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": "ACOVENANT",
        "token": "unused-verification-token",
        "team": {"id": team, "domain": "covenant"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "CDEMOWG001", "is_ephemeral": False},
        "channel": {"id": "CDEMOWG001", "name": "werkgroep-leefbaar-loon"},
        "message": {"ts": "1.1", "text": "forged", "blocks": []},
        "trigger_id": "1.2.trigger",
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1.0"}],
    }


def _text_state(fields: dict[str, str], action: str) -> dict[str, Any]:
    return {"values": {b: {action: {"type": "plain_text_input", "value": v}} for b, v in fields.items()}}


def _view_submissions(callback_id: str, hidden: Hidden) -> list[dict[str, Any]]:
    """Forged submissions of one form: its metadata and its selects name hidden objects."""
    value = minutes_views.VALUE
    if callback_id == minutes_views.VIEW_EDIT:
        return [
            {"private_metadata": json.dumps({"minutes_id": n}), "state": _text_state({"summary": "forged"}, value)}
            for n in hidden.minutes
        ]
    if callback_id == minutes_views.VIEW_CHANGES:
        return [
            {"private_metadata": json.dumps({"minutes_id": n}), "state": _text_state({"comment": "forged"}, value)}
            for n in hidden.minutes
        ]
    if callback_id == minutes_views.VIEW_PICK:
        metadata = json.dumps({"channel": "CDEMOWG001", "ts": "1.1", "author": "UDEMONGO01", "text": "forged"})
        return [
            {
                "private_metadata": metadata,
                "state": {
                    "values": {
                        minutes_views.SITTING: {
                            value: {"type": "static_select", "selected_option": {"value": f"{m}:{epoch}"}}
                        }
                    }
                },
            }
            for m, _, epoch in hidden.meetings
        ]
    # Any other form (the meeting form): every select names the group nobody of ROLES manages.
    state = _text_state({"title": "forged", "agenda": "forged"}, MEETING_FIELD)
    state["values"]["group"] = {
        MEETING_FIELD: {"type": "static_select", "selected_option": {"value": str(hidden.group_not_managed)}}
    }
    state["values"]["date"] = {MEETING_FIELD: {"type": "datepicker", "selected_date": "2026-12-15"}}
    state["values"]["start"] = {MEETING_FIELD: {"type": "timepicker", "selected_time": "10:00"}}
    state["values"]["end"] = {MEETING_FIELD: {"type": "timepicker", "selected_time": "11:00"}}
    return [{"private_metadata": json.dumps({"channel": "CDEMOWG001"}), "state": state}]


def _submission(user: str, team: str, callback_id: str, view: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": "ACOVENANT",
        "token": "unused-verification-token",
        "team": {"id": team, "domain": "covenant"},
        "trigger_id": "1.2.trigger",
        "view": {"id": "VFORGED", "type": "modal", "callback_id": callback_id, "hash": "h", "blocks": [], **view},
    }


def _shortcut(user: str, team: str, callback_id: str, response_url: str) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": "ACOVENANT",
        "token": "unused-verification-token",
        "team": {"id": team, "domain": "covenant"},
        "channel": {"id": "CDEMOWG001", "name": "werkgroep-leefbaar-loon"},
        "message": {"type": "message", "user": user, "ts": "1700000000.000100", "text": "forged"},
        "message_ts": "1700000000.000100",
        "trigger_id": "1.2.trigger",
        "response_url": response_url,
    }


def _refusals(standin: StandinSlack, text: str, wanted: int, limit: float = 30.0) -> int:
    """How many replies say ``text``, once at least ``wanted`` do (or ``limit`` seconds passed)."""
    deadline = time.monotonic() + limit
    while True:
        count = sum(1 for c in list(standin.calls) if c.path.startswith("/response") and c.args.get("text") == text)
        if count >= wanted or time.monotonic() > deadline:
            return count
        time.sleep(0.1)


def _quiet(standin: StandinSlack, settle: float = 1.0, limit: float = 30.0) -> None:
    """Wait until the app has sent nothing for ``settle`` seconds (its replies run after the ack)."""
    deadline = time.monotonic() + limit
    seen = -1
    while time.monotonic() < deadline:
        count = len(standin.calls)
        if count == seen:
            return
        seen = count
        time.sleep(settle)


def _leaks(slack: SlackHarness, answers: list[HttpAnswer]) -> set[str]:
    sent = "\n".join(
        reply_text(c) + json.dumps(c.args.get("view", ""), ensure_ascii=False) for c in slack.standin.calls
    )
    sent += "\n".join(a.body for a in answers)
    return {marker for marker in MARKERS if marker in sent}


def test_every_listener_is_forged(app: App) -> None:
    """The forging below reaches every action, form and shortcut the app registers."""
    found = registered(app)
    assert len(action_ids(found.actions)) >= 20
    assert set(found.views) - {_NOBODY_DRAWS_THIS} == {
        "meeting_schedule",
        minutes_views.VIEW_EDIT,
        minutes_views.VIEW_CHANGES,
        minutes_views.VIEW_PICK,
    }
    assert set(found.shortcuts) - {_NOBODY_DRAWS_THIS} == {"add_to_minutes"}


@pytest.mark.parametrize("role", list(ROLES), ids=list(ROLES))
def test_forged_ids_reach_nothing_for_a_role_that_may_not_see_them(
    slack: SlackHarness, app: App, engine: Engine, hidden: Hidden, external: None, role: str
) -> None:
    user = ROLES[role]
    team = EXTERNAL_TEAM if user == "UEXTERNAL01" else slack.standin.team_id
    # Forged payloads name messages never posted and trigger ids Slack never issued: Slack refuses those calls
    # (the permalink is optional; a modal that cannot open is answered with an apology).
    slack.standin.expected_refusals = {"message_not_found", "invalid_trigger_id"}
    found = registered(app)
    before = snapshot(engine)
    answers: list[HttpAnswer] = []
    sent = 0
    for action_id in action_ids(found.actions):
        for value in hidden.button_values():
            answer = slack.interaction(_press(user, team, action_id, value, slack.standin.response_url()))
            answers.append(answer)
            sent += 1
    for callback_id in found.views:
        for view in _view_submissions(callback_id, hidden):
            answers.append(slack.interaction(_submission(user, team, callback_id, view)))
            sent += 1
    for callback_id in found.shortcuts:
        answers.append(slack.interaction(_shortcut(user, team, callback_id, slack.standin.response_url())))
        sent += 1
    # The presser is told, in their own language, that there is nothing for them (replies run after the ack:
    # wait for them, then for anything else the app may still send).
    language = "en" if user in ("UDEMOSEC02", "UNKNOWN001", "UEXTERNAL01") else "nl"
    refusals = _refusals(slack.standin, t(language, "common.not_found"), len(hidden.button_values()))
    _quiet(slack.standin)
    assert sent >= 250
    assert [a for a in answers if a.status != 200] == []
    assert _leaks(slack, answers) == set()
    assert refusals >= len(hidden.button_values())
    after = snapshot(engine)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == set(), {name: [r for r in after[name] if r not in before[name]] for name in changed}


def test_the_same_forged_values_do_reach_the_secretariat(slack: SlackHarness, hidden: Hidden) -> None:
    """A control: the forged values are well formed, so the refusals above are the loaders' doing."""
    secretariat = person("sanne").slack_user_id
    meeting_id, start, _ = next(m for m in hidden.meetings if m[1] > "2026-11-23T09")
    url = slack.standin.response_url()
    assert slack.interaction(_press(secretariat, "TCOVENANT", "meeting_rsvp_who", f"{meeting_id}|{start}", url)).status
    assert MEETING_MARKER in reply_text(slack.wait_response(url))


# Direct loads of a confidential object by id; bot.services.people.authorised is where they belong.
_DIRECT_LOAD = re.compile(r"session\.get\((Deadline|Meeting|Minutes|ActionPlan)\b|deadlines\.get\(|\bservice\.load\(")


def test_button_and_form_code_loads_confidential_objects_only_through_the_loaders() -> None:
    """A new button cannot forget the check: its code cannot load a deadline, meeting or minutes itself."""
    root = Path(__file__).resolve().parents[2]
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for folder in ("handlers", "bot/commands")
        for path in sorted((root / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if _DIRECT_LOAD.search(line)
    ]
    # A reply in a minutes thread names its minutes by the thread it is in, not by a value the sender chose.
    assert found == ["bot/commands/minutes_actions.py:263: service.load(session, minutes_id),"]
