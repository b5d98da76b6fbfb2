"""Hypothesis fills the bot's modals: every input field of the meeting form, the minutes form, the change
request and the sitting picker gets at least 10,000 texts (typed, or forged into fields Slack would have
constrained: dates, times, selects, users). Never a 500, a traceback or the apology for a bug: either the
submission is refused with an error on a field, in the user's language, and nothing is written, or it is
saved whole."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_bolt import App
from sqlalchemy import Engine, func, select

from bot.bolt_request import bolt_request
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import MinutesStatus
from bot.db.models import Base, Minutes
from bot.render import minutes_views
from bot.render.meeting_modal import CALLBACK_ID
from bot.slack_standin import StandinSlack
from bot.slack_standin import requests as slack_requests
from tests.support.demo import SIGNING_SECRET, person
from tests.support.fuzzing import APOLOGIES, EXAMPLES, OWN_TABLES, WORDS, texts
from tests.support.fuzzing import app as app  # the same inline app fixture as the command fuzzing
from tests.support.minutes import CALL_ENDED

# 10,000 submissions of a form take minutes: more than the suite's per-test timeout (a guard against hangs).
pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(1200), pytest.mark.floods_slack]

TEAM = "TCOVENANT"
METALS_CHANNEL = "CDEMOWG002"
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Every field at once: a shorter text in each (the example stays within hypothesis's size limits); the very
# long and odd texts of ``texts`` go into one field at a time.
field_texts = st.one_of(
    st.text(max_size=120),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=6).map(" ".join),
)
# What saving a meeting may write (besides the tables every request may touch: tests.e2e.test_fuzz_commands).
MEETING_TABLES = {"meeting", "meeting_exception", "reminder_delivery"}
# Valid answers for the meeting form, so that one fuzzed field at a time can also be accepted.
MEETING_VALID = {"title": "Fuzz", "date": "2026-12-15", "start": "10:00", "end": "11:00"}


def _dispatch(app: App, body: str) -> tuple[int, str]:
    headers: dict[str, Any] = {"content-type": slack_requests.FORM, **slack_requests.sign(SIGNING_SECRET, body)}
    response = app.dispatch(bolt_request(body, headers))
    return response.status, str(response.body or "")


def _open(app: App, standin: StandinSlack, command: str, text: str, user: str) -> dict[str, Any]:
    """The modal ``command text`` opens (as views.open got it)."""
    body = slack_requests.slash_command(
        command,
        text,
        user_id=user,
        response_url=standin.response_url(),
        channel_id=METALS_CHANNEL,
        trigger_id=standin.trigger_id(),
    )
    assert _dispatch(app, body)[0] == 200
    [opened] = standin.calls_to("views.open")
    standin.reset()
    return {**opened.args["view"], "id": "VFUZZ", "hash": "h"}


def _inputs(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in view["blocks"] if block.get("type") == "input"]


def _forged(element: dict[str, Any], text: str) -> dict[str, Any]:
    """The state Slack would send for ``element`` holding ``text`` (forged where Slack constrains it)."""
    kind = element.get("type")
    state: dict[str, Any] = {"type": kind}
    if kind == "static_select":
        state["selected_option"] = {"text": {"type": "plain_text", "text": text[:75] or "x"}, "value": text}
    elif kind == "checkboxes":
        state["selected_options"] = [{"text": {"type": "plain_text", "text": "x"}, "value": text}]
    elif kind == "datepicker":
        state["selected_date"] = text
    elif kind == "timepicker":
        state["selected_time"] = text
    elif kind == "users_select":
        state["selected_user"] = text
    else:
        state["value"] = text
    return state


def _submit(app: App, view: dict[str, Any], user: str, values: dict[str, Any]) -> dict[str, Any]:
    payload = {
        "type": "view_submission",
        "user": {"id": user, "username": "fuzz", "team_id": TEAM},
        "api_app_id": "ACOVENANT",
        "team": {"id": TEAM, "domain": "covenant"},
        "view": {**view, "state": {"values": values}},
        "response_urls": [],
    }
    status, body = _dispatch(app, slack_requests.interaction(payload))
    assert status == 200, (status, body[:300])
    return json.loads(body) if body else {}


def _assert_clear(answer: dict[str, Any], fields: set[str]) -> None:
    """An acknowledgement is empty (accepted) or puts a readable message on fields of the form."""
    if not answer:
        return
    assert answer.get("response_action") == "errors", answer
    errors = answer["errors"]
    assert errors and set(errors) <= fields, errors
    for message in errors.values():
        assert isinstance(message, str) and message.strip(), errors
        assert "Traceback" not in message and message not in APOLOGIES, errors


_TABLES = [table for table in Base.metadata.sorted_tables if table.name not in OWN_TABLES]
_COUNT_ALL = select(*(select(func.count()).select_from(table).scalar_subquery() for table in _TABLES))


def _counts(engine: Engine, allowed: set[str]) -> dict[str, int]:
    """Rows per table (but the ones any request may touch), in one query: it runs twice per example."""
    with engine.connect() as connection:
        row = connection.execute(_COUNT_ALL).one()
    return {table.name: int(n) for table, n in zip(_TABLES, row, strict=True) if table.name not in allowed}


def _changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {table for table in before if before[table] != after[table]}


def _assert_no_bug_reply(standin: StandinSlack) -> None:
    for call in standin.calls:
        shown = json.dumps(call.args, ensure_ascii=False)
        assert "Traceback" not in shown and not any(a in shown for a in APOLOGIES), shown[:300]


def _every_field_fuzzed(
    app: App, standin: StandinSlack, engine: Engine, view: dict[str, Any], user: str, allowed: set[str]
) -> None:
    """Each example types (or forges) a new text into every field of ``view`` at once. Refused: nothing
    written; accepted: only the ``allowed`` tables changed."""
    blocks = _inputs(view)
    fields = {block["block_id"] for block in blocks}

    strategy = texts if len(blocks) == 1 else field_texts

    @FUZZ
    @given(values=st.fixed_dictionaries({block["block_id"]: strategy for block in blocks}))
    def check(values: dict[str, str]) -> None:
        before = _counts(engine, set())
        state = {
            b["block_id"]: {b["element"]["action_id"]: _forged(b["element"], values[b["block_id"]])} for b in blocks
        }
        answer = _submit(app, view, user, state)
        _assert_clear(answer, fields)
        changed = _changed(before, _counts(engine, set()))
        assert changed <= (set() if answer else allowed), (changed, answer)
        _assert_no_bug_reply(standin)
        standin.reset()

    check()


def test_every_field_of_the_meeting_form(app: App, standin: StandinSlack, engine: Engine) -> None:
    user = person("emma").slack_user_id
    view = _open(app, standin, "/meeting", "schedule", user)
    assert view["callback_id"] == CALLBACK_ID and len(_inputs(view)) == 13
    _every_field_fuzzed(app, standin, engine, view, user, MEETING_TABLES)


def _one_field_at_a_time(
    app: App,
    standin: StandinSlack,
    engine: Engine,
    view: dict[str, Any],
    user: str,
    valid: dict[str, Any],
    allowed: set[str],
) -> None:
    """The other fields ``valid``: any text (very long ones too) is refused on its own field with nothing
    written, or the submission is saved whole (only ``allowed`` tables change)."""
    blocks = {block["block_id"]: block for block in _inputs(view)}

    @settings(FUZZ, max_examples=max(EXAMPLES // 5, 10))
    @given(field=st.sampled_from(sorted(blocks)), text=texts)
    def check(field: str, text: str) -> None:
        before = _counts(engine, set())
        state = copy.deepcopy(valid)
        element = blocks[field]["element"]
        state[field] = {element["action_id"]: _forged(element, text)}
        answer = _submit(app, view, user, state)
        _assert_clear(answer, set(blocks))
        changed = _changed(before, _counts(engine, set()))
        assert changed <= (set() if answer else allowed), (field, text, changed, answer)
        _assert_no_bug_reply(standin)
        standin.reset()

    check()


def test_one_field_of_the_meeting_form_at_a_time(app: App, standin: StandinSlack, engine: Engine) -> None:
    user = person("emma").slack_user_id
    view = _open(app, standin, "/meeting", "schedule", user)
    valid = slack_requests.view_state(view, MEETING_VALID)
    assert _submit(app, view, user, valid) == {}  # the valid answers are accepted
    _one_field_at_a_time(app, standin, engine, view, user, valid, MEETING_TABLES)


def test_every_field_of_the_minutes_form(app: App, standin: StandinSlack, engine: Engine, clock: ManualClock) -> None:
    clock.set(CALL_ENDED)  # after the demo's weekly metals call, which Tom takes the minutes of
    user = person("tom").slack_user_id
    view = _open(app, standin, "/minutes", "add metals", user)
    assert view["callback_id"] == minutes_views.VIEW_EDIT
    # Saving the form writes the draft (summary, decisions, action items and their deadlines) whole.
    allowed = {"minutes", "decision", "action_item", "deadline", "reminder_delivery"}
    _every_field_fuzzed(app, standin, engine, view, user, allowed)
    _one_field_at_a_time(app, standin, engine, view, user, slack_requests.view_state(view, {}), allowed)


def test_every_field_of_the_change_request_and_the_sitting_picker(
    app: App, standin: StandinSlack, engine: Engine, session_factory: SessionFactory, clock: ManualClock
) -> None:
    clock.set(CALL_ENDED)
    user = person("tom").slack_user_id
    _open(app, standin, "/minutes", "add metals", user)  # the draft of the metals call's minutes
    with session_factory() as session:
        minutes = session.scalars(select(Minutes).order_by(Minutes.status != MinutesStatus.CIRCULATED)).first()
        assert minutes is not None
        changes = minutes_views.changes_view(minutes, minutes.occurrence_start, "en")
    changes = {**changes, "id": "VCHANGES", "hash": "h"}
    _every_field_fuzzed(app, standin, engine, changes, user, {"reminder_delivery"})
    now = datetime(2026, 11, 20, 9, tzinfo=UTC)
    picker = minutes_views.picker_view(
        [(minutes_views.sitting_option(minutes.meeting_id, now), "Sitting", "")],
        {"text": "a message", "ts": "1.1", "channel": METALS_CHANNEL},
        "en",
    )
    picker = {**picker, "id": "VPICK", "hash": "h"}
    _every_field_fuzzed(app, standin, engine, picker, user, {"minutes", "minutes_contribution"})
