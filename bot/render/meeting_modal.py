"""The "schedule a meeting" modal: one input block per field, named after the field (errors land on it)."""

from __future__ import annotations

import json
from typing import Any

from bot.db.models import WorkingGroup
from bot.i18n import t
from bot.render.blocks import Block, clip
from bot.render.meetings import group_name
from bot.services.meetings.recurrence import Repeat

CALLBACK_ID = "meeting_schedule"
ACTION = "value"
COVENANT_ZONE = "covenant"  # the option "the covenant's time zone" (Slack refuses an empty option value)
ZONES = (
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/London",
    "Europe/Berlin",
    "UTC",
    "America/New_York",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Africa/Johannesburg",
)


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(clip(text, 75)), "value": value}


def _input(block_id: str, label: str, element: Block, optional: bool = False, hint: str | None = None) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": {**element, "action_id": ACTION},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text(max_length: int, multiline: bool = False, placeholder: str | None = None) -> Block:
    element: Block = {"type": "plain_text_input", "max_length": max_length, "multiline": multiline}
    if placeholder:
        element["placeholder"] = _plain(placeholder)
    return element


def schedule_modal(groups: list[WorkingGroup], lang: str, preselect: int | None, channel: str | None) -> Block:
    """The modal ``/meeting schedule`` opens; ``groups`` are those the user may schedule for (at most 100)."""
    options = [_option(f"{group_name(group, lang)} ({group.covenant.slug})", str(group.id)) for group in groups[:100]]
    group_select: Block = {"type": "static_select", "options": options, "placeholder": _plain(t(lang, "modal.pick"))}
    chosen = next((option for option in options if option["value"] == str(preselect)), None)
    if chosen is not None:
        group_select["initial_option"] = chosen
    zones = [_option(t(lang, "modal.zone_default"), COVENANT_ZONE)] + [_option(zone, zone) for zone in ZONES]
    repeats = [_option(t(lang, f"modal.repeat_{repeat.value}"), repeat.value) for repeat in Repeat]
    blocks: list[Block] = [
        _input("group", t(lang, "modal.group"), group_select),
        _input("title", t(lang, "modal.title_field"), _text(200), optional=True, hint=t(lang, "modal.title_hint")),
        _input("date", t(lang, "modal.date"), {"type": "datepicker"}),
        _input("start", t(lang, "modal.start"), {"type": "timepicker"}),
        _input("end", t(lang, "modal.end"), {"type": "timepicker"}, optional=True, hint=t(lang, "modal.end_hint")),
        _input(
            "timezone",
            t(lang, "modal.timezone"),
            {"type": "static_select", "options": zones, "initial_option": zones[0]},
        ),
        _input(
            "repeat",
            t(lang, "modal.repeat"),
            {"type": "static_select", "options": repeats, "initial_option": repeats[0]},
        ),
        _input(
            "rrule",
            t(lang, "modal.rrule"),
            _text(300, placeholder="FREQ=WEEKLY;BYDAY=TU;COUNT=10"),
            optional=True,
            hint=t(lang, "modal.rrule_hint"),
        ),
        _input("location", t(lang, "modal.location"), _text(500), optional=True),
        _input("video_url", t(lang, "modal.video_url"), {"type": "url_text_input"}, optional=True),
        _input("agenda", t(lang, "modal.agenda"), _text(3000, multiline=True), optional=True),
        _input("minute_taker", t(lang, "modal.minute_taker"), {"type": "users_select"}, optional=True),
        _input(
            "holiday_ok",
            t(lang, "modal.holiday"),
            {"type": "checkboxes", "options": [_option(t(lang, "modal.holiday_ok"), "yes")]},
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain(clip(t(lang, "modal.title"), 24)),
        "submit": _plain(clip(t(lang, "modal.submit"), 24)),
        "close": _plain(clip(t(lang, "modal.close"), 24)),
        "private_metadata": json.dumps({"channel": channel}),
        "blocks": blocks,
    }
