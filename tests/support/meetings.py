"""Helpers shared by the meeting tests: viewers for demo people, groups by name, meetings scheduled directly."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Meeting, ReminderDelivery, WorkingGroup
from bot.services.meetings import meetings
from bot.services.meetings.meetings import MeetingRequest
from bot.services.meetings.recurrence import Repeat
from bot.services.people.access import Viewer, viewer_for
from bot.slack_standin import Call
from tests.support.demo import NOW, person

LEEFBAAR_LOON = "Werkgroep Leefbaar Loon"
DUE_DILIGENCE = "Werkgroep Due Diligence Metaal"


def viewer(session: Session, key: str) -> Viewer:
    return viewer_for(session, person(key).slack_user_id, None, "nl", "Europe/Amsterdam")


def group(session: Session, name: str = LEEFBAAR_LOON) -> WorkingGroup:
    found = session.scalar(select(WorkingGroup).where(WorkingGroup.name == name))
    assert found is not None
    return found


def schedule(
    session: Session,
    day: date,
    start: time = time(10, 0),
    repeat: Repeat = Repeat.NONE,
    key: str = "sanne",
    group_name: str = LEEFBAAR_LOON,
    now: datetime = NOW,
    **fields: object,
) -> Meeting:
    """Schedule a meeting as ``key`` (the group's chair by default) and commit."""
    request = MeetingRequest(group=group(session, group_name), day=day, start=start, repeat=repeat, **fields)  # type: ignore[arg-type]
    request.allow_holiday = True
    scheduled = meetings.schedule(session, request, viewer(session, key), now)
    session.commit()
    return scheduled.meeting


def notices(session: Session, meeting_id: int) -> list[ReminderDelivery]:
    """The channel notices owed for a meeting, oldest first."""
    return list(
        session.scalars(
            select(ReminderDelivery)
            .where(
                ReminderDelivery.meeting_id == meeting_id,
                ReminderDelivery.rule.not_in(["meeting-dayBefore", "meeting-soon"]),
            )
            .order_by(ReminderDelivery.id)
        )
    )


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def button_payload(call: Call, action_id: str, user: str, response_url: str, trigger_id: str) -> dict[str, Any]:
    """A block_actions payload for pressing ``action_id`` on the message ``call`` posted (as Slack sends it)."""
    blocks = call.args.get("blocks", [])
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                channel, ts = str(call.response.get("channel")), str(call.response.get("ts"))
                return {
                    "type": "block_actions",
                    "user": {"id": user, "username": user.lower(), "team_id": "TCOVENANT"},
                    "api_app_id": "ACOVENANT",
                    "token": "unused-verification-token",
                    "team": {"id": "TCOVENANT", "domain": "covenant"},
                    "trigger_id": trigger_id,
                    "response_url": response_url,
                    "container": {"type": "message", "message_ts": ts, "channel_id": channel},
                    "channel": {"id": channel},
                    "message": {"ts": ts, "text": call.args.get("text"), "blocks": blocks},
                    "actions": [
                        {
                            "type": "button",
                            "action_id": action_id,
                            "block_id": block.get("block_id", ""),
                            "value": element.get("value", ""),
                            "action_ts": "1.0",
                        }
                    ],
                }
    raise AssertionError(f"no button {action_id} in {blocks}")
