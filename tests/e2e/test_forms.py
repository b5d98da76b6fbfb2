"""A form is checked in its ack and saved after it: a refused form is never saved, and a refusal found only when
saving (the data changed after the check) reaches the person in their DM, since their form has closed."""

from __future__ import annotations

import json

from slack_bolt import App, BoltRequest

from bot.app import InlineExecutor, build_deps, make_web_client
from bot.db.engine import SessionFactory
from bot.entry.console import payloads
from bot.i18n import t
from bot.interaction import Ask, Outcome
from bot.services.errors import UsageError
from bot.slack_standin import StandinSlack
from bot.slack_standin import requests as slack_requests
from config.settings import Settings
from handlers import middleware
from handlers.views.forms import Submission, register_form
from tests.support.demo import person

FORM = {
    "id": "VPROBE01",
    "type": "modal",
    "callback_id": "probe_form",
    "private_metadata": json.dumps({"minutes": 1}),
    "blocks": [{"type": "input", "block_id": "summary", "element": {"type": "plain_text_input", "action_id": "v"}}],
}


def _probe_app(settings: Settings, session_factory: SessionFactory, refuse_check: bool, saved: list[str]) -> App:
    """A Bolt app built as the app factory builds it, with one form whose check and save the test decides."""
    app = App(
        client=make_web_client(settings),
        signing_secret="unused",
        request_verification_enabled=False,
        token_verification_enabled=False,
        process_before_response=True,
        listener_executor=InlineExecutor(),
    )
    middleware.register(app, build_deps(settings, session_factory=session_factory))

    def check(ask: Ask, submission: Submission) -> dict[str, str]:
        return {"summary": "not like this"} if refuse_check else {}

    def save(ask: Ask, submission: Submission) -> Outcome:
        saved.append(str(submission.metadata))
        raise UsageError("common.not_found")  # what the save finds: someone changed the minutes meanwhile

    register_form(app, "probe_form", "summary", check, save)
    return app


def _submit(app: App, user: str, standin: StandinSlack) -> dict[str, object]:
    trigger_id = standin.trigger_id()
    payload = payloads.view_submission(user, "TCOVENANT", FORM, {"summary": "Agreed: a new plan"}, trigger_id)
    response = app.dispatch(BoltRequest(body=slack_requests.interaction(payload), mode="http"))
    assert response.status == 200
    return json.loads(response.body) if response.body else {}


def test_a_refused_form_stays_open_and_is_never_saved(
    settings: Settings, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    saved: list[str] = []
    answer = _submit(_probe_app(settings, session_factory, True, saved), person("emma").slack_user_id, standin)
    assert answer == {"response_action": "errors", "errors": {"summary": "not like this"}}
    assert saved == []
    assert standin.calls_to("chat.postMessage") == []


def test_a_refusal_found_when_saving_is_told_in_the_dm(
    settings: Settings, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    saved: list[str] = []
    emma = person("emma").slack_user_id
    assert _submit(_probe_app(settings, session_factory, False, saved), emma, standin) == {}
    assert len(saved) == 1
    [dm] = standin.calls_to("chat.postMessage")
    assert dm.args["channel"] == emma
    texts = {t("nl", "common.not_found"), t("en", "common.not_found")}
    assert any(text in json.dumps(dm.args, ensure_ascii=False) for text in texts)
