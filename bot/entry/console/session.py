"""The console: each typed line becomes a signed request to the real Bolt app; every Web API call the
app makes goes to the in-process stand-in and is printed as text."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from flask import Flask
from slack_bolt import App

from bot.app import build_sweeper, create_app, make_web_client
from bot.bolt_request import bolt_request
from bot.clock import Clock, OffsetClock
from bot.db import models as db_models
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import create_schema, upgrade
from bot.delivery import Sweeper
from bot.entry.console import mail as console_mail
from bot.entry.console import payloads
from bot.entry.console.mail import ConsoleMailbox
from bot.entry.console.text import blocks_to_text
from bot.entry.links import LinkPages, follow, link_app
from bot.services import links
from bot.services.administration import seed
from bot.slack_standin import Call, StandinSlack
from bot.slack_standin import requests as slack_requests
from bot.slack_standin.demo import furnish
from config.settings import Settings

CONSOLE_PUBLIC_URL = "http://localhost:3000"
CONSOLE_SECRET = "console-signing-secret"
CONSOLE_TOKEN = "xoxb-console"
# Files the bot sends that are not text: written to a folder, their path printed.
BINARY_FILES = {".xlsx", ".png", ".jpg", ".gif", ".pdf"}
CONSOLE_USER = seed.DemoPerson("console", "UCONSOLE01", "Console user", "en-GB", "Europe/Amsterdam")
CHANNEL = "CCONSOLE01"

HELP = """Type what you would type in Slack:
  /covenant status textiel      a slash command
  @bot wat is de status van metaal?   an @mention in a channel
  !dm <text>                    a direct message to the bot
  !home                         open the bot's App Home tab
  !click <n>                    press button [n] of a printed message
  !reply <text>                 reply in the thread of the bot's last message in a channel
  !say [#channel] <text>        a message in that channel (default: where the bot last posted)
  !edit <text> / !delete        edit or delete your last message or reply
  !shortcut                     "Add to minutes" on your last message
  !submit block=value ...       submit the last opened form, e.g. !submit group=3 date=2027-03-15 start=14:00
                                (a choice by the number or the label the form shows: group=2 repeat="Every week")
                                (values with spaces in quotes: agenda="1. Opening 2. Verslag")
  !sweep                        send the reminders and digests that are due now
  !mail [n]                     the last n emails the bot sent (default 3): to, subject, text, links numbered
  !advance <n>d|h|m             move the clock forward (e.g. !advance 3d) and sweep
  !open <url|n> [confirm]       follow a link from an email (n: the n-th link !mail lists): the page it shows;
                                with confirm, press the page's button
  !time                         show the console's clock
  !canvas #<channel>            print the channel's canvas (Markdown), as the bot keeps it
  !in #<channel>                type in another channel (a new one the bot is not in yet)
  /invite @covenant-bot         invite the bot to the channel you type in (it cannot post where it is not)
  !as <person>                  act as another demo person (!people lists them)
  !help                         this text;  !quit (or end of input) leaves"""


@dataclass
class _Button:
    element: dict[str, Any]
    block: dict[str, Any]
    call: Call


@dataclass
class Console:
    """One console session over an app built on ``settings``."""

    settings: Settings
    out: TextIO = sys.stdout
    clock: OffsetClock = field(default_factory=OffsetClock)
    people: list[seed.DemoPerson] = field(default_factory=list)
    user: seed.DemoPerson = CONSOLE_USER
    standin: StandinSlack = field(init=False)
    app: App = field(init=False)
    sweeper: Sweeper = field(init=False)
    _buttons: dict[int, _Button] = field(default_factory=dict)
    _channel_post: tuple[str, str] | None = None
    channel: str = CHANNEL
    _posted: payloads.Posted | None = None
    # The links of the emails the console showed, in order (``!open n`` follows the n-th).
    mail_links: list[str] = field(default_factory=list)
    link_pages: LinkPages = field(init=False)
    link_web: Flask = field(init=False)
    # Emails to people without Slack: kept here, printed as they go (nothing leaves the machine).
    mailbox: ConsoleMailbox = field(init=False)
    # Where pictures the bot uploads (charts) are written; None: ~/covenant-bot-charts.
    charts_dir: Path | None = None

    def _save_picture(self, uploaded: dict[str, Any]) -> None:
        """A picture the bot uploaded (a chart): written to the charts folder, its path and alt text printed."""
        folder = self.charts_dir or Path.home() / "covenant-bot-charts"
        target = _picture_path(folder, str(uploaded["name"]))
        target.write_bytes(self.standin.file_bytes(str(uploaded["id"])))
        self._say(f"--- picture {uploaded['name']} in your DM: {target} ---\n{uploaded.get('alt_txt') or ''}\n")

    def start(self) -> None:
        self.standin = StandinSlack(on_call=self._print_call).start()
        channels = seed.demo_channels() if self.people else []
        furnish(self.standin, [self.user, *self.people], channels, general=CHANNEL)
        session_factory = make_session_factory(make_engine(self.settings.database_url))
        # The console's signing secret is no secret (it is in this file): links are signed with LINK_SECRET when
        # set, else with the database's own key, never with a key derived from it.
        link_secret = self.settings.link_secret or links.secret_from(None, None, session_factory).hex()
        settings = self.settings.model_copy(
            update={
                "slack_signing_secret": CONSOLE_SECRET,
                "slack_bot_token": CONSOLE_TOKEN,
                "slack_api_url": self.standin.api_url,
                "link_secret": link_secret,
            }
        )
        if not settings.mail_from:
            settings = settings.model_copy(update={"mail_from": console_mail.SENDER})
        # The console follows its emails' links itself (!open), wherever they point; PUBLIC_URL stays as set, since
        # without it /meeting ics hands over the file rather than a feed address.
        link_for = links.link_maker(
            settings.model_copy(update={"public_url": settings.public_url or CONSOLE_PUBLIC_URL}), session_factory
        )
        self.mailbox = console_mail.ConsoleMailbox(printer=self._print_email)
        self.app = create_app(
            settings,
            session_factory=session_factory,
            client=make_web_client(settings),
            clock=self.clock,
            work_in_request=True,
            mail=self.mailbox,
            link_for=link_for,
        )
        self.sweeper = build_sweeper(
            settings, session_factory=session_factory, clock=self.clock, mail=self.mailbox, link_for=link_for
        )
        self.sweeper.threads = 1  # one sender: messages print in a stable order, so button numbers repeat
        self.link_pages = LinkPages(settings, session_factory, self.clock, sweeper=self.sweeper, client=self.app.client)
        self.link_web = link_app(self.link_pages)

    def stop(self) -> None:
        self.standin.stop()

    # -- input ---------------------------------------------------------------------------------------
    def handle_line(self, line: str) -> bool:
        """Act on one typed line; False when the user wants to leave."""
        line = line.strip()
        if not line:
            return True
        if line in ("!quit", "!exit", "exit", "quit"):
            return False
        if line.startswith("/invite"):
            self._invite(line.removeprefix("/invite").strip())
        elif line.startswith("/"):
            command, _, text = line.partition(" ")
            self._slash(command, text)
        elif line.lower().startswith(("@bot", "@covenant-bot")):
            text = line.split(" ", 1)[1] if " " in line else ""
            self._event(
                {"type": "app_mention", "text": f"<@{self.standin.bot_user_id}> {text}", "channel": self.channel}
            )
        elif line.startswith("!dm "):
            self._event({"type": "message", "channel_type": "im", "text": line[4:], "channel": "DCONSOLE01"})
        elif line == "!home":
            self._event({"type": "app_home_opened", "tab": "home", "channel": "DCONSOLE01"})
        elif line.startswith("!click"):
            self._click(line.removeprefix("!click").strip())
        elif line.startswith("!submit"):
            self._submit(line.removeprefix("!submit").strip())
        elif line.split(" ", 1)[0] in ("!reply", "!say", "!edit", "!delete", "!shortcut"):
            command, _, rest = line.partition(" ")
            self._channel_line(command, rest.strip())
        elif line.startswith("!canvas"):
            self._canvas(line.removeprefix("!canvas").strip())
        elif line.startswith("!in"):
            self._enter(line.removeprefix("!in").strip())
        elif line.startswith("!as"):
            self._switch(line.removeprefix("!as").strip())
        elif line == "!sweep":
            self._sweep()
        elif line.split(" ", 1)[0] == "!mail":
            self._show_mail(line.removeprefix("!mail").strip())
        elif line.startswith("!advance"):
            self._advance(line.removeprefix("!advance").strip())
        elif line.startswith("!open"):
            self._open(line.removeprefix("!open").strip())
        elif line == "!time":
            self._say(f"(console time: {self._local_now()})")
        elif line == "!people":
            for person in self.people:
                self._say(f"  {person.key:<10} {person.name} ({person.locale})")
        elif line == "!help":
            self._say(HELP)
        else:
            self._say("Start with / for a command or @bot for a question; !help shows more.")
        return True

    def _open(self, text: str) -> None:
        """Follow a link as a browser would: its page, or with ``confirm`` the page's button."""
        target, _, rest = text.partition(" ")
        if target.isdigit() and 0 < int(target) <= len(self.mail_links):
            target = self.mail_links[int(target) - 1]
        if not target or target.isdigit() or rest.strip() not in ("", "confirm"):
            self._say("Usage: !open <link from an email, or its number in !mail> [confirm]")
            return
        self._say(f"--- {target} ---\n{follow(self.link_web, target, confirm=rest.strip() == 'confirm')}\n")

    def _local_now(self) -> str:
        local = self.clock.now().astimezone(ZoneInfo(self.settings.bot_timezone))
        return local.strftime("%A %d %B %Y %H:%M %Z")

    def _sweep(self) -> None:
        result = self.sweeper.run_once()
        self._say(
            f"(sweep at {self._local_now()}: {result.sent + result.recovered} sent, {result.retried} to retry, "
            f"{result.failed} failed)"
        )

    def _advance(self, amount: str) -> None:
        units = {"d": "days", "h": "hours", "m": "minutes"}
        if len(amount) < 2 or amount[-1] not in units or not amount[:-1].isdigit():
            self._say("(use e.g. !advance 3d, !advance 2h or !advance 30m)")
            return
        self.clock.advance(timedelta(**{units[amount[-1]]: int(amount[:-1])}))
        self._sweep()

    def _enter(self, name: str) -> None:
        """Type in channel ``name`` from now on; a channel the workspace lacks is made, without the bot in it."""
        channel_id = name.lstrip("#").upper()
        if not channel_id.isalnum() or not channel_id.startswith("C"):
            self._say("(use e.g. !in #CNEWCHANNEL: a channel id starting with C)")
            return
        known = self.standin.workspace.channels.get(channel_id)
        if known is None:
            known = self.standin.add_channel(channel_id, channel_id.lower(), members=self.standin.users)
        self.channel = channel_id
        member = self.standin.bot_user_id in known.members
        self._say(f"(now in #{channel_id}; the bot is {'a member' if member else 'not in it: /invite @covenant-bot'})")

    def _canvas(self, name: str) -> None:
        """``!canvas #channel``: the channel canvas's Markdown (by channel id or name)."""
        wanted = name.lstrip("#").strip()
        if not wanted:
            self._say("(usage: !canvas #channel)")
            return
        channels = self.standin.workspace.channels.values()
        found = next((c.id for c in channels if wanted.upper() == c.id or wanted.lower() == c.name.lower()), None)
        markdown = self.standin.canvases.markdown(found) if found else None
        if markdown is None:
            self._say(f"(#{wanted} has no canvas yet)")
            return
        print(markdown, file=self.out, flush=True)

    def _invite(self, text: str) -> None:
        """``/invite @covenant-bot``: the bot joins the channel the console types in."""
        if text.lower().lstrip("@") not in ("covenant-bot", "bot", f"<{self.standin.bot_user_id}>"):
            self._say("(the console only invites the bot: /invite @covenant-bot)")
            return
        self.standin.invite_bot(self.channel)
        self._say(f"(covenant-bot was added to #{self.channel})")

    def _switch(self, key: str) -> None:
        for person in self.people:
            if person.key == key:
                self.user = person
                self._say(f"(now acting as {person.name})")
                return
        self._say(f"(no person '{key}'; !people lists them)")

    def _channel_line(self, command: str, text: str) -> None:
        """Messages, replies, edits, deletions, the message shortcut and form submissions."""
        user, team = self.user.slack_user_id, self.standin.team_id
        if command in ("!edit", "!delete", "!shortcut") and self._posted is None:
            self._say("(say or reply something first: !say <text> or !reply <text>)")
        elif command == "!reply" and self._channel_post is None:
            self._say("(the bot has not posted in a channel yet)")
        elif command in ("!reply", "!say"):
            channel, thread_ts = self._channel_post or (self.channel, "")
            if command == "!say":
                thread_ts = ""
                if text.startswith("#"):
                    channel, _, text = text[1:].partition(" ")
            event, self._posted = payloads.message_event(user, channel, text, thread_ts or None)
            self._event(event)
        elif command == "!edit" and self._posted is not None:
            self._event(payloads.edited_event(user, self._posted, text))
            self._posted = dataclasses.replace(self._posted, text=text)
        elif command == "!delete" and self._posted is not None:
            self._event(payloads.deleted_event(user, self._posted))
        elif command == "!shortcut" and self._posted is not None:
            payload = payloads.message_shortcut(
                user, team, "add_to_minutes", self._posted, user, self.standin.response_url(), self.standin.trigger_id()
            )
            self._dispatch(slack_requests.interaction(payload), slack_requests.FORM)

    def _dispatch(self, body: str, content_type: str) -> None:
        headers: dict[str, str | Sequence[str]] = {
            "content-type": content_type,
            **slack_requests.sign(CONSOLE_SECRET, body),
        }
        response = self.app.dispatch(bolt_request(body, headers))
        if response.status >= 400:
            self._say(f"(the app answered HTTP {response.status})")
        elif response.body and response.headers.get("content-type", [""])[0].startswith("application/json"):
            answer = json.loads(response.body)
            if answer.get("response_action") == "errors":
                for block_id, error in answer.get("errors", {}).items():
                    self._say(f"(the form was not accepted) [{block_id}] {error}")
            elif answer.get("response_action") != "clear":
                self._print_message("reply", answer)

    def _slash(self, command: str, text: str) -> None:
        body = slack_requests.slash_command(
            command,
            text,
            user_id=self.user.slack_user_id,
            response_url=self.standin.response_url(),
            channel_id=self.channel,
            trigger_id=self.standin.trigger_id(),
            user_name=self.user.key,
        )
        self._dispatch(body, slack_requests.FORM)

    def _event(self, event: dict[str, Any]) -> None:
        event = {"user": self.user.slack_user_id, "ts": f"{time.time():.6f}", **event}
        if event.get("type") in ("message", "app_mention") and not event.get("subtype"):
            # The person's message is in Slack before the bot hears of it (the bot may react to it).
            self.standin.user_message(
                str(event["channel"]),
                str(event["user"]),
                str(event.get("text", "")),
                str(event["ts"]),
                event.get("thread_ts"),
            )
        self._dispatch(slack_requests.event_callback(event), slack_requests.JSON)

    def _click(self, number: str) -> None:
        button = self._buttons.get(int(number)) if number.isdigit() else None
        if button is None:
            self._say("(no such button: use a number shown as [n ...])")
            return
        call = button.call
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {
                "id": self.user.slack_user_id,
                "username": self.user.key,
                "team_id": self.standin.team_id,
            },
            "api_app_id": "ACOVENANT",
            "token": "unused-verification-token",
            "team": {"id": self.standin.team_id, "domain": "covenant"},
            "trigger_id": self.standin.trigger_id(),
            "response_url": self.standin.response_url(),
            "actions": [
                {
                    "type": "button",
                    "action_id": button.element["action_id"],
                    "block_id": button.block.get("block_id", "b"),
                    "value": button.element.get("value", ""),
                    "text": button.element.get("text"),
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if call.method.startswith("views."):
            view = call.response.get("view", {})
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = view
        else:
            channel = str(call.response.get("channel") or call.args.get("channel") or self.channel)
            ts = str(call.response.get("ts") or call.response.get("message_ts") or "")
            payload["container"] = {"type": "message", "message_ts": ts, "channel_id": channel}
            payload["channel"] = {"id": channel}
            payload["message"] = {
                "ts": ts,
                "text": call.args.get("text"),
                "blocks": call.args.get("blocks", []),
            }
        self._dispatch(slack_requests.interaction(payload), slack_requests.FORM)

    def _submit(self, text: str) -> None:
        """Send a view_submission for the last opened modal with the given field values."""
        opened = [call for call in self.standin.calls_to("views.open", "views.push") if call.ok]
        if not opened:
            self._say("(no form is open: /meeting schedule opens one)")
            return
        view = dict(opened[-1].response.get("view") or {})
        try:
            given = dict(item.split("=", 1) for item in shlex.split(text))
        except ValueError:
            self._say("(use !submit block=value ..., e.g. !submit group=3 date=2027-03-15 start=14:00)")
            return
        unknown = set(given) - {block.get("block_id") for block in view.get("blocks", [])}
        if unknown:
            self._say(f"(the form has no field {', '.join(sorted(unknown))})")
            return
        # A choice is typed as the form shows it (its number or label); Slack never sends an unseen option.
        given, problems = payloads.chosen_values(view, given)
        for block_id, problem in problems.items():
            self._say(f"(the form was not accepted) [{block_id}] {problem}")
        if problems:
            return
        payload = {
            "type": "view_submission",
            "user": {"id": self.user.slack_user_id, "username": self.user.key, "team_id": self.standin.team_id},
            "api_app_id": "ACOVENANT",
            "token": "unused-verification-token",
            "team": {"id": self.standin.team_id, "domain": "covenant"},
            "trigger_id": self.standin.trigger_id(),
            "view": {**view, "state": {"values": slack_requests.view_state(view, given)}},
        }
        self._dispatch(slack_requests.interaction(payload), slack_requests.FORM)

    def _show_mail(self, count: str) -> None:
        """``!mail [n]``: the last ``n`` emails with their links numbered (for ``!open N``)."""
        if count and not count.isdigit():
            self._say("(use !mail or !mail 5)")
            return
        emails = self.mailbox.last(int(count or 3))
        if not emails:
            self._say("(no emails sent yet: people without Slack get theirs by email)")
        self.mail_links = []
        for message in emails:
            self._say(f"--- email ---\n{console_mail.summary(message)}")
            for link in console_mail.links_of(message):
                self.mail_links.append(link)
                self._say(f"  [{len(self.mail_links)}] {link}")
            self._say("")

    # -- output --------------------------------------------------------------------------------------
    def _print_email(self, message: EmailMessage) -> None:
        text = console_mail.text_part(message)
        self._say(f"--- email to {message['To']} ---\nSubject: {message['Subject']}\n\n{text}\n")

    def _say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _user_name(self, user_id: str) -> str:
        user = self.standin.users.get(user_id)
        return str(user["real_name"]) if user else user_id

    def _number(self, call: Call) -> Any:
        def label(element: dict[str, Any], block: dict[str, Any]) -> str:
            number = len(self._buttons) + 1
            self._buttons[number] = _Button(element, block, call)
            return f"{number} "

        return label

    def _print_message(self, where: str, args: dict[str, Any], call: Call | None = None) -> None:
        call = call or Call("reply", args)
        text = blocks_to_text(args.get("blocks") or [], str(args.get("text", "")), self._user_name, self._number(call))
        self._say(f"--- {where} ---\n{text}\n")

    def _print_call(self, call: Call) -> None:
        args = call.args
        if not call.ok:
            self._say(f"(Slack refused {call.method}: {call.response.get('error')})")
            return
        if call.method == "response_url":
            where = "the message is now" if args.get("replace_original") in (True, "true") else "only visible to you"
            self._print_message(where, args, call)
        elif call.method == "chat.postEphemeral":
            self._print_message(f"only visible to you in {args.get('channel')}", args, call)
        elif call.method == "chat.postMessage":
            channel = str(args.get("channel", ""))
            if channel.startswith(("C", "G")):
                self._channel_post = (str(call.response.get("channel")), str(call.response.get("ts")))
            where = f"DM to {self._user_name(channel)}" if channel.startswith("U") else f"message in {channel}"
            self._print_message(where, args, call)
        elif call.method == "chat.update":
            self._print_message(f"updated message in {args.get('channel')}", args, call)
        elif call.method == "reactions.add":
            self._say(f"(the bot reacted :{args.get('name')}: to your message)\n")
        elif call.method == "files.completeUploadExternal":
            for uploaded in call.response.get("files", []):
                if str(uploaded.get("mimetype", "")).startswith("image/"):
                    self._save_picture(uploaded)
                    continue
                name = str(uploaded["name"])
                content = self.standin.file_bytes(str(uploaded["id"]))
                if Path(name).suffix.lower() in BINARY_FILES:
                    self._say(f"--- file {name} in your DM, written to {_save(name, content)} ---\n")
                else:
                    self._say(f"--- file {name} in your DM ---\n{content.decode('utf-8')}")
        elif call.method in ("views.open", "views.push", "views.update", "views.publish"):
            view = args.get("view") or {}
            title = view.get("title", {}).get("text", "App Home" if call.method == "views.publish" else "")
            self._print_message(f"{call.method.split('.')[1]}: {title}", {"blocks": view.get("blocks", [])}, call)


def _picture_path(folder: Path, name: str) -> Path:
    """A new file in ``folder`` for a picture called ``name`` (numbered when one of that name is there)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, _, suffix = name.rpartition(".")
    target, number = folder / name, 1
    while target.exists():
        number += 1
        target = folder / f"{stem}-{number}.{suffix}"
    return target


def _save(name: str, content: bytes) -> Path:
    """Write a file the bot sent (a workbook) where the person can open it after the console ends."""
    folder = Path(tempfile.gettempdir()) / "covenant-bot-files"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(name).name
    target.write_bytes(content)
    return target


def prepare_database(settings: Settings, demo: bool, clock: Clock, folder: Path | None = None) -> Settings:
    """Migrate (and seed) the console's database; ``--demo`` uses a fresh SQLite file in ``folder`` (a new
    temporary folder when None) that is a copy of today's demo template (see :func:`demo_template`)."""
    if demo:
        folder = folder or Path(tempfile.mkdtemp(prefix="covenant-bot-demo-"))
        target = folder / "demo.sqlite3"
        shutil.copyfile(demo_template(clock), target)
        return settings.model_copy(update={"database_url": f"sqlite:///{target}"})
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        seed.load_public(session)
    engine.dispose()
    return settings


def demo_template(clock: Clock) -> Path:
    """Today's demo database, built once (schema created at once, public and demo data seeded) and kept in
    the temporary directory under a name that changes with the date, the schema and the seed data.

    Every ``console --demo`` starts from a copy: building it takes a quarter of the start-up time.
    """
    today = clock.now().date()
    digest = hashlib.sha256(today.isoformat().encode())
    for source in _template_sources():
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    template = Path(tempfile.gettempdir()) / "covenant-bot-demo" / f"{digest.hexdigest()[:20]}.sqlite3"
    if not template.exists():
        template.parent.mkdir(parents=True, exist_ok=True)
        building = template.with_suffix(f".{os.getpid()}.building")
        try:
            engine = make_engine(f"sqlite:///{building}")
            create_schema(engine)
            with make_session_factory(engine)() as session:
                seed.load_public(session)
                now = clock.now()
                seed.load_demo(session, now.date(), now)
            engine.dispose()  # the last connection checkpoints the WAL into the file
            os.replace(building, template)  # whole or not at all, also when two consoles start at once
        finally:
            # Interrupted (Ctrl-C) or failed: no half-built file stays behind.
            for leftover in building.parent.glob(building.name + "*"):
                leftover.unlink(missing_ok=True)
    return template


def _template_sources() -> list[Path]:
    """What a demo database is made of: the seed files, the seeding code and the models."""
    models = Path(str(db_models.__file__)).parent
    return [*seed.seed_files(), Path(str(seed.__file__)), *sorted(models.glob("*.py"))]


def run(
    settings: Settings,
    *,
    demo: bool,
    as_person: str | None,
    stdin: TextIO,
    out: TextIO,
    charts_dir: Path | None = None,
) -> int:
    """Run the console until end of input or !quit; returns the process exit code.

    A ``--demo`` database lives in a temporary folder that is removed when the console ends, however it
    ends (!quit, end of input, Ctrl-C, an error): one afternoon of demos used to leave 99 of them.
    """
    folder = Path(tempfile.mkdtemp(prefix="covenant-bot-demo-")) if demo else None
    try:
        return _run(
            settings, demo=demo, folder=folder, as_person=as_person, stdin=stdin, out=out, charts_dir=charts_dir
        )
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _run(
    settings: Settings,
    *,
    demo: bool,
    folder: Path | None,
    as_person: str | None,
    stdin: TextIO,
    out: TextIO,
    charts_dir: Path | None = None,
) -> int:
    clock = OffsetClock()
    settings = prepare_database(settings, demo, clock, folder)
    people = seed.demo_people() if demo else []
    console = Console(settings=settings, out=out, clock=clock, people=people, charts_dir=charts_dir)
    locale = "nl-NL" if settings.bot_language == "nl" else "en-GB"
    console.user = people[0] if people else dataclasses.replace(CONSOLE_USER, locale=locale)
    console.start()
    try:
        if as_person:
            match = [p for p in people if p.key == as_person]
            if not match:
                keys = ", ".join(p.key for p in people) or "none (use --demo)"
                print(f"covenant-bot: no demo person '{as_person}'; choose one of: {keys}", file=sys.stderr)
                return 2
            console.user = match[0]
        interactive = stdin.isatty()
        if interactive:
            print(f"covenant-bot console — acting as {console.user.name}. !help for help.", file=out)
        while True:
            if interactive:
                try:
                    line = input("> ")
                except EOFError:
                    break
            else:
                line = stdin.readline()
                if not line:
                    break
            if not console.handle_line(line):
                break
    finally:
        console.stop()
    return 0
