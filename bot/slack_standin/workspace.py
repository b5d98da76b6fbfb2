"""What the stand-in knows about its workspace, and the refusals Slack gives from it.

Channels (with their members and whether the bot is one of them), users (deactivated or not), the trigger_ids and
response_urls it issued, and the messages in each conversation. :meth:`Workspace.refusal` answers, for one Web API
call, the error Slack would give (or None): a stand-in that accepts what Slack refuses lets the suite pass on
behaviour that fails in a real workspace.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.slack_standin.emoji import STANDARD_EMOJI
from config import CONFIG_DIR

TRIGGER_SECONDS = 3.0
RESPONSE_URL_USES = 5
RESPONSE_URL_SECONDS = 30 * 60
MAX_UPDATE_TEXT = 4000
_EVENT_TYPE = re.compile(r"[a-zA-Z0-9_]+")

# Methods that act in a conversation named by `channel` (files.completeUploadExternal names it `channel_id`).
_IN_CHANNEL = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "chat.delete",
        "chat.getPermalink",
        "conversations.history",
        "reactions.add",
        "files.completeUploadExternal",
    }
)
# Methods that name a message of that conversation by its ts.
_ON_MESSAGE = {
    "chat.update": "ts",
    "chat.delete": "ts",
    "chat.getPermalink": "message_ts",
    "reactions.add": "timestamp",
}
_WITH_TEXT = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
# Scopes a method needs beyond what every bot token has (Slack's method pages, "Required scopes").
_METHOD_SCOPES = {
    "users.lookupByEmail": "users:read.email",
    "users.info": "users:read",
    # files.getUploadURLExternal / completeUploadExternal / files.delete: "Bot token: files:write";
    # files.info: "files:read".
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "files.delete": "files:write",
    "files.info": "files:read",
    "conversations.canvases.create": "canvases:write",
    "canvases.edit": "canvases:write",
    "canvases.sections.lookup": "canvases:read",
}
EMAIL_SCOPE = "users:read.email"


def manifest_bot_scopes() -> set[str]:
    """The bot scopes config/manifest.yml asks for: what installing the app grants its token."""
    import yaml

    manifest = yaml.safe_load((CONFIG_DIR / "manifest.yml").read_text(encoding="utf-8"))
    return set(manifest["oauth_config"]["scopes"]["bot"])


@dataclass
class Channel:
    """A public or private channel; ``members`` are user ids (the bot's among them once it is invited)."""

    id: str
    name: str
    private: bool = False
    archived: bool = False
    members: set[str] = field(default_factory=set)


def dm_id(user_id: str) -> str:
    """The id of the bot's DM with ``user_id`` (stable, as Slack's is)."""
    return "D" + user_id[1:11].upper()


@dataclass
class _Issued:
    at: float
    uses: int = 0


class Workspace:
    """Channels, users, issued trigger ids and response_urls, messages and reactions; thread-safe."""

    def __init__(self, bot_user_id: str, clock: Callable[[], float] = time.monotonic, lock: Any = None) -> None:
        self.bot_user_id = bot_user_id
        self.clock = clock
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.reactions: set[tuple[str, str, str]] = set()
        self._triggers: dict[str, _Issued] = {}
        self._response_urls: dict[str, _Issued] = {}
        self._lock = lock if lock is not None else threading.RLock()
        self._trigger_numbers = itertools.count(1)
        self.scopes: set[str] = manifest_bot_scopes()

    # -- set-up ------------------------------------------------------------------------------------------------
    def add_channel(
        self, channel_id: str, name: str, *, private: bool = False, archived: bool = False, members: Any = ()
    ) -> Channel:
        with self._lock:
            channel = Channel(channel_id, name, private, archived, set(members))
            self.channels[channel_id] = channel
            return channel

    def invite_bot(self, channel_id: str) -> None:
        """``/invite @covenant-bot`` in ``channel_id``: the bot becomes a member."""
        with self._lock:
            self.channels[channel_id].members.add(self.bot_user_id)

    def add_message(self, channel: str, message: dict[str, Any]) -> None:
        """Record a message in a conversation (the bot's posts, and people's messages the tests simulate)."""
        with self._lock:
            self.messages.setdefault(self.conversation(channel), []).append(message)
            known = self.channels.get(channel)
            if known is not None and message.get("user"):
                known.members.add(str(message["user"]))  # someone who posts in a channel is in it

    # -- issuing -----------------------------------------------------------------------------------------------
    def trigger_id(self) -> str:
        """A fresh trigger_id, valid once within 3 seconds, as Slack puts in a command or interaction payload."""
        trigger = f"{int(time.time())}.{next(self._trigger_numbers)}.{uuid.uuid4().hex}"
        with self._lock:
            self._triggers[trigger] = _Issued(self.clock())
        return trigger

    def issue_response_url(self, key: str) -> None:
        with self._lock:
            self._response_urls[key] = _Issued(self.clock())

    def use_response_url(self, key: str) -> str | None:
        """Count one use of a response_url; the error Slack answers (HTTP 404) once it may not be used."""
        with self._lock:
            issued = self._response_urls.get(key)
            if issued is None:
                return "invalid_url"  # wording not documented by Slack
            if self.clock() - issued.at > RESPONSE_URL_SECONDS:
                return "expired_url"
            if issued.uses >= RESPONSE_URL_USES:
                return "used_url"
            issued.uses += 1
            return None

    def _exchange_trigger(self, trigger: str) -> str | None:
        with self._lock:
            issued = self._triggers.get(trigger)
            if issued is None:
                return "invalid_trigger_id"
            if issued.uses:
                return "exchanged_trigger_id"
            if self.clock() - issued.at > TRIGGER_SECONDS:
                return "expired_trigger_id"
            issued.uses += 1
            return None

    # -- lookups -----------------------------------------------------------------------------------------------
    def user(self, user_id: str) -> dict[str, Any] | None:
        return self.users.get(user_id)

    @staticmethod
    def needed_scope(method: str) -> str:
        """The scope ``method`` needs beyond a bot token's own."""
        return _METHOD_SCOPES.get(method, "")

    def user_by_email(self, email: str) -> dict[str, Any] | None:
        """The active user whose profile has ``email`` (Slack compares addresses case-insensitively); a
        deactivated user is not found, as users.lookupByEmail answers for one."""
        wanted = email.strip().lower()
        with self._lock:
            for user in self.users.values():
                address = str((user.get("profile") or {}).get("email") or "").lower()
                if wanted and address == wanted and not user.get("deleted"):
                    return user
        return None

    def user_as_seen(self, user: dict[str, Any]) -> dict[str, Any]:
        """A user object as the token sees it: ``profile.email`` only with the users:read.email scope."""
        if EMAIL_SCOPE in self.scopes or "email" not in (user.get("profile") or {}):
            return user
        profile = {key: value for key, value in user["profile"].items() if key != "email"}
        return {**user, "profile": profile}

    def conversation(self, channel: str) -> str:
        """The conversation id a ``channel`` argument means (a user id means the DM with that user)."""
        return dm_id(channel) if channel.startswith(("U", "W")) else channel

    def dm_user(self, conversation: str) -> str | None:
        """The user of a DM conversation id, None when no known user has that DM."""
        for user_id in self.users:
            if dm_id(user_id) == conversation:
                return user_id
        return None

    def find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._lock:
            for message in self.messages.get(self.conversation(channel), []):
                if message.get("ts") == ts:
                    return message
        return None

    # -- refusals ----------------------------------------------------------------------------------------------
    def refusal(self, method: str, args: dict[str, Any]) -> str | None:
        """The error Slack gives for ``method`` with ``args`` in this workspace, or None when it accepts it."""
        needed = _METHOD_SCOPES.get(method)
        if needed is not None and needed not in self.scopes:
            return "missing_scope"
        if method == "users.lookupByEmail" and not str(args.get("email") or "").strip():
            return "invalid_arguments"
        if method in ("views.open", "views.push"):
            return self._exchange_trigger(str(args.get("trigger_id") or ""))
        if method in ("users.info", "conversations.open"):
            return self._user_refusal(method, args)
        if method == "conversations.join":
            return self._join_refusal(str(args.get("channel") or ""))
        if method == "files.getUploadURLExternal":
            return self._upload_refusal(args)
        if method not in _IN_CHANNEL:
            return None
        if method == "files.completeUploadExternal":
            return self._share_refusal(args)
        else:
            channel = str(args.get("channel") or "")
        problem = self._channel_refusal(channel)
        if problem is None and method == "chat.postEphemeral":
            problem = self._ephemeral_refusal(channel, str(args.get("user") or ""))
        if problem is None and method in _WITH_TEXT:
            problem = _content_refusal(method, args)
        if problem is None and method in _ON_MESSAGE:
            problem = self._message_refusal(method, channel, args)
        return problem

    def _user_refusal(self, method: str, args: dict[str, Any]) -> str | None:
        wanted = str(args.get("user" if method == "users.info" else "users") or "")
        if method == "conversations.open" and not wanted:
            return "users_list_not_supplied"
        for user_id in wanted.split(","):
            user = self.users.get(user_id.strip())
            if user is None:
                return "user_not_found"
            # Slack's reference: users.info answers a deactivated user with ok and "deleted": true (its
            # account_inactive means the calling token's own user is deleted); conversations.open refuses
            # them with user_disabled.
            if method == "conversations.open" and user.get("deleted"):
                return "user_disabled"
        return None

    def _join_refusal(self, channel_id: str) -> str | None:
        channel = self.channels.get(channel_id)
        if channel is None:
            return "channel_not_found"
        if channel.archived:
            return "is_archived"
        if channel.private:
            return "method_not_supported_for_channel_type"  # a bot must be invited to a private channel
        return None

    def _channel_refusal(self, channel_id: str) -> str | None:
        if not channel_id:
            return "channel_not_found"
        if channel_id.startswith(("U", "W")):
            user = self.users.get(channel_id)
            if user is None:
                return "channel_not_found"
            return "user_disabled" if user.get("deleted") else None
        if channel_id.startswith("D"):
            user_id = self.dm_user(channel_id)
            if user_id is None:
                return "channel_not_found"
            return "user_disabled" if self.users[user_id].get("deleted") else None
        channel = self.channels.get(channel_id)
        if channel is None:
            return "channel_not_found"
        if channel.archived:
            return "is_archived"
        if self.bot_user_id not in channel.members:
            # A private channel the bot is not in is invisible to it.
            return "channel_not_found" if channel.private else "not_in_channel"
        return None

    def canvas_channel_refusal(self, channel_id: str) -> str | None:
        """What Slack answers for a channel canvas of ``channel_id`` (the bot must be in the channel)."""
        if not channel_id.startswith(("C", "G")):
            return "channel_not_found"
        return self._channel_refusal(channel_id)

    def _ephemeral_refusal(self, channel_id: str, user_id: str) -> str | None:
        if user_id not in self.users:
            return "user_not_found"
        if channel_id.startswith(("U", "W", "D")):
            return None if self.conversation(channel_id) == dm_id(user_id) else "user_not_in_channel"
        return None if user_id in self.channels[channel_id].members else "user_not_in_channel"

    def _message_refusal(self, method: str, channel: str, args: dict[str, Any]) -> str | None:
        ts = str(args.get(_ON_MESSAGE[method]) or "")
        if self.find_message(channel, ts) is None:
            return "message_not_found"
        if method != "reactions.add":
            return None
        name = str(args.get("name") or "").strip(":")
        if name not in STANDARD_EMOJI:
            return "invalid_name"
        key = (self.conversation(channel), ts, name)
        with self._lock:
            if key in self.reactions:
                return "already_reacted"
            self.reactions.add(key)
        return None

    def _share_refusal(self, args: dict[str, Any]) -> str | None:
        """files.completeUploadExternal: every conversation named by ``channel_id`` or ``channels`` must take posts
        from the bot (``thread_ts`` only with one conversation, as the reference says)."""
        targets = share_targets(args)
        for channel in targets:
            problem = self._channel_refusal(channel)
            if problem is not None:
                return problem
        if args.get("thread_ts") and len(targets) != 1:
            return "invalid_arguments"
        return None

    @staticmethod
    def _upload_refusal(args: dict[str, Any]) -> str | None:
        # Slack's reference lists `filename` and `length` as required; a missing one is missing_argument (not
        # documented for a zero length, which Slack answers as an invalid argument: nothing can be uploaded).
        if not args.get("filename") or str(args.get("length", "")) == "":
            return "missing_argument"
        length = str(args["length"])
        if not length.isdigit() or int(length) == 0:
            return "invalid_arguments"
        return None


def share_targets(args: dict[str, Any]) -> list[str]:
    """The conversations a files.completeUploadExternal call shares its files into (none: kept private)."""
    named = [str(args["channel_id"])] if args.get("channel_id") else []
    named += [part.strip() for part in str(args.get("channels") or "").split(",") if part.strip()]
    return list(dict.fromkeys(named))


def _content_refusal(method: str, args: dict[str, Any]) -> str | None:
    """no_text, msg_too_long and the metadata errors of chat.postMessage, chat.postEphemeral and chat.update."""
    text = args.get("text")
    if not text and not args.get("blocks") and not args.get("attachments"):
        return "no_text"
    if method == "chat.update" and isinstance(text, str) and len(text) > MAX_UPDATE_TEXT:
        return "msg_too_long"
    if "metadata" in args and args["metadata"] not in (None, ""):
        return metadata_refusal(args["metadata"])
    return None


def metadata_refusal(metadata: Any) -> str | None:
    """invalid_metadata_format when ``metadata`` is not an object with event_type and event_payload;
    invalid_metadata_schema when the event_type has other characters than [a-zA-Z0-9_] or the payload is no object."""
    if not isinstance(metadata, dict) or "event_type" not in metadata or "event_payload" not in metadata:
        return "invalid_metadata_format"
    event_type, payload = metadata["event_type"], metadata["event_payload"]
    if not isinstance(event_type, str) or not _EVENT_TYPE.fullmatch(event_type) or not isinstance(payload, dict):
        return "invalid_metadata_schema"
    return None
