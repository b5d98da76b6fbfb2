"""The stand-in refuses what Slack refuses, and the renderers stay within the limits by construction."""

from __future__ import annotations

from bot.render.blocks import Reply, button, context, header, lines_to_sections, section
from bot.slack_standin.blockkit import check_message, check_view, message_warnings


def test_checker_flags_each_limit() -> None:
    too_many = [section("x")] * 51
    assert check_message({"text": "t", "blocks": too_many})
    assert check_message(
        {"text": "t", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]}
    )
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "s" * 3001}}
    assert check_message({"text": "t", "blocks": [long_section]})
    long_button = {
        "type": "actions",
        "elements": [{"type": "button", "text": {"type": "plain_text", "text": "b" * 76}, "action_id": "a"}],
    }
    assert check_message({"text": "t", "blocks": [long_button]})
    # Slack accepts blocks without a fallback text, with a warning.
    assert check_message({"blocks": [section("no fallback")]}) is None
    assert message_warnings({"blocks": [section("no fallback")]}) == ["missing_text_fallback"]
    assert check_view({"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": []})
    assert check_view({"type": "home", "blocks": [section("x")] * 101})
    # Past our (undocumented) estimate of msg_blocks_too_long: a warning, not a refusal.
    assert message_warnings({"text": "t", "blocks": [section("y" * 2900)] * 5}) == ["msg_blocks_too_long_risk"]


def test_builders_clip_to_the_limits() -> None:
    blocks = [
        header("h" * 500),
        section("s" * 5000),
        context(*["c"] * 20),
        {"type": "actions", "elements": [button("b" * 200, "act", "v" * 3000)]},
    ]
    assert check_message({"text": "t", "blocks": blocks}) is None


def test_long_lists_are_packed_and_bounded() -> None:
    lines = [f"• line {i} " + "x" * 80 for i in range(1000)]
    sections = lines_to_sections(lines, budget=4)
    assert len(sections) == 4
    assert all(len(s["text"]["text"]) <= 3000 for s in sections)
    reply = Reply(text="t" * 50_000, blocks=[section("a")] * 80)
    message = reply.as_message()
    assert len(message["blocks"]) == 50 and len(message["text"]) <= 3000


def test_select_options_need_a_value() -> None:
    select = {
        "type": "static_select",
        "action_id": "a",
        "options": [{"text": {"type": "plain_text", "text": "x"}, "value": ""}],
    }
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "t"},
        "blocks": [{"type": "input", "element": select}],
    }
    assert check_view(view)
