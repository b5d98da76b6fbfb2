"""Block Kit limits hold with 2,000 companies and 200 meetings in one covenant: every surface stays within
Slack's limits (the stand-in refuses anything Slack would; the fixture fails the test then) and still answers."""

from __future__ import annotations

import time

import pytest

from bot.db.engine import SessionFactory
from bot.render.blocks import MAX_MESSAGE_BLOCKS, MAX_VIEW_BLOCKS, escape
from bot.slack_standin.blockkit import check_message, check_view
from tests.support.demo import person
from tests.support.factories import make_big_covenant
from tests.support.harness import SlackHarness, click, reply_text

SANNE = person("sanne").slack_user_id


@pytest.fixture
def big(session_factory: SessionFactory) -> str:
    return make_big_covenant(session_factory, companies=2000, meetings=200).slug


def test_status_companies_groups_and_share_stay_within_limits(slack: SlackHarness, big: str) -> None:
    for text in (f"status {big}", f"companies {big}", f"companies {big} 80", f"groups {big}", f"plans {big}"):
        reply = slack.command("/covenant", text, SANNE)
        assert reply.ok and check_message(reply.args) is None, text
        assert len(reply.args["blocks"]) <= MAX_MESSAGE_BLOCKS
    status = slack.command("/covenant", f"status {big}", SANNE)
    assert "667 van 2000 ingediend" in reply_text(status)
    click(slack, status, "share_status", SANNE)
    shared = slack.standin.wait_for("chat.postMessage")[0]
    assert shared.ok and check_message(shared.args) is None


def test_company_pages_go_forward_and_back(slack: SlackHarness, big: str) -> None:
    first = slack.command("/covenant", f"companies {big}", SANNE)
    assert "Pagina 1 van 80" in reply_text(first)
    second = slack.wait_response(click(slack, first, "companies_next", SANNE))
    assert "Pagina 2 van 80" in reply_text(second)
    assert slack.wait_response(click(slack, second, "companies_previous", SANNE)).args["replace_original"]
    last = slack.command("/covenant", f"companies {big} 80", SANNE)
    assert "Pagina 80 van 80" in reply_text(last) and "gestopt op" in reply_text(last)
    past = reply_text(slack.command("/covenant", f"companies {big} 999", SANNE))
    assert "Er zijn maar 80 pagina's met bedrijven" in past and "Pagina" not in past


def test_secretariat_home_with_2000_companies_summarises_and_pages(slack: SlackHarness, big: str) -> None:
    started = time.monotonic()
    slack.event({"type": "app_home_opened", "user": SANNE, "tab": "home", "channel": "D1"})
    home = slack.standin.wait_for("views.publish", timeout=20)[0]
    assert time.monotonic() - started < 10
    blocks = home.args["view"]["blocks"]
    assert home.ok and check_view(home.args["view"], published=True) is None and len(blocks) <= MAX_VIEW_BLOCKS
    text = str(blocks)
    assert "Toon alle 1333" in text  # overdue plans: the first few, then "show all"
    click(slack, home, "home_more", SANNE)
    opened = slack.standin.wait_for("views.publish", count=2, timeout=20)[1]
    assert opened.ok and len(opened.args["view"]["blocks"]) <= MAX_VIEW_BLOCKS
    assert "1 t/m 30 van 1333" in str(opened.args["view"]["blocks"])
    click(slack, opened, "home_next", SANNE)
    following = slack.standin.wait_for("views.publish", count=3, timeout=20)[2]
    assert "31 t/m 60 van 1333" in str(following.args["view"]["blocks"])


def test_a_secretariat_running_every_covenant_still_fits_the_home_tab(
    slack: SlackHarness, big: str, session_factory: SessionFactory
) -> None:
    from sqlalchemy import select

    from bot.db.enums import RoleKind
    from bot.db.models import Covenant, Person, Role

    with session_factory() as session:
        sanne = session.scalar(select(Person).where(Person.slack_user_id == SANNE))
        assert sanne is not None
        held = {r.covenant_id for r in sanne.roles if r.kind == RoleKind.SECRETARIAT}
        for covenant_id in session.scalars(select(Covenant.id)):
            if covenant_id not in held:
                session.add(Role(person_id=sanne.id, covenant_id=covenant_id, kind=RoleKind.SECRETARIAT))
        session.commit()
    slack.event({"type": "app_home_opened", "user": SANNE, "tab": "home", "channel": "D1"})
    home = slack.standin.wait_for("views.publish", timeout=20)[0]
    blocks = str(home.args["view"]["blocks"])
    assert home.ok and len(home.args["view"]["blocks"]) <= MAX_VIEW_BLOCKS
    with session_factory() as session:
        names = [c.name_nl for c in session.scalars(select(Covenant))]
    # Every covenant she runs is there: in full, or as a one-line summary when the tab would overflow.
    assert all(escape(name) in blocks for name in names)
