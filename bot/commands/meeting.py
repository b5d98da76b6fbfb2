"""``/meeting``: schedule, next, list, agenda, move, cancel, the calendar feed, and working groups."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.db.models import Covenant, WorkingGroup
from bot.i18n import t
from bot.interaction import Ask, Outcome, Upload
from bot.parsing.dates import parse_date, parse_when
from bot.parsing.text import slack_plain, split_command
from bot.render import meetings as render
from bot.render.blocks import Reply, escape, header, section
from bot.services import locking
from bot.services.covenants import covenants
from bot.services.errors import UsageError
from bot.services.meetings import calendar_feed, groups, meeting_changes, meetings, rsvps
from bot.services.meetings.meeting_changes import Changed

from . import meeting_groups, meeting_schedule

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
_CHANGES = ("agenda", "move", "cancel")
DEFAULT_LIST = 10
MAX_LIST = 25


def writes(sub: str, rest: str) -> bool:
    """True when ``/meeting <sub> <rest>`` may change something (so a replay of it must not)."""
    action = _SUBCOMMANDS.get(sub)
    if action == "schedule":
        return bool(rest)  # without text it only opens the form; the form's submission is its own request
    if action in _CHANGES:
        return True
    if action == "feed":
        words = rest.split()
        return bool(words) and words[-1].lower() in _ROTATE
    if action == "group":
        inner = split_command(rest)
        return meeting_groups.writes(inner.sub, inner.rest)
    return False


def opens_form(text: str) -> bool:
    """True when ``/meeting <text>`` opens the schedule form (which must happen while Slack waits for the ack)."""
    command = split_command(text)
    return _SUBCOMMANDS.get(command.sub) == "schedule" and not command.rest


def run(ask: Ask, text: str) -> Outcome:
    """Answer ``/meeting <text>``."""
    command = split_command(text)
    if command.sub in HELP_WORDS:
        return Outcome.of(_help(ask.lang))
    action = _SUBCOMMANDS.get(command.sub)
    rest = command.rest
    if action == "schedule":
        if not rest:
            failed = render.confirmation(t(ask.lang, "meeting.modal_failed"))
            return Outcome(modal=meeting_schedule.modal(ask), if_failed=failed)
        return meeting_schedule.schedule_line(ask, rest)
    if action == "next":
        return Outcome.of(next_meeting(ask, rest))
    if action == "list":
        return Outcome.of(meeting_list(ask, rest))
    typed = f"/meeting {command.sub}"
    if action in _CHANGES:
        if not rest:
            raise UsageError(f"usage.meeting_{action}", command=typed)
        changed = change(ask, action, rest)
        ask.session.commit()
        return Outcome(reply=_changed_reply(action, changed, ask.lang), deliveries=_ids(changed.notice_id))
    if action in ("ics", "feed"):
        return feed(ask, rest, rotate_allowed=action == "feed", typed=typed)
    if action == "group":
        return meeting_groups.run(ask, rest, typed)
    if action == "groups":
        return meeting_groups.listing(ask, rest)
    raise UsageError("meeting.unknown_subcommand", sub=command.sub)


def _help(lang: str) -> Reply:
    title = t(lang, "meeting.help.title")
    return Reply(text=title, blocks=[header(title), section(t(lang, "meeting.help.commands").strip())])


def _ids(*ids: int | None) -> list[int]:
    return [i for i in ids if i is not None]


def _group_here(ask: Ask, words: str) -> WorkingGroup | None:
    """The group named in ``words``, else the group whose channel this is, else None."""
    if words.strip():
        return groups.resolve(ask.session, slack_plain(words).strip("\"'“”"))
    return groups.by_channel(ask.session, ask.channel) if ask.channel else None


def _may_attend(ask: Ask, group: WorkingGroup | None) -> None:
    """A group's meetings are shown to those who may attend them; others are told whose they are."""
    if group is not None and not ask.viewer.may_attend(group):
        raise UsageError("meeting.members_only", group=render.group_name(group, ask.lang))


def next_meeting(ask: Ask, rest: str) -> Reply:
    """``/meeting next [group]``: the next sitting in full (who answered for the chair and the secretariat)."""
    group = _group_here(ask, rest)
    session, viewer, lang = ask.session, ask.viewer, ask.lang
    _may_attend(ask, group)
    ids = meetings.group_ids_for(session, viewer, group, None)
    found = meetings.coming(session, viewer, ids, ask.now, 1)
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


def meeting_list(ask: Ask, rest: str) -> Reply:
    """``/meeting list [group|covenant] [n]``."""
    session = ask.session
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
        group = _group_here(ask, "")
    lang = ask.lang
    _may_attend(ask, group)
    ids = meetings.group_ids_for(session, ask.viewer, group, covenant)
    found = meetings.coming(session, ask.viewer, ids, ask.now, limit)
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


def change(ask: Ask, action: str, rest: str) -> Changed:
    """``agenda <meeting> <text>``, ``move <meeting> <date/time>``, ``cancel <meeting> [reason]``."""
    words = rest.split()
    if not words:
        raise UsageError(f"meeting.usage_{action}")
    session, viewer, now = ask.session, ask.viewer, ask.now
    meeting_id, on = parse_ref(words[0], ask.today)
    # Two changing the same meeting at once take turns: the second sees the first's change (e.g. "already cancelled").
    locking.serialise(session, "meeting", meeting_id)
    target = meetings.target(session, meeting_id, on, viewer, now)
    tail = words[1:]
    if action == "agenda":
        return meeting_changes.set_agenda(session, target, slack_plain(" ".join(tail)), viewer, now)
    if action == "cancel":
        return meeting_changes.cancel(session, target, slack_plain(" ".join(tail)), viewer, now)
    when = parse_when(tail, ask.today, need_date=False)
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
    return meeting_changes.move(session, target, new_start, duration, viewer, now)


def _changed_reply(action: str, changed: Changed, lang: str) -> Reply:
    meeting = changed.meeting
    text = t(lang, f"meeting.done_{action}", title=f"*{escape(meeting.title)}*", ref=meeting.id)
    if changed.notice_id is not None and meeting.group.channel_id:
        text += " " + t(lang, "meeting.told_channel", channel=f"<#{meeting.group.channel_id}>")
    return render.confirmation(text)


def feed(ask: Ask, rest: str, rotate_allowed: bool, typed: str = "/meeting ics") -> Outcome:
    """``/meeting ics <group>`` (the link, or the file where no web address is set) and
    ``/meeting feed <group> rotate`` (a new link; the old one stops working)."""
    words = rest.split()
    rotate = rotate_allowed and bool(words) and words[-1].lower() in _ROTATE
    if rotate:
        words.pop()
    group = _group_here(ask, " ".join(words))
    if group is None:
        # Outside a group's channel the group must be named: say how, for the command as typed.
        raise UsageError("usage.meeting_calendar", command=typed) if not words else UsageError("group.missing")
    session, viewer, lang = ask.session, ask.viewer, ask.lang
    if not viewer.may_attend(group):
        raise UsageError("meeting.feed_members_only", group=group.name)
    if rotate:
        groups.rotate_feed(session, group, viewer, ask.now)
        session.commit()
    name = escape(render.group_name(group, lang))
    lines = [t(lang, "meeting.feed_rotated", group=name)] if rotate else []
    file: Upload | None = None
    if ask.public_url:
        url = f"{ask.public_url.rstrip('/')}/calendar/{group.calendar_token}.ics"
        lines.append(t(lang, "meeting.feed_link", group=name, url=url))
    else:
        lines.append(t(lang, "meeting.feed_file", group=name))
        content = calendar_feed.calendar(session, group, ask.now)
        file = Upload(f"{_slug(group.name)}.ics", group.name, content)
    lines.append(t(lang, "meeting.feed_private"))
    return Outcome(reply=render.confirmation("\n".join(lines)), upload=file)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "meetings"
