"""The links in emails, followed over real HTTP: GET asks and changes nothing, POST does exactly what the Slack
button does (same command, same audit row), once; expired, used, forged and tampered links change nothing."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import delete, func, select

from bot.app import create_app, make_web_client
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import RoleKind, RsvpAnswer
from bot.db.models import ActionPlan, AuditEntry, Deadline, Organisation, Person, Role, Rsvp, UsedLink
from bot.delivery import Sweeper
from bot.entry.links import LinkPages
from bot.entry.web import create_flask_app
from bot.i18n import t
from bot.render import link_pages
from bot.render import reminders as render
from bot.render.meetings import ACTION_RSVP
from bot.services import links
from bot.slack_standin import StandinSlack
from config.settings import Settings
from tests.support.demo import NOW, SIGNING_SECRET, person
from tests.support.factories import HIDDEN_IDS, MARKERS, covenant, plant_confidential, windkracht_deadline
from tests.support.harness import AppServer, SlackHarness
from tests.support.meetings import schedule

PUBLIC_URL = "https://covenant.example.org"
SNOOZE_3 = f"{render.ACTION_SNOOZE}_3"
DUE = date(2026, 12, 7)


@dataclass
class Web:
    """The real app on a real HTTP server with the link pages, and a way to mint links as the emails do."""

    slack: SlackHarness
    settings: Settings
    session_factory: SessionFactory
    clock: ManualClock

    def link(self, address: str, action_id: str, value: str) -> str:
        made = links.link_maker(self.settings, self.session_factory)(address, action_id, value, self.clock.now())
        assert made is not None and made.startswith(f"{PUBLIC_URL}/l/")
        return made

    def open(self, url: str, method: str = "GET", accept: str = "text/html") -> tuple[int, dict[str, str], str]:
        """Follow ``url`` (its path, on this server) as a browser would."""
        path = urlsplit(url).path
        request = urllib.request.Request(
            self.slack.server.url + path, data=b"" if method == "POST" else None, method=method
        )
        request.add_header("Accept", accept)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers.items()), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers.items()), error.read().decode()

    def text(self, url: str, method: str = "GET") -> tuple[int, str]:
        status, _, body = self.open(url, method, accept="text/plain")
        return status, body


@pytest.fixture
def web(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> Iterator[Web]:
    settings = settings.model_copy(update={"public_url": PUBLIC_URL})
    app = create_app(settings, session_factory=session_factory, client=make_web_client(settings), clock=clock)
    sweeper = Sweeper(session_factory, make_web_client(settings, retries=False), clock, settings, threads=2)
    pages = LinkPages(settings, session_factory, clock, sweeper=sweeper, client=app.client)
    server = AppServer(create_flask_app(app, session_factory, SIGNING_SECRET, clock, pages))
    yield Web(SlackHarness(server, standin, SIGNING_SECRET), settings, session_factory, clock)
    server.stop()


# -- what the database holds ---------------------------------------------------------------------------------------
def _deadline_state(factory: SessionFactory, deadline_id: int) -> tuple[object, ...]:
    with factory() as session:
        deadline = session.get(Deadline, deadline_id)
        assert deadline is not None
        return deadline.status, deadline.snoozed_until, deadline.planned_at, deadline.done_at


def _audit(factory: SessionFactory, entity_id: int, entity: str = "deadline") -> list[tuple[object, ...]]:
    with factory() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        )
        return [(row.actor, row.action, row.detail) for row in rows]


def _everything(factory: SessionFactory, deadline_id: int) -> tuple[object, ...]:
    """A deadline's state, its audit rows and the number of audit rows and used links altogether."""
    with factory() as session:
        counts = (
            session.scalar(select(func.count(AuditEntry.id))),
            session.scalar(select(func.count()).select_from(UsedLink)),
        )
    return _deadline_state(factory, deadline_id), _audit(factory, deadline_id), counts


def _email_only_contact(factory: SessionFactory, language: str = "en") -> int:
    """A Windkracht contact without Slack, reached by email (person:<id>)."""
    with factory() as session:
        company = session.scalar(select(Organisation).where(Organisation.name.like("Windkracht%")))
        assert company is not None
        contact = Person(name="Noor Mailonly (demo)", email="noor@windkracht.example", organisation_id=company.id)
        contact.language = language
        session.add(contact)
        session.flush()
        session.add(
            Role(
                person_id=contact.id,
                covenant_id=covenant(session, "hernieuwbare-energie").id,
                kind=RoleKind.COMPANY_CONTACT,
            )
        )
        session.commit()
        return contact.id


def _press_in_slack(slack: SlackHarness, action_id: str, value: str, user: str, answered: bool = True) -> str:
    """Press the Slack button ``action_id`` with ``value`` as ``user`` (the payload Slack sends); its answer's text
    (``answered``: the button answers the presser)."""
    response_url = slack.standin.response_url()
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": slack.standin.team_id},
        "api_app_id": "ACOVENANT",
        "token": "unused-verification-token",
        "team": {"id": slack.standin.team_id, "domain": "covenant"},
        "trigger_id": slack.standin.trigger_id(),
        "response_url": response_url,
        "container": {"type": "message", "message_ts": "1.1", "channel_id": user, "is_ephemeral": False},
        "channel": {"id": user, "name": "directmessage"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1.0"}],
    }
    assert slack.interaction(payload).status == 200
    if not answered:
        return ""
    return str(slack.wait_response(response_url).args.get("text", ""))


# -- the tests -----------------------------------------------------------------------------------------------------
def test_snooze_link_asks_on_get_and_on_post_does_what_the_slack_button_does(web: Web) -> None:
    pieter = person("pieter").slack_user_id
    by_link = windkracht_deadline(web.session_factory, DUE, "Jaarrapportage")
    by_button = windkracht_deadline(web.session_factory, DUE, "Jaarrapportage")
    url = web.link(pieter, SNOOZE_3, f"{by_link}:3")
    before = _everything(web.session_factory, by_link)

    status, headers, page = web.open(url)
    assert status == 200
    assert "‘Jaarrapportage’ (Windkracht Energie BV (demo)) 3 dagen uitstellen?" in page  # Pieter reads Dutch
    assert '<form method="post"' in page and "Bevestigen" in page and "Er gebeurt niets" in page
    assert headers["Cache-Control"] == "no-store" and headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Robots-Tag"].startswith("noindex")
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script-src" not in headers["Content-Security-Policy"]
    # A mail scanner opens the link (and again, and its HEAD): nothing changes.
    assert web.open(url)[0] == 200 and web.open(url, "HEAD")[0] == 200
    assert _everything(web.session_factory, by_link) == before

    status, said = web.text(url, "POST")
    assert status == 200
    slack_said = _press_in_slack(web.slack, SNOOZE_3, f"{by_button}:3", pieter)
    # The same words the Slack button answers, without Slack's date token.
    assert link_pages.plain(slack_said, {}) in said and "Uitgesteld" in said and "<!date" not in said
    assert _deadline_state(web.session_factory, by_link) == _deadline_state(web.session_factory, by_button)
    assert _deadline_state(web.session_factory, by_link)[1] == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert _audit(web.session_factory, by_link) == _audit(web.session_factory, by_button)
    assert _audit(web.session_factory, by_link)[-1] == (
        pieter,
        "reminder.snoozed",
        {"until": "2026-11-26T08:00:00+00:00", "days": 3},
    )

    after = _everything(web.session_factory, by_link)
    status, said = web.text(url, "POST")
    assert status == 410 and "al gebruikt" in said
    assert web.text(url)[0] == 410  # a used link's page says so too, and offers no button
    assert _everything(web.session_factory, by_link) == after


def test_a_contact_without_slack_snoozes_by_link_in_english(web: Web) -> None:
    contact = _email_only_contact(web.session_factory)
    address = f"person:{contact}"
    deadline_id = windkracht_deadline(web.session_factory, DUE, "Annual report")
    url = web.link(address, SNOOZE_3, f"{deadline_id}:3")
    status, page = web.text(url)
    assert status == 200
    assert "Snooze the reminders about “Annual report” (Windkracht Energie BV (demo)) by 3 days?" in page
    assert "This link is for Noor Mailonly (demo)." in page
    assert [row[1] for row in _audit(web.session_factory, deadline_id)] == ["deadline.created"]
    status, said = web.text(url, "POST")
    assert status == 200 and "Snoozed: the next reminder comes at" in said
    assert _audit(web.session_factory, deadline_id)[-1][:2] == (address, "reminder.snoozed")
    # The same as a Slack user pressing the button on an identical deadline, but for who did it.
    pressed = windkracht_deadline(web.session_factory, DUE, "Annual report")
    _press_in_slack(web.slack, SNOOZE_3, f"{pressed}:3", person("pieter").slack_user_id)
    assert _deadline_state(web.session_factory, deadline_id) == _deadline_state(web.session_factory, pressed)
    by_link, by_button = _audit(web.session_factory, deadline_id)[-1], _audit(web.session_factory, pressed)[-1]
    assert by_link[1:] == by_button[1:]


def test_two_posts_racing_with_one_link_act_once(web: Web) -> None:
    pieter = person("pieter").slack_user_id
    deadline_id = windkracht_deadline(web.session_factory, DUE, "Race")
    url = web.link(pieter, SNOOZE_3, f"{deadline_id}:3")
    statuses: list[int] = []
    start = threading.Barrier(4)

    def post() -> None:
        start.wait()
        statuses.append(web.text(url, "POST")[0])

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(statuses) == [200, 410, 410, 410]
    assert [row[1] for row in _audit(web.session_factory, deadline_id)] == ["deadline.created", "reminder.snoozed"]


def _tampered(token: str, where: int) -> str:
    swapped = "A" if token[where] != "A" else "B"
    return token[:where] + swapped + token[where + 1 :]


def test_expired_tampered_forged_and_other_peoples_links_change_nothing(web: Web) -> None:
    pieter, emma = person("pieter").slack_user_id, person("emma").slack_user_id
    deadline_id = windkracht_deadline(web.session_factory, DUE, "Weigering")
    url = web.link(pieter, SNOOZE_3, f"{deadline_id}:3")
    token = url.rsplit("/", 1)[1]
    payload, signature = token.split(".")
    before = _everything(web.session_factory, deadline_id)

    # One character of the signature changed: tampered (signed with our key id, but not this text).
    status, said = web.text(f"{PUBLIC_URL}/l/{payload}.{_tampered(signature, 3)}", "POST")
    assert status == 403 and "was changed" in said and "is veranderd" in said  # the person is unknown: both languages
    # The payload changed: another person's address, the signature kept.
    body = json.loads(links._unb64(payload))
    body["a"] = emma
    other = links._b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    assert web.text(f"{PUBLIC_URL}/l/{other}.{signature}", "POST")[0] == 403
    # One character of the payload changed: refused, whatever it now decodes to.
    assert web.text(f"{PUBLIC_URL}/l/{_tampered(payload, 10)}.{signature}", "POST")[0] in (403, 404)
    # Signed with another secret: forged.
    forged = links.button_url(
        PUBLIC_URL, b"not the bot's secret at all", pieter, SNOOZE_3, f"{deadline_id}:3", web.clock.now()
    )
    status, said = web.text(forged, "POST")
    assert status == 403 and "not signed by this bot" in said
    # Not a token at all.
    assert web.text(f"{PUBLIC_URL}/l/nonsense", "POST")[0] == 404
    assert web.text(f"{PUBLIC_URL}/l/a.b%00", "POST")[0] == 404
    # A good link of someone who may not act on this deadline: the button's own refusal.
    theirs = web.link(emma, SNOOZE_3, f"{deadline_id}:3")
    status, said = web.text(theirs)
    assert status == 403 and t("en", "common.not_found") in said
    status, said = web.text(theirs, "POST")
    assert status == 403 and t("en", "common.not_found") in said
    assert _everything(web.session_factory, deadline_id)[:2] == before[:2]

    # Expired: the clock moved past the link's 14 days; the refusal is in Pieter's language.
    web.clock.set(web.clock.now() + links.LINK_LIFETIME + timedelta(seconds=1))
    status, said = web.text(url, "POST")
    assert status == 410 and "verlopen" in said and "14 dagen" in said and "expired" not in said
    assert web.text(url)[0] == 410
    assert _everything(web.session_factory, deadline_id)[:2] == before[:2]


def test_a_link_of_someone_unlinked_since_gets_the_buttons_refusal(web: Web) -> None:
    pieter = person("pieter").slack_user_id
    deadline_id = windkracht_deadline(web.session_factory, DUE, "Afgemeld")
    url = web.link(pieter, SNOOZE_3, f"{deadline_id}:3")
    with web.session_factory() as session:
        pieter_id = session.scalar(select(Person.id).where(Person.slack_user_id == pieter))
        session.execute(delete(Role).where(Role.person_id == pieter_id, Role.kind == RoleKind.COMPANY_CONTACT))
        session.commit()
    before = _everything(web.session_factory, deadline_id)
    assert web.text(url)[0] == 403
    status, said = web.text(url, "POST")
    assert status == 403 and t("nl", "common.not_found") in said
    assert _everything(web.session_factory, deadline_id)[:2] == before[:2]


def test_mark_submitted_by_link_tells_the_secretariat_and_a_second_link_says_already(web: Web) -> None:
    emma = person("emma").slack_user_id
    with web.session_factory() as session:
        deadline = session.scalar(
            select(Deadline)
            .join(Organisation)
            .where(Organisation.name.like("Delta Alloys%"))
            .order_by(Deadline.due_on.desc())
        )
        assert deadline is not None
        deadline_id = deadline.id
    first, second = (
        web.link(emma, render.ACTION_DONE, str(deadline_id)),
        web.link(emma, render.ACTION_DONE, str(deadline_id)),
    )
    status, page = web.text(first)
    assert status == 200 and "as submitted to the secretariat?" in page
    status, said = web.text(first, "POST")
    assert status == 200 and "marked as submitted" in said
    # The notice to the secretariat went out through the reminder engine, as after the Slack button.
    notice = web.slack.standin.wait_until(
        lambda c: (
            c.method == "chat.postMessage"
            and c.args.get("channel") == "CDEMOSECMT"
            and "ingediend" in str(c.args.get("text", "")).lower()
        )
    )
    assert notice
    with web.session_factory() as session:
        plan_id = session.scalar(select(ActionPlan.id).where(ActionPlan.deadline_id == deadline_id))
    assert plan_id is not None
    assert ("plan.submitted", emma) in {(row[1], row[0]) for row in _audit(web.session_factory, plan_id, "action_plan")}
    status, said = web.text(second, "POST")
    assert status == 200 and "already" in said


def test_rsvp_link_records_the_answer_the_button_records(web: Web) -> None:
    pieter, bas = person("pieter").slack_user_id, person("bas").slack_user_id
    with web.session_factory() as session:
        meeting = schedule(session, date(2026, 12, 3), time(10, 0))
        value = f"{meeting.id}|{meeting.starts_at.isoformat()}"
        meeting_id = meeting.id
    url = web.link(pieter, f"{ACTION_RSVP}_yes", value)
    status, page = web.text(url)
    assert status == 200 and f"„{t('nl', 'rsvp.yes')}” antwoorden voor de vergadering" in page
    with web.session_factory() as session:
        assert session.scalar(select(func.count(Rsvp.id)).where(Rsvp.meeting_id == meeting_id)) == 0
    status, said = web.text(url, "POST")
    assert status == 200 and t("nl", "rsvp.recorded", answer=t("nl", "rsvp.yes")) in said
    # A press on a reminder in a channel answers nobody; it updates the counts (there are no posted reminders yet).
    _press_in_slack(web.slack, f"{ACTION_RSVP}_yes", value, bas, answered=False)
    for _ in range(100):
        with web.session_factory() as session:
            if session.scalar(select(func.count(Rsvp.id)).where(Rsvp.meeting_id == meeting_id)) == 2:
                break
        threading.Event().wait(0.05)
    with web.session_factory() as session:
        rows = {
            row.slack_user_id: (row.meeting_id, row.occurrence_start, row.answer)
            for row in session.scalars(select(Rsvp).where(Rsvp.meeting_id == meeting_id))
        }
    assert rows[pieter] == rows[bas] == (meeting_id, meeting.starts_at, RsvpAnswer.YES)
    audit = {actor: (action, detail) for actor, action, detail in _audit(web.session_factory, meeting_id, "meeting")}
    assert audit[pieter] == audit[bas]


def test_pages_escape_what_people_typed(web: Web) -> None:
    pieter = person("pieter").slack_user_id
    deadline_id = windkracht_deadline(web.session_factory, DUE, "<script>alert(1)</script>")
    status, _, page = web.open(web.link(pieter, SNOOZE_3, f"{deadline_id}:3"))
    assert status == 200 and "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_button_without_a_link_and_no_public_url_get_none(web: Web) -> None:
    make = links.link_maker(web.settings, web.session_factory)
    assert make("U1", "meeting_who", "1|x", web.clock.now()) is None
    unpublished = links.link_maker(web.settings.model_copy(update={"public_url": None}), web.session_factory)
    assert unpublished("U1", render.ACTION_DONE, "1", web.clock.now()) is None


def test_no_link_shows_or_changes_what_its_person_may_not_see(web: Web) -> None:
    """Every linked button, named with a company's confidential deadline or assessment meeting, for people who
    may not see them: no page carries a marker, nothing changes."""
    plant_confidential(web.session_factory)
    with web.session_factory() as session:
        polder = session.scalar(select(Organisation).where(Organisation.name.like("Polderstroom%")))
        assert polder is not None
        stranger = Person(name="Els Mailonly (demo)", email="els@polderstroom.example", organisation_id=polder.id)
        session.add(stranger)
        session.flush()
        session.add(
            Role(
                person_id=stranger.id,
                covenant_id=covenant(session, "hernieuwbare-energie").id,
                kind=RoleKind.COMPANY_CONTACT,
            )
        )
        session.commit()
        outsiders = [
            person("tom").slack_user_id,  # the secretariat of another covenant
            person("ingrid").slack_user_id,  # another company's contact
            person("fatima").slack_user_id,  # an NGO member of the meeting's group
            "UNKNOWN001",  # someone the bot does not know
            f"person:{stranger.id}",  # another company's contact without Slack
        ]
    meeting_value = f"{HIDDEN_IDS + 1}|{(NOW + timedelta(days=1)).isoformat()}"
    values = {
        action: meeting_value if action.startswith(ACTION_RSVP) else f"{HIDDEN_IDS}:3"
        for action in links.LINKED_ACTIONS
    }

    def state() -> tuple[object, ...]:
        with web.session_factory() as session:
            rsvps = session.scalar(select(func.count(Rsvp.id)))
            audit = session.scalar(select(func.count(AuditEntry.id)))
        return _deadline_state(web.session_factory, HIDDEN_IDS), rsvps, audit

    before = state()
    for address in outsiders:
        for action, value in sorted(values.items()):
            url = web.link(address, action, value)
            for method in ("GET", "POST"):
                status, _, page = web.open(url, method)
                leaked = [marker for marker in MARKERS if marker in page]
                assert not leaked and status in (200, 403), (address, action, method, status, leaked)
    assert state() == before
