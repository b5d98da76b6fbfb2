"""Block Kit for minutes: the "Minutes for ..." request, reminders to the minute-taker and chair, the
circulated minutes with Approve / Request changes, and the replies of /minutes (show, list, search)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db.enums import MinutesStatus
from bot.db.models import Minutes
from bot.i18n import t, tn
from bot.render.blocks import Block, Reply, actions, button, clip, context, escape, header, lines_to_sections, section
from bot.render.time import date_token, datetime_token
from bot.services.minutes.action_items import ReplaceResult
from bot.services.minutes.change_requests import ChangeRequest
from bot.services.minutes.decisions import Register
from bot.services.minutes.minutes_search import SearchHit

ACTION_ADD = "minutes_add"
ACTION_TAKE = "minutes_take"
ACTION_CIRCULATE = "minutes_circulate"
ACTION_APPROVE = "minutes_approve"
ACTION_CHANGES = "minutes_request_changes"
ACTION_CORRECT = "minutes_correct"
ACTIONS = (ACTION_ADD, ACTION_TAKE, ACTION_CIRCULATE, ACTION_APPROVE, ACTION_CHANGES, ACTION_CORRECT)
PART_LIMIT = 2500
CONTRIBUTIONS_SHOWN = 10
REQUESTS_SHOWN = 5


def when(minutes: Minutes, start: datetime, lang: str) -> str:
    """The sitting's start as a date token in the meeting's zone."""
    return datetime_token(start, minutes.meeting.timezone, lang)


def status_name(minutes: Minutes, lang: str) -> str:
    """``draft`` / ``concept``..., with the version number from version 2 on."""
    name = t(lang, f"minutes.status.{minutes.status.value}")
    return name if minutes.version == 1 else t(lang, "minutes.versioned", status=name, version=minutes.version)


def _who(slack_id: str | None, lang: str) -> str:
    return f"<@{slack_id}>" if slack_id else t(lang, "minutes.nobody")


def _title(minutes: Minutes) -> str:
    return escape(minutes.meeting.title)


def _buttons(minutes: Minutes, *elements: Block) -> Block:
    return actions(*elements, block_id=f"minutes:{minutes.id}")


def add_button(minutes: Minutes, lang: str, primary: bool = True) -> Block:
    return button(t(lang, "minutes.button.add"), ACTION_ADD, str(minutes.id), "primary" if primary else None)


def request_message(minutes: Minutes, start: datetime, lang: str) -> Reply:
    """In the group's channel when a meeting ended: replies in its thread become contributions."""
    title = t(lang, "minutes.request.title", meeting=minutes.meeting.title)
    taker = _who(minutes.taker.slack_user_id if minutes.taker else None, lang)
    body = t(lang, "minutes.request.body", when=when(minutes, start, lang), taker=taker)
    return Reply(
        text=title,
        blocks=[
            header(title),
            section(body),
            _buttons(
                minutes, add_button(minutes, lang), button(t(lang, "minutes.button.take"), ACTION_TAKE, str(minutes.id))
            ),
        ],
    )


def taker_message(minutes: Minutes, start: datetime, lang: str) -> Reply:
    """DM to the minute-taker when the meeting ended."""
    channel = minutes.meeting.group.channel_id
    where = t(lang, "minutes.taker.thread", channel=f"<#{channel}>") if channel else ""
    text = t(lang, "minutes.taker.body", meeting=_title(minutes), when=when(minutes, start, lang), where=where)
    return Reply(
        text=t(lang, "minutes.taker.fallback", meeting=minutes.meeting.title),
        blocks=[section(text), _buttons(minutes, add_button(minutes, lang))],
    )


def draft_chase(minutes: Minutes, start: datetime, contributions: int, lang: str) -> Reply:
    """To the minute-taker: two working days after the meeting there is still no draft."""
    text = tn(lang, "minutes.chase_draft.body", contributions, meeting=_title(minutes), when=when(minutes, start, lang))
    return Reply(
        text=t(lang, "minutes.chase_draft.fallback", meeting=minutes.meeting.title),
        blocks=[section(f":hourglass: {text}"), _buttons(minutes, add_button(minutes, lang))],
    )


def approval_chase(minutes: Minutes, start: datetime, lang: str) -> Reply:
    """To the chair: the comment window closed and the minutes are not approved yet."""
    until = datetime_token(minutes.comments_until or start, minutes.meeting.timezone, lang)
    text = t(lang, "minutes.chase_approval.body", meeting=_title(minutes), when=when(minutes, start, lang), until=until)
    return Reply(
        text=t(lang, "minutes.chase_approval.fallback", meeting=minutes.meeting.title),
        blocks=[
            section(f":bell: {text}"),
            _buttons(minutes, button(t(lang, "minutes.button.approve"), ACTION_APPROVE, str(minutes.id), "primary")),
        ],
    )


def _content(minutes: Minutes, lang: str, limit: int = PART_LIMIT) -> list[Block]:
    blocks: list[Block] = []
    tz = minutes.meeting.timezone
    if minutes.attendees:
        blocks.append(section(clip(f"*{t(lang, 'minutes.attendees')}*\n{escape(minutes.attendees)}", limit)))
    if minutes.summary:
        blocks.append(section(clip(f"*{t(lang, 'minutes.summary')}*\n{escape(minutes.summary)}", limit)))
    if minutes.decisions:
        lines = "\n".join(f"{i}. {escape(d.text)}" for i, d in enumerate(minutes.decisions, 1))
        blocks.append(section(clip(f"*{t(lang, 'minutes.decisions')}*\n{lines}", limit)))
    if minutes.action_items:
        lines = "\n".join(
            f"• {_who(i.owner_slack_id, lang)} — {escape(i.task)}"
            + (f" — {date_token(i.due_on, tz, lang)}" if i.due_on else "")
            for i in minutes.action_items
        )
        blocks.append(section(clip(f"*{t(lang, 'minutes.action_items')}*\n{lines}", limit)))
    return blocks


def approved_line(minutes: Minutes, lang: str) -> str:
    """Who approved the minutes, and when."""
    moment = datetime_token(minutes.approved_at or minutes.updated_at, minutes.meeting.timezone, lang)
    return ":white_check_mark: " + t(lang, "minutes.approved_by", who=_who(minutes.approved_by, lang), when=moment)


def circulated_message(minutes: Minutes, start: datetime, lang: str) -> Reply:
    """The minutes sent round the group: Approve / Request changes while circulated, the approval after."""
    review = minutes.status == MinutesStatus.CIRCULATED
    title = t(lang, "minutes.circulated.title" if review else "minutes.circulated.done", meeting=minutes.meeting.title)
    blocks: list[Block] = [header(title), context(when(minutes, start, lang), status_name(minutes, lang))]
    blocks += _content(minutes, lang)
    if minutes.status == MinutesStatus.CIRCULATED:
        until = datetime_token(minutes.comments_until or start, minutes.meeting.timezone, lang)
        blocks.append(context(t(lang, "minutes.circulated.window", until=until)))
        blocks.append(
            _buttons(
                minutes,
                button(t(lang, "minutes.button.approve"), ACTION_APPROVE, str(minutes.id), "primary"),
                button(t(lang, "minutes.button.changes"), ACTION_CHANGES, str(minutes.id)),
            )
        )
    elif minutes.status in (MinutesStatus.APPROVED, MinutesStatus.SUPERSEDED):
        blocks.append(section(approved_line(minutes, lang)))
    return Reply(text=title, blocks=blocks)


def changes_requested(minutes: Minutes, start: datetime, by: str, comment: str, lang: str) -> Reply:
    """To the group: someone asks for changes to the circulated minutes (the minute-taker is mentioned)."""
    taker = _who(minutes.taker.slack_user_id if minutes.taker else None, lang)
    text = t(
        lang,
        "minutes.changes.body",
        who=f"<@{by}>",
        meeting=_title(minutes),
        when=when(minutes, start, lang),
        taker=taker,
    )
    quote = "\n".join("> " + line for line in escape(comment).splitlines() or [""])
    return Reply(
        text=t(lang, "minutes.changes.fallback", meeting=minutes.meeting.title),
        blocks=[section(f":pencil2: {text}"), section(clip(quote, PART_LIMIT))],
    )


def detail(
    minutes: Minutes, start: datetime, earlier: list[Minutes], lang: str, may_write: bool, may_approve: bool
) -> Reply:
    """``/minutes show``: everything about the current version, with the buttons this reader may use."""
    meeting = minutes.meeting
    title = t(lang, "minutes.show.title", meeting=meeting.title)
    taker = _who(minutes.taker.slack_user_id if minutes.taker else None, lang)
    blocks: list[Block] = [
        header(title),
        context(
            when(minutes, start, lang),
            escape(meeting.group.name),
            status_name(minutes, lang),
            t(lang, "minutes.taker_is", who=taker),
        ),
    ]
    if minutes.status == MinutesStatus.APPROVED:
        blocks.append(section(approved_line(minutes, lang)))
    elif minutes.status == MinutesStatus.CIRCULATED:
        until = datetime_token(minutes.comments_until or start, meeting.timezone, lang)
        blocks.append(context(t(lang, "minutes.circulated.window", until=until)))
    content = _content(minutes, lang, 2000)
    blocks += content or [section(t(lang, "minutes.show.empty"))]
    standing = [c for c in minutes.contributions if not c.deleted]
    if standing:
        lines = [f"*{t(lang, 'minutes.contributions', count=len(standing))}*"]
        for c in standing[-CONTRIBUTIONS_SHOWN:]:
            link = f" (<{c.permalink}|{t(lang, 'minutes.link')}>)" if c.permalink else ""
            lines.append(f"• <@{c.author_slack_id}>: {escape(clip(c.text, 300))}{link}")
        blocks += lines_to_sections(lines, 2)
    if earlier:
        history = ", ".join(f"v{m.version} ({t(lang, f'minutes.status.{m.status.value}')})" for m in earlier)
        blocks.append(context(t(lang, "minutes.show.history", versions=history)))
    buttons = _detail_buttons(minutes, lang, may_write, may_approve)
    if buttons:
        blocks.append(_buttons(minutes, *buttons))
    blocks.append(context(t(lang, "minutes.show.export_hint")))
    return Reply(text=title, blocks=blocks)


def _detail_buttons(minutes: Minutes, lang: str, may_write: bool, may_approve: bool) -> list[Block]:
    value = str(minutes.id)
    found: list[Block] = []
    if minutes.status in (MinutesStatus.DRAFT, MinutesStatus.CIRCULATED) and may_write:
        found.append(add_button(minutes, lang, primary=minutes.status == MinutesStatus.DRAFT))
    if minutes.status == MinutesStatus.DRAFT and may_write:
        found.append(button(t(lang, "minutes.button.circulate"), ACTION_CIRCULATE, value))
    if minutes.status == MinutesStatus.CIRCULATED:
        if may_approve:
            found.append(button(t(lang, "minutes.button.approve"), ACTION_APPROVE, value, "primary"))
        found.append(button(t(lang, "minutes.button.changes"), ACTION_CHANGES, value))
    if minutes.status == MinutesStatus.APPROVED and may_write:
        found.append(button(t(lang, "minutes.button.correct"), ACTION_CORRECT, value))
    return found


def saved(minutes: Minutes, start: datetime, result: ReplaceResult, lang: str) -> Reply:
    """To the writer after saving the form: what was stored, which deadlines were made, and what next."""
    text = t(
        lang,
        "minutes.saved.body",
        meeting=_title(minutes),
        when=when(minutes, start, lang),
        decisions=tn(lang, "minutes.saved.decisions", len(minutes.decisions)),
        items=tn(lang, "minutes.saved.items", len(minutes.action_items)),
    )
    blocks: list[Block] = [section(f":memo: {text}")]
    if result.created:
        owners = ", ".join(sorted({_who(i.owner_slack_id, lang) for i in result.created}))
        blocks.append(context(tn(lang, "minutes.saved.deadlines", len(result.created), owners=owners)))
    if result.waived:
        blocks.append(context(tn(lang, "minutes.saved.waived", result.waived)))
    buttons = [add_button(minutes, lang, primary=False)]
    if minutes.status == MinutesStatus.DRAFT:
        buttons.insert(0, button(t(lang, "minutes.button.circulate"), ACTION_CIRCULATE, str(minutes.id), "primary"))
    blocks.append(_buttons(minutes, *buttons))
    return Reply(text=t(lang, "minutes.saved.fallback", meeting=minutes.meeting.title), blocks=blocks)


def approval_held(minutes: Minutes, requests: list[ChangeRequest], lang: str) -> Reply:
    """To the approver: changes were asked for after the last edit; the requests, and **Approve anyway**."""
    text = t(lang, "minutes.approve_held.body", meeting=_title(minutes))
    asked = [
        t(lang, "minutes.approve_held.request", who=_who(r.by, lang), comment=clip(escape(r.comment), 500))
        for r in requests[-REQUESTS_SHOWN:]
    ]
    anyway = button(t(lang, "minutes.approve_held.button"), ACTION_APPROVE, f"{minutes.id}:confirmed", "danger")
    return Reply(
        text=text,
        blocks=[
            section(text),
            *lines_to_sections(asked, 3),
            context(t(lang, "minutes.approve_held.hint")),
            _buttons(minutes, anyway),
        ],
    )


def line(text: str) -> Reply:
    """A one-line answer (confirmations of buttons and the shortcut)."""
    return Reply(text=text, blocks=[section(text)])


def minutes_list(found: list[tuple[Minutes, datetime]], lang: str) -> Reply:
    """``/minutes list``: the newest minutes the reader may see, one line each."""
    title = t(lang, "minutes.list.title", count=len(found))
    if not found:
        return Reply(text=title, blocks=[header(title), section(t(lang, "minutes.list.empty"))])
    lines = [
        f"• *{_title(m)}* — {when(m, start, lang)} — {escape(m.meeting.group.name)} — _{status_name(m, lang)}_"
        for m, start in found
    ]
    return Reply(
        text=title, blocks=[header(title), *lines_to_sections(lines, 10), context(t(lang, "minutes.list.hint"))]
    )


def search_results(query: str, hits: list[tuple[SearchHit, datetime]], lang: str) -> Reply:
    """``/minutes search``: ranked hits with the line that matched best."""
    title = t(lang, "minutes.search.title", query=query)
    if not hits:
        return Reply(text=title, blocks=[header(title), section(t(lang, "minutes.search.none", query=escape(query)))])
    lines = []
    for hit, start in hits:
        m = hit.minutes
        lines.append(
            f"• *{_title(m)}* — {when(m, start, lang)} — _{status_name(m, lang)}_\n> {escape(clip(hit.snippet, 250))}"
        )
    return Reply(
        text=title, blocks=[header(title), *lines_to_sections(lines, 10), context(t(lang, "minutes.search.hint"))]
    )


def decisions_register(found: Register, lang: str) -> Reply:
    """``/minutes decisions``: each decision with its meeting, its date and the command that shows its minutes."""
    scope = found.scope or t(lang, "minutes.register.everywhere")
    title = t(lang, "minutes.register.title", scope=scope)
    narrowed = t(lang, "minutes.register.words", words=escape(found.words)) if found.words else ""
    if not found.entries:
        none = t(lang, "minutes.register.none") + narrowed if found.words else t(lang, "minutes.register.none_yet")
        return Reply(text=title, blocks=[header(title), section(none)])
    lines = []
    for entry in found.entries:
        m = entry.minutes
        day = entry.sitting.astimezone(ZoneInfo(m.meeting.timezone)).date()
        show = f"/minutes show {m.meeting.title} {day.isoformat()}"
        lines.append(
            f"• {escape(clip(entry.text, 500))}\n    _{_title(m)} — {date_token(day, m.meeting.timezone, lang)}_"
            f" · `{escape(show)}`"
        )
    blocks = [header(title), *lines_to_sections(lines, 10)]
    if found.total > len(found.entries):
        blocks.append(context(tn(lang, "minutes.register.more", found.total - len(found.entries))))
    blocks.append(context(t(lang, "minutes.register.hint") + narrowed))
    return Reply(text=title, blocks=blocks)


def help_reply(lang: str) -> Reply:
    """What /minutes can do."""
    title = t(lang, "minutes.help.title")
    return Reply(text=title, blocks=[header(title), section(t(lang, "minutes.help.commands").strip())])
