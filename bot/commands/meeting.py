"""``/meeting``: schedule, next, list, agenda, move, cancel, the calendar feed, and working groups."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Covenant, WorkingGroup
from bot.i18n import t
from bot.render import meetings as render
from bot.render.blocks import Reply, escape, header, section
from bot.services import calendar_feed, covenants, groups, locking, meeting_changes, meetings, rsvps
from bot.services.access import Viewer
from bot.services.errors import UsageError
from bot.services.meeting_changes import Changed

from . import meeting_groups, meeting_schedule
from .dates import parse_date, parse_when
from .parsing import slack_plain, split_command

HELP_WORDS = {"", "help", "hulp", "?"}
_SUBCOMMANDS = {
    "schedule": "schedule",
    "plan": "schedule",
    "new": "schedule",
    "nieuw": "schedule",
    "inplannen": "schedule",
    "next": "next",
    "volgende": "next",
    "list": "list",
    "lijst": "list",
    "agenda": "agenda",
    "move": "move",
    "verplaats": "move",
    "verzet": "move",
    "cancel": "cancel",
    "annuleer": "cancel",
    "afzeggen": "cancel",
    "ics": "ics",
    "calendar": "ics",
    "kalender": "ics",
    "feed": "feed",
    "group": "group",
    "groep": "group",
    "groups": "groups",
    "groepen": "groups",
}
_REF = re.compile(r"^#?(\d{1,9})(?:@(.+))?$")
_NEXT = {"next", "volgende"}
_ROTATE = {"rotate", "vernieuw", "roteer", "new", "nieuw"}
DEFAULT_LIST = 10
MAX_LIST = 25


@dataclass(frozen=True)
class CalendarFile:
    """A file to hand the user (the feed, in console mode or without a public web address)."""

    filename: str
    title: str
    content: bytes


@dataclass
class MeetingAnswer:
    """What ``/meeting`` does: a reply, or a modal to open; notices owed to channels; a file to upload."""

    reply: Reply | None = None
    modal: dict[str, Any] | None = None
    notice_ids: list[int] = field(default_factory=list)
    file: CalendarFile | None = None


@dataclass(frozen=True)
class Invocation:
    """Where and when the command was typed, and where the calendar feeds are served (None: nowhere public)."""

    viewer: Viewer
    now: datetime
    channel: str | None = None
    public_url: str | None = None

    @property
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.viewer.timezone)).date()


def run(session: Session, text: str, call: Invocation) -> MeetingAnswer:
    """Answer ``/meeting <text>``."""
    command = split_command(text)
    lang = call.viewer.language
    if command.sub in HELP_WORDS:
        return MeetingAnswer(_help(lang))
    action = _SUBCOMMANDS.get(command.sub)
    rest = command.rest
    if action == "schedule":
        if not rest:
            return MeetingAnswer(modal=meeting_schedule.modal(session, call.viewer, call.channel))
        scheduled = meeting_schedule.schedule_line(session, rest, call.viewer, call.now, call.today, force=False)
        return MeetingAnswer(scheduled.reply, notice_ids=scheduled.notice_ids)
    if action == "next":
        return MeetingAnswer(next_meeting(session, rest, call))
    if action == "list":
        return MeetingAnswer(meeting_list(session, rest, call))
    if action in ("agenda", "move", "cancel"):
        changed = change(session, action, rest, call)
        session.commit()
        return MeetingAnswer(_changed_reply(action, changed, lang), notice_ids=_ids(changed.notice_id))
    if action in ("ics", "feed"):
        return feed(session, rest, call, rotate_allowed=action == "feed")
    if action == "group":
        return MeetingAnswer(meeting_groups.run(session, rest, call.viewer, call.now))
    if action == "groups":
        return MeetingAnswer(meeting_groups.listing(session, rest, call.viewer))
    raise UsageError("meeting.unknown_subcommand", sub=command.sub)


def _help(lang: str) -> Reply:
    title = t(lang, "meeting.help.title")
    return Reply(text=title, blocks=[header(title), section(t(lang, "meeting.help.commands").strip())])


def _ids(*ids: int | None) -> list[int]:
    return [i for i in ids if i is not None]


def _group_here(session: Session, words: str, call: Invocation) -> WorkingGroup | None:
    """The group named in ``words``, else the group whose channel this is, else None."""
    if words.strip():
        return groups.resolve(session, slack_plain(words).strip("\"'“”"))
    return groups.by_channel(session, call.channel) if call.channel else None


def next_meeting(session: Session, rest: str, call: Invocation) -> Reply:
    """``/meeting next [group]``: the next sitting in full (who answered for the chair and the secretariat)."""
    group = _group_here(session, rest, call)
    viewer, lang = call.viewer, call.viewer.language
    ids = meetings.group_ids_for(session, viewer, group, None)
    found = meetings.coming(session, viewer, ids, call.now, 1)
    if not found:
        text = t(lang, "meeting.nothing_planned")
        return Reply(text=text, blocks=[section(text)])
    occurrence = found[0]
    meeting = occurrence.meeting
    tally = rsvps.tally(session, meeting.id, occurrence.recurrence_id)
    answered = (
        rsvps.answers(session, meeting.id, occurrence.recurrence_id) if viewer.may_see_rsvps(meeting.group) else None
    )
    return render.meeting_detail(occurrence, tally, answered, lang)


def meeting_list(session: Session, rest: str, call: Invocation) -> Reply:
    """``/meeting list [group|covenant] [n]``."""
    words = rest.split()
    limit = DEFAULT_LIST
    if words and words[-1].isdigit():
        limit = max(1, min(MAX_LIST, int(words.pop())))
    name = " ".join(words)
    group: WorkingGroup | None = None
    # A covenant named exactly ("metaal") wins over a group whose short name is the same ("Stuurgroep Metaal").
    covenant: Covenant | None = covenants.match_exact(session, name) if name else None
    if name and covenant is None:
        try:
            group = groups.resolve(session, slack_plain(name).strip("\"'“”"))
        except UsageError as not_a_group:
            try:
                covenant = covenants.resolve(session, name)
            except UsageError:
                raise not_a_group from None
    elif not name:
        group = _group_here(session, "", call)
    lang = call.viewer.language
    ids = meetings.group_ids_for(session, call.viewer, group, covenant)
    found = meetings.coming(session, call.viewer, ids, call.now, limit)
    if group is not None:
        title = t(lang, "meeting.list.title_group", group=render.group_name(group, lang))
    elif covenant is not None:
        title = t(lang, "meeting.list.title_covenant", covenant=covenant.name(lang))
    else:
        title = t(lang, "meeting.list.title")
    return render.meeting_list(found, title, lang)


def parse_ref(word: str, today: date) -> tuple[int, date | Literal["next"] | None]:
    """``12`` (the meeting or whole series), ``12@2027-03-15`` (one sitting), ``12@next``."""
    match = _REF.match(word.strip())
    if not match:
        raise UsageError("meeting.bad_ref", ref=word)
    on = match.group(2)
    if on is None:
        return int(match.group(1)), None
    if on.lower() in _NEXT:
        return int(match.group(1)), "next"
    return int(match.group(1)), parse_date(on, today)


def change(session: Session, action: str, rest: str, call: Invocation) -> Changed:
    """``agenda <meeting> <text>``, ``move <meeting> <date/time>``, ``cancel <meeting> [reason]``."""
    words = rest.split()
    if not words:
        raise UsageError(f"meeting.usage_{action}")
    meeting_id, on = parse_ref(words[0], call.today)
    # Two changing the same meeting at once take turns: the second sees the first's change (e.g. "already cancelled").
    locking.serialise(session, "meeting", meeting_id)
    target = meetings.target(session, meeting_id, on, call.viewer, call.now)
    tail = words[1:]
    if action == "agenda":
        return meeting_changes.set_agenda(session, target, slack_plain(" ".join(tail)), call.viewer, call.now)
    if action == "cancel":
        return meeting_changes.cancel(session, target, slack_plain(" ".join(tail)), call.viewer, call.now)
    when = parse_when(tail, call.today, need_date=False)
    if when is None or when.used < len(tail):
        raise UsageError("meeting.usage_move")
    meeting = target.meeting
    zone = ZoneInfo(meeting.timezone)
    current = target.occurrence.starts_at if target.occurrence else meeting.starts_at
    day = when.day or current.astimezone(zone).date()
    new_start = meetings.local_moment(day, when.start, meeting.timezone)
    duration: timedelta | None = when.duration
    if when.end is not None:
        duration = meetings.local_moment(day, when.end, meeting.timezone) - new_start
        if duration <= timedelta(0):
            raise UsageError("meeting.end_before_start")
    return meeting_changes.move(session, target, new_start, duration, call.viewer, call.now)


def _changed_reply(action: str, changed: Changed, lang: str) -> Reply:
    meeting = changed.meeting
    text = t(lang, f"meeting.done_{action}", title=f"*{escape(meeting.title)}*", ref=meeting.id)
    if changed.notice_id is not None and meeting.group.channel_id:
        text += " " + t(lang, "meeting.told_channel", channel=f"<#{meeting.group.channel_id}>")
    return render.confirmation(text)


def feed(session: Session, rest: str, call: Invocation, rotate_allowed: bool) -> MeetingAnswer:
    """``/meeting ics <group>`` (the link, or the file where no web address is set) and
    ``/meeting feed <group> rotate`` (a new link; the old one stops working)."""
    words = rest.split()
    rotate = rotate_allowed and bool(words) and words[-1].lower() in _ROTATE
    if rotate:
        words.pop()
    group = _group_here(session, " ".join(words), call)
    if group is None:
        raise UsageError("group.missing")
    viewer, lang = call.viewer, call.viewer.language
    if not viewer.may_subscribe(group):
        raise UsageError("meeting.feed_members_only", group=group.name)
    if rotate:
        groups.rotate_feed(session, group, viewer, call.now)
        session.commit()
    name = escape(render.group_name(group, lang))
    lines = [t(lang, "meeting.feed_rotated", group=name)] if rotate else []
    file: CalendarFile | None = None
    if call.public_url:
        url = f"{call.public_url.rstrip('/')}/calendar/{group.calendar_token}.ics"
        lines.append(t(lang, "meeting.feed_link", group=name, url=url))
    else:
        lines.append(t(lang, "meeting.feed_file", group=name))
        content = calendar_feed.calendar(session, group, call.now)
        file = CalendarFile(f"{_slug(group.name)}.ics", group.name, content)
    lines.append(t(lang, "meeting.feed_private"))
    return MeetingAnswer(render.confirmation("\n".join(lines)), file=file)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "meetings"
