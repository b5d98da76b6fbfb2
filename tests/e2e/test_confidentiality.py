"""The confidentiality matrix: every surface × every role.

Windkracht Energie BV's confidential data carries unique markers (assessment notes, an open deadline, an
assessment meeting with minutes). Only the secretariat of its covenant and Windkracht's own contacts may ever
receive a marker; public surfaces (status, share, lists, aggregates) give it to nobody at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.db.engine import SessionFactory
from bot.db.models import Covenant
from bot.slack_standin import Call
from bot.slack_standin.workspace import dm_id
from tests.support.demo import person
from tests.support.factories import MARKERS, plant_confidential
from tests.support.harness import SlackHarness, click, reply_text

ROLES = {
    "secretariat of this covenant": person("sanne").slack_user_id,
    "secretariat of another covenant": person("tom").slack_user_id,
    "the company's contact": person("pieter").slack_user_id,
    "another company's contact": person("ingrid").slack_user_id,
    "NGO member": person("fatima").slack_user_id,
    "unknown Slack user": "UNKNOWN001",
}
ALLOWED = {"secretariat of this covenant", "the company's contact"}


@dataclass(frozen=True)
class Surface:
    """How to reach one surface as a user: returns every message or view the bot sent for it."""

    name: str
    reach: Callable[[SlackHarness, str, SessionFactory], list[Call]]
    public: bool  # True: nobody, not even an allowed role, may see company data here
    shows_company: bool = False  # True: an allowed role must see the markers (the surface really works)


def _command(text: str) -> Callable[[SlackHarness, str, SessionFactory], list[Call]]:
    def reach(slack: SlackHarness, user: str, _factory: SessionFactory) -> list[Call]:
        return [slack.command("/covenant", text, user)]

    return reach


def _mention(text: str, dm: bool = False) -> Callable[[SlackHarness, str, SessionFactory], list[Call]]:
    def reach(slack: SlackHarness, user: str, _factory: SessionFactory) -> list[Call]:
        event = {"type": "message", "channel_type": "im", "channel": dm_id(user)} if dm else {"type": "app_mention"}
        event |= {"user": user, "text": f"<@UBOTCOVENANT> {text}", "ts": "1.1"}
        event.setdefault("channel", "CGENERAL01")
        slack.event(event)
        return slack.standin.wait_for("chat.postEphemeral", "chat.postMessage")

    return reach


def _share(slack: SlackHarness, user: str, _factory: SessionFactory) -> list[Call]:
    status = slack.command("/covenant", "status hernieuwbare-energie", user)
    click(slack, status, "share_status", user)
    return [status, *slack.standin.wait_for("chat.postMessage")]


def _home(slack: SlackHarness, user: str, _factory: SessionFactory) -> list[Call]:
    slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "DHOME00001"})
    return slack.standin.wait_for("views.publish")


def _forged_home_more(kind: str) -> Callable[[SlackHarness, str, SessionFactory], list[Call]]:
    """A hand-made "show more" for Windkracht's covenant, whatever the user's own Home shows."""

    def reach(slack: SlackHarness, user: str, factory: SessionFactory) -> list[Call]:
        with factory() as session:
            energy = session.scalar(select(Covenant.id).where(Covenant.slug == "hernieuwbare-energie"))
        home = _home(slack, user, factory)[0]
        home.args["view"]["blocks"].append(
            {"type": "actions", "elements": [{"type": "button", "action_id": "home_more", "value": "x"}]}
        )
        click(slack, home, "home_more", user, value=f"{kind}|{energy}|0")
        return slack.standin.wait_for("views.publish", count=2)

    return reach


def _next_page(slack: SlackHarness, user: str, _factory: SessionFactory) -> list[Call]:
    first = slack.command("/covenant", "companies hernieuwbare-energie", user)
    first.args["blocks"].append(
        {"type": "actions", "elements": [{"type": "button", "action_id": "companies_next", "value": "x"}]}
    )
    url = click(slack, first, "companies_next", user, value="hernieuwbare-energie|2")
    return [first, slack.wait_response(url)]


SURFACES = [
    Surface("/covenant status", _command("status hernieuwbare-energie"), public=True),
    Surface("Share in channel", _share, public=True),
    Surface("/covenant list", _command("list"), public=True),
    Surface("/covenant companies", _command("companies hernieuwbare-energie"), public=True),
    Surface("companies Next/Previous", _next_page, public=True),
    Surface("/covenant plans", _command("plans hernieuwbare-energie"), public=True),
    Surface("/covenant groups <covenant>", _command("groups hernieuwbare-energie"), public=False),
    Surface("/covenant groups <group>", _command("groups leefbaar loon"), public=False),
    Surface("/covenant groups (mine)", _command("groups"), public=False),
    Surface("/covenant company", _command("company Windkracht"), public=False, shows_company=True),
    Surface("/covenant whoami", _command("whoami"), public=False),
    Surface("/covenant contact", _command("contact hernieuwbare-energie"), public=False),
    Surface("/covenant mine", _command("mine"), public=False),
    Surface("/covenant privacy", _command("privacy"), public=True),  # the DM'd file: test_privacy_command.py
    Surface("/covenant report", _command("report hernieuwbare-energie"), public=True),  # the file: test_report_pack.py
    Surface("mention: company", _mention("hoe staat Windkracht Energie ervoor?"), public=False, shows_company=True),
    Surface("mention: plans", _mention("how many action plans are overdue in renewable energy?"), public=True),
    Surface("mention: meetings", _mention("wanneer vergadert de werkgroep leefbaar loon?"), public=False),
    Surface("mention: status", _mention("wat is de status van het windconvenant?"), public=True),
    Surface("mention: my open items", _mention("wat moet ik nog doen?"), public=False),
    Surface("mention: next week", _mention("what happens next week?"), public=False),
    Surface("mention: decided", _mention("wat is er besloten in de werkgroep leefbaar loon?"), public=False),
    Surface("DM: company plan", _mention("plan van aanpak van Windkracht", dm=True), public=False, shows_company=True),
    Surface("App Home", _home, public=False, shows_company=True),
    Surface("Home show more (forged: overdue)", _forged_home_more("overdue"), public=False),
    Surface("Home show more (forged: deadlines)", _forged_home_more("deadlines"), public=False),
    Surface("Home show more (forged: minutes)", _forged_home_more("minutes"), public=False),
]


def _leaks(calls: list[Call]) -> set[str]:
    text = "\n".join(reply_text(call) + str(call.args.get("view", "")) for call in calls)
    return {marker for marker in MARKERS if marker in text}


@pytest.mark.parametrize("surface", SURFACES, ids=[s.name for s in SURFACES])
def test_no_company_data_reaches_a_role_that_may_not_see_it(
    slack: SlackHarness, session_factory: SessionFactory, surface: Surface
) -> None:
    plant_confidential(session_factory)
    grid: dict[str, str] = {}
    for role, user in ROLES.items():
        slack.standin.reset()
        leaked = _leaks(surface.reach(slack, user, session_factory))
        may_see = role in ALLOWED and not surface.public
        if leaked and not may_see:
            grid[role] = f"LEAK {sorted(leaked)}"
        elif may_see and surface.shows_company and not leaked:
            grid[role] = "MISSING (an allowed role should see its company data here)"
    assert grid == {}, f"{surface.name}: {grid}"
