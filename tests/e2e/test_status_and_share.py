"""/covenant status in full, and Share in channel."""

from __future__ import annotations

from datetime import timedelta

from bot.db.engine import SessionFactory
from bot.db.enums import MinutesStatus
from bot.db.models import Meeting
from tests.support.demo import NOW, person
from tests.support.factories import add_minutes, group
from tests.support.harness import SlackHarness, button_ids, click, reply_text

SANNE, EMMA = person("sanne").slack_user_id, person("emma").slack_user_id


def _approved_minutes(factory: SessionFactory) -> None:
    with factory() as session:
        meeting = Meeting(
            uid="test-wg-past",
            working_group_id=group(session, "Werkgroep Leefbaar Loon").id,
            title="Werkgroep Leefbaar Loon — oktoberoverleg",
            starts_at=NOW - timedelta(days=40),
            ends_at=NOW - timedelta(days=40, hours=-1),
        )
        session.add(meeting)
        session.flush()
        add_minutes(session, meeting, MinutesStatus.APPROVED, meeting.starts_at)
        session.commit()


def test_status_shows_plans_meetings_minutes_and_the_share_button(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    _approved_minutes(session_factory)
    reply = slack.command("/covenant", "status wind", SANNE)
    text = reply_text(reply)
    assert "Convenant Hernieuwbare Energie (wind en zon)" in text
    assert "Plannen van aanpak 2026 (alle bedrijven samen)" in text
    assert "`█████░░░░░` 50% 2 van 4 ingediend" in text and "1 beoordeeld · 1 te laat" in text
    assert "Volgende vergaderingen" in text and "maandoverleg" in text and "<!date^" in text
    assert "Laatst vastgestelde verslag" in text and "oktoberoverleg" in text and "vastgesteld" in text
    assert "4 bedrijven" in text
    assert button_ids(reply.args["blocks"]) == {"share_status", "show_chart"}


def test_status_marks_uncertain_facts_and_has_no_plans_section_without_plans(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "status banks", EMMA))
    assert "13 or 11 banks (sources disagree) _(uncertain)_" in text
    assert "Action plans" not in text and "Next meetings" not in text


def test_share_posts_the_same_public_status_visibly_in_the_channel(slack: SlackHarness) -> None:
    status = slack.command("/covenant", "status metals", EMMA, channel="CMETALS001")
    url = click(slack, status, "share_status", EMMA, channel="CMETALS001")
    posted = slack.standin.wait_for("chat.postMessage")[0]
    assert posted.args["channel"] == "CMETALS001"
    shared = reply_text(posted)
    assert "Metals Sector Agreement" in shared and "Action plans 2026" in shared
    assert f"Shared by <@{EMMA}>" in shared
    assert button_ids(posted.args["blocks"]) == set()
    assert "Shared in <#CMETALS001>" in reply_text(slack.wait_response(url))


def test_share_where_the_bot_cannot_post_says_so_privately(slack: SlackHarness) -> None:
    status = slack.command("/covenant", "status goud", EMMA, channel="CPRIVATE01")
    slack.standin.fault = lambda method, args: (
        (200, {}, {"error": "not_in_channel"}) if method == "chat.postMessage" else None
    )
    url = click(slack, status, "share_status", EMMA, channel="CPRIVATE01")
    assert "/invite @covenant-bot" in reply_text(slack.wait_response(url))


def test_a_forged_share_value_posts_nothing(slack: SlackHarness) -> None:
    status = slack.command("/covenant", "status goud", EMMA)
    url = click(slack, status, "share_status", EMMA, value="status:nonexistent-covenant")
    assert "don't know a covenant" in reply_text(slack.wait_response(url))
    assert slack.standin.calls_to("chat.postMessage") == []
