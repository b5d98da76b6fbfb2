"""The email renderer: mrkdwn written out as plain text and safe HTML, buttons as links, forged values harmless."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.render.blocks import Reply, actions, button, context, header, section
from bot.render.mail import Envelope, email_message
from bot.render.mail_text import Readers, write
from bot.render.time import date_token, datetime_token

READERS = Readers(lang="en", tz="America/New_York", names={"U123": "Pieter de Vries"})
ENVELOPE = Envelope(
    sender="Covenant bot <bot@covenant.example>",
    to_name="Eva <Mailer>",
    to_address="eva@example.org",
    message_id="<delivery-7@covenant.example>",
    date=datetime(2026, 11, 23, 14, 0, tzinfo=UTC),
)


def test_emphasis_mentions_links_and_emoji_are_written_out() -> None:
    written = write(":bell: *Plan* for _you_, <@U123>: see <https://example.org/a?b=1&amp;c=2|the plan> `now`", READERS)
    assert written.text == "Plan for you, Pieter de Vries: see the plan (https://example.org/a?b=1&c=2) now"
    assert str(written.html) == (
        "<strong>Plan</strong> for <em>you</em>, Pieter de Vries: see "
        '<a href="https://example.org/a?b=1&amp;c=2">the plan</a> <code>now</code>'
    )


def test_date_tokens_show_the_readers_zone_and_language() -> None:
    moment = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)  # 14:00 in Amsterdam
    assert write(datetime_token(moment, "Europe/Amsterdam", "en"), READERS).text == "7 Dec 2026 08:00 EST"
    dutch = Readers(lang="nl", tz="Europe/Amsterdam", names={})
    assert write(date_token(date(2026, 12, 7), "Europe/Amsterdam", "nl"), dutch).text == "maandag 7 december 2026"


def test_html_in_data_is_escaped_and_only_web_links_are_links() -> None:
    hostile = write("&lt;script&gt;alert(1)&lt;/script&gt; <javascript:alert(1)|click>", READERS)
    assert "<script>" not in str(hostile.html) and "&lt;script&gt;" in str(hostile.html)
    assert "href" not in str(hostile.html)


def test_buttons_become_links_and_a_forged_link_is_dropped() -> None:
    reply = Reply(
        text="Reminder: <b>Plan</b>",
        blocks=[
            header("Plan <b>2026</b>"),
            section("*Due* soon"),
            context("ctx"),
            actions(button("Mark done", "reminder_done", "5", "primary"), button("Snooze", "reminder_snooze_1", "5:1")),
        ],
    )
    links = {("reminder_done", "5"): "https://bot.example/l/abc", ("reminder_snooze_1", "5:1"): "javascript:alert(1)"}
    message = email_message(reply, ENVELOPE, READERS, links)
    html = str(message.get_body(preferencelist=("html",)).get_content())  # type: ignore[union-attr]
    text = str(message.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]
    assert '<a href="https://bot.example/l/abc"' in html and "javascript:" not in html
    assert "Plan &lt;b&gt;2026&lt;/b&gt;" in html and "<b>" not in html
    assert "* Mark done: https://bot.example/l/abc" in text and "* Snooze: in Slack" in text
    assert "answer in Slack" in text
    assert message["To"] == '"Eva <Mailer>" <eva@example.org>'
    assert message["Message-ID"] == "<delivery-7@covenant.example>"
    assert message["Content-Language"] == "en" and message["Auto-Submitted"] == "auto-generated"
