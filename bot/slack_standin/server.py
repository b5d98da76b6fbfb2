"""The stand-in Web API server: real HTTP on 127.0.0.1, Slack-shaped answers, every call recorded."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from bot.slack_standin.blockkit import check_message, check_view, message_warnings, slack_files
from bot.slack_standin.canvases import Canvases
from bot.slack_standin.ratelimits import SLACK_LIMITS, RateLimiter, RateLimits
from bot.slack_standin.workspace import Channel, Workspace, dm_id, share_targets

# getUploadURLExternal: alt_txt_too_large "Description for the image is longer than the limit of 1000 character".
MAX_ALT_TXT = 1000
# Slack file object: "Currently only png, jpg, jpeg, and gif Slack image files are supported" in image blocks.
IMAGE_MIMETYPES = frozenset({"image/png", "image/jpeg", "image/gif"})
_MIMETYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "md": "text/markdown"}


def mimetype_of(filename: str) -> str:
    """The mimetype Slack gives an uploaded file, from its name's extension."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return _MIMETYPES.get(extension, "text/plain" if extension in ("txt", "csv", "ics") else "application/octet-stream")


# The errors with which Slack refuses what was sent (as opposed to where, when or how often).
REFUSALS = frozenset({"invalid_blocks", "invalid_arguments"})

# Fields that slack_sdk sends JSON-encoded inside form bodies.
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")


@dataclass
class Call:
    """One request the bot made: Web API ``method`` (or ``response_url``) with its arguments."""

    method: str
    args: dict[str, Any]
    response: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok", True))


Fault = Callable[[str, dict[str, Any]], "tuple[int, dict[str, str], dict[str, Any]] | None"]


class _Server(ThreadingHTTPServer):
    # Slack takes every connection at once; with the socket's default backlog of 5, a burst of replies from
    # a web process overflowed it and waited a second for the SYN to be sent again (seen in the benchmark).
    request_queue_size = 256


class StandinSlack:
    """Start with :meth:`start`; point ``WebClient(base_url=...)`` at :attr:`api_url`.

    Every Web API method is rate-limited as Slack limits it (``rate_limits``, Slack's own by default: see
    :mod:`bot.slack_standin.ratelimits`), answering 429 with ``Retry-After`` beyond the limits. A test that
    floods on purpose passes raised limits by name (``SLACK_LIMITS.raised(...)``); there is no switch-off.

    ``strict`` (the default) refuses what Slack refuses (see :mod:`bot.slack_standin.workspace`): channels the
    bot is not in, unknown users, trigger ids and response_urls it did not issue or that are used up, messages that
    were never posted, calls without a valid token.
    """

    def __init__(
        self,
        on_call: Callable[[Call], None] | None = None,
        rate_limits: RateLimits = SLACK_LIMITS,
        *,
        strict: bool = True,
    ) -> None:
        self.calls: list[Call] = []
        self.bot_user_id = "UBOTCOVENANT"
        self.strict = strict
        self.team_id = "TCOVENANT"
        self.on_call = on_call
        self.fault: Fault | None = None
        # Seconds each chat.postMessage takes (to make concurrent senders overlap in tests).
        self.latency = 0.0
        self.rate_limiter = RateLimiter(rate_limits)
        self._lock = threading.Condition()
        self.workspace = Workspace(self.bot_user_id, lock=self._lock)
        self.users: dict[str, dict[str, Any]] = self.workspace.users
        # Tokens accepted; None accepts any bot or user token (xoxb-/xoxp-).
        self.tokens: set[str] | None = None
        # The scopes the bot token was granted: what config/manifest.yml asks for, as an install grants them.
        self.scopes: set[str] = self.workspace.scopes
        # Errors a test means the bot to be refused with (tests/conftest.py fails a test on any other refusal).
        self.expected_refusals: set[str] = set()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.messages: dict[str, list[dict[str, Any]]] = self.workspace.messages
        # Files uploaded through files.getUploadURLExternal + the upload URL: id -> name, title, bytes.
        self.files: dict[str, dict[str, Any]] = {}
        # Channel canvases (``canvases.enabled = False``: a plan without canvases).
        self.canvases = Canvases(self.workspace, lock=self._lock)

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> StandinSlack:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                standin._handle(self)

            def do_POST(self) -> None:
                standin._handle(self)

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # Poll often so stop() returns at once (tests start and stop a stand-in per test).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="standin-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self) -> str:
        """A fresh response_url, as Slack puts in slash-command and interaction payloads: at most 5 uses in
        30 minutes."""
        key = uuid.uuid4().hex
        self.workspace.issue_response_url(key)
        return f"{self.base_url}/response/{key}"

    def trigger_id(self) -> str:
        """A fresh trigger_id, as Slack puts in slash-command and interaction payloads: valid once, for 3 s."""
        return self.workspace.trigger_id()

    # -- test helpers ----------------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str,
        tz: str | None = "Europe/Amsterdam",
        locale: str = "en-GB",
        email: str | None = None,
        **extra: Any,
    ) -> None:
        """Make users.info know ``user_id`` (with ``profile.email`` when given, as Slack keeps it)."""
        profile: dict[str, Any] = {"real_name": name, "display_name": name}
        if email is not None:
            profile["email"] = email
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name.lower().replace(" ", "."),
            "real_name": name,
            "tz": tz,
            "locale": locale,
            "deleted": False,
            "profile": profile,
            **extra,
        }

    def add_channel(
        self, channel_id: str, name: str, *, private: bool = False, archived: bool = False, members: Any = ()
    ) -> Channel:
        """Make ``channel_id`` a channel of the workspace (the bot is not in it until :meth:`invite_bot`)."""
        return self.workspace.add_channel(channel_id, name, private=private, archived=archived, members=members)

    def invite_bot(self, channel_id: str) -> None:
        """``/invite @covenant-bot`` in ``channel_id``."""
        self.workspace.invite_bot(channel_id)

    def user_message(self, channel: str, user: str, text: str, ts: str, thread_ts: str | None = None) -> None:
        """Record a message ``user`` posted (as a test or the console simulates it), so the bot can react to it."""
        message = {"type": "message", "user": user, "text": text, "ts": ts, "thread_ts": thread_ts}
        self.workspace.add_message(channel, message)

    def calls_to(self, *methods: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method in methods]

    def wait_for(self, *methods: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until at least ``count`` calls to ``methods`` were recorded; return them."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [call for call in self.calls if call.method in methods]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [call.method for call in self.calls]
                    raise AssertionError(f"expected {count} call(s) to {methods}, saw {seen}")
                self._lock.wait(remaining)

    def wait_until(self, predicate: Callable[[Call], bool], count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``count`` recorded calls satisfy ``predicate``; return them."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [call for call in self.calls if predicate(call)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(call.method, call.path) for call in self.calls]
                    raise AssertionError(f"expected {count} matching call(s), saw {seen}")
                self._lock.wait(remaining)

    def limit_violations(self) -> list[Call]:
        """Calls Slack would have refused for what was sent: blocks breaking Block Kit's rules, or a view that
        is not valid where it went."""
        with self._lock:
            return [call for call in self.calls if call.response.get("error") in REFUSALS]

    def warnings(self) -> list[Call]:
        """Calls Slack accepted with a warning (e.g. blocks without a notification fallback text)."""
        with self._lock:
            return [call for call in self.calls if call.response.get("warning")]

    def refusals(self) -> list[Call]:
        """Calls the strict stand-in refused as Slack would (injected faults and rate limits aside)."""
        with self._lock:
            return [
                call
                for call in self.calls
                if not call.ok and "fault" not in call.response and call.response.get("error") != "ratelimited"
            ]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- request handling -------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        if parsed.path.startswith("/upload/"):
            # The upload URL can fail too (tests inject it as the method "upload").
            fault = self.fault("upload", {}) if self.fault else None
            if fault is not None:
                self._record(Call("upload", {}, {"ok": False, "fault": fault[0]}, parsed.path))
                self._send(request, fault[0], fault[2], fault[1])
                return
            self._receive_upload(request, parsed.path.removeprefix("/upload/"), raw)
            return
        args = self._parse_args(raw, request.headers.get("Content-Type", ""), parsed.query)
        if parsed.path.startswith("/response/"):
            method = "response_url"
        elif parsed.path.startswith("/api/"):
            method = parsed.path.removeprefix("/api/")
        else:
            method = "unknown:" + parsed.path
        fault = self.fault(method, args) if self.fault else None
        if fault is not None:
            status, headers, body = fault
            self._record(Call(method, args, {"ok": False, "fault": status, **body}, parsed.path))
            self._send(request, status, body, headers)
            return
        if self.strict:
            status, error = self._refuse_access(method, parsed.path, request.headers.get("Authorization", ""), args)
            if error is not None:
                refusal = {"ok": False, "error": error}
                self._record(Call(method, args, {**refusal, "status": status}, parsed.path))
                self._send(request, status, refusal, {})
                return
        if not method.startswith("unknown:"):
            channel = self._channel_of(args) if method == "chat.postMessage" else ""
            retry_after = self.rate_limiter.admit(channel, method)
            if retry_after is not None:
                refusal = {"ok": False, "error": "ratelimited"}
                self._record(Call(method, args, {**refusal, "status": 429}, parsed.path))
                self._send(request, 429, refusal, {"Retry-After": str(int(retry_after))})
                return
        if self.latency and method == "chat.postMessage":
            time.sleep(self.latency)
        body = self._answer(method, args)
        self._record(Call(method, args, body, parsed.path))
        self._send(request, 200, body, {})

    def _refuse_access(
        self, method: str, path: str, authorization: str, args: dict[str, Any]
    ) -> tuple[int, str | None]:
        """A response_url used up or expired (HTTP 404, as Slack answers), or a Web API call without a valid token."""
        if method == "response_url":
            return 404, self.workspace.use_response_url(path.removeprefix("/response/"))
        if not path.startswith("/api/"):
            return 200, None
        token = authorization.removeprefix("Bearer ").strip() if authorization else str(args.get("token") or "")
        if not token:
            return 200, "not_authed"
        valid = token in self.tokens if self.tokens is not None else token.startswith(("xoxb-", "xoxp-"))
        return 200, None if valid else "invalid_auth"

    @staticmethod
    def _parse_args(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
        args: dict[str, Any] = dict(parse_qsl(query))
        if raw:
            if "json" in content_type:
                args.update(json.loads(raw))
            else:
                args.update(dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True)))
        for key in _JSON_FIELDS:
            if isinstance(args.get(key), str) and args[key][:1] in "[{":
                # Not JSON: left as text, for the method to refuse (e.g. invalid_metadata_format).
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(args[key])
        return args

    def _channel_of(self, args: dict[str, Any]) -> str:
        """The conversation a message goes to (a user id means the DM with that user)."""
        return self.workspace.conversation(str(args.get("channel", "")))

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()
        if self.on_call is not None:
            self.on_call(call)

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        payload = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(payload)

    def _next_ts(self) -> str:
        # Monotonic and unique, like Slack's; seconds follow the wall clock so `oldest` filters work.
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        warnings: list[str] = []
        if method in ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"):
            refusal = check_message(args)
            if refusal is not None:
                return refusal.answer()
            warnings = message_warnings(args)
            # A response_url names no conversation the stand-in can check a file against: refused, to be safe.
            if refused := self.file_refusal(str(args.get("channel") or ""), args.get("blocks")):
                return refused
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            refusal = check_view(args.get("view") or {}, published=method == "views.publish")
            if refusal is not None:
                return refusal.answer()
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if method == "response_url":
            result: dict[str, Any] = {"ok": True}
        elif handler is None:
            return {"ok": False, "error": "unknown_method"}
        elif self.strict and (error := self.workspace.refusal(method, args)) is not None:
            if error == "missing_scope":
                # Slack names the scope the method needs and the ones the token has.
                needed, provided = self.workspace.needed_scope(method), ",".join(sorted(self.scopes))
                return {"ok": False, "error": error, "needed": needed, "provided": provided}
            return {"ok": False, "error": error}
            return {"ok": False, "error": "unknown_method"}
        else:
            result = handler(args)
        if warnings and result.get("ok"):
            # Slack accepts these and says why in a warning (chat.postMessage docs, "text" argument).
            result = {**result, "warning": ",".join(warnings), "response_metadata": {"warnings": warnings}}
        return result

    # -- Web API methods ---------------------------------------------------------------------------
    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://covenant.example.slack.com/",
            "team": "Covenant",
            "user": "covenant-bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": "BCOVENANT",
        }

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": self.workspace.user_as_seen(user)}

    def _m_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.workspace.user_by_email(str(args.get("email") or ""))
        if user is None:
            return {"ok": False, "error": "users_not_found"}
        return {"ok": True, "user": self.workspace.user_as_seen(user)}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", ""))
        return {"ok": True, "channel": {"id": dm_id(users.replace(",", ""))}}

    def _m_conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if channel in self.workspace.channels:
            self.workspace.invite_bot(channel)
        return {"ok": True, "channel": {"id": channel}}

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        channel = self.workspace.conversation(channel)
        ts = self._next_ts()
        message = {
            "type": "message",
            "user": self.bot_user_id,
            "text": args.get("text"),
            "ts": ts,
            "blocks": args.get("blocks", []),
            "bot_id": "BCOVENANT",
            "thread_ts": args.get("thread_ts"),
        }
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        self.workspace.add_message(channel, message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        oldest = float(args.get("oldest") or 0)
        with self._lock:
            found = [m for m in self.messages.get(str(args.get("channel")), []) if float(m["ts"]) >= oldest]
        if str(args.get("include_all_metadata", "")).lower() not in ("1", "true"):
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        return {"ok": True, "messages": list(reversed(found))[: int(args.get("limit") or 100)], "has_more": False}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self.workspace.find_message(str(args.get("channel", "")), str(args.get("ts", "")))
        if message is not None:
            with self._lock:
                message.update({key: args[key] for key in ("text", "blocks", "metadata") if key in args})
        return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text")}

    def _m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self.workspace.find_message(str(args.get("channel", "")), str(args.get("ts", "")))
        if message is not None:
            with self._lock:
                self.messages[self.workspace.conversation(str(args["channel"]))].remove(message)
        return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}

    def _m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = str(args.get("message_ts", "")).replace(".", "")
        return {
            "ok": True,
            "permalink": f"https://covenant.example.slack.com/archives/{args.get('channel')}/p{ts}",
        }

    # -- files (the files_upload_v2 flow) --------------------------------------------------------------
    # files.getUploadURLExternal issues an id and a URL on this server; the bytes are POSTed there (exactly
    # `length` of them, else HTTP 400 as Slack's upload service answers and files_upload_v2 raises on); then
    # files.completeUploadExternal finishes the upload and shares the files into the conversations it names (none:
    # the file stays private to the bot, as Slack keeps it "only the uploader will have access"). Each share posts a
    # message with the files, as Slack does. An id never issued, or whose bytes never arrived, or that was already
    # completed, is answered file_not_found (wording not confirmed in Slack's reference).
    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if len(str(args.get("alt_txt") or "")) > MAX_ALT_TXT:
            return {"ok": False, "error": "alt_txt_too_large"}
        file_id = "F" + uuid.uuid4().hex[:10].upper()
        name = str(args["filename"])
        with self._lock:
            self.files[file_id] = {
                "id": file_id,
                "name": name,
                "length": int(args["length"]),
                "mimetype": mimetype_of(name),
                "alt_txt": args.get("alt_txt"),
                "user": self.bot_user_id,
                "shared_in": set(),
                "completed": False,
            }
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _receive_upload(self, request: BaseHTTPRequestHandler, file_id: str, raw: bytes) -> None:
        with self._lock:
            known = self.files.get(file_id)
            fits = known is not None and "content" not in known and len(raw) == known["length"] and bool(raw)
            if fits:
                assert known is not None
                known["content"] = raw
        status = 200 if fits else (404 if known is None else 400)
        body = f"OK - {len(raw)}".encode() if fits else b"upload refused"
        self._record(
            Call(
                "upload", {"file_id": file_id, "bytes": len(raw)}, {"ok": fits, "status": status}, f"/upload/{file_id}"
            )
        )
        request.send_response(status)
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        wanted = args.get("files")
        if isinstance(wanted, str):
            try:
                wanted = json.loads(wanted)
            except ValueError:
                return {"ok": False, "error": "invalid_arguments"}
        if wanted is None or wanted == "":
            return {"ok": False, "error": "missing_argument"}
        if not isinstance(wanted, list) or not wanted or not all(isinstance(e, dict) and e.get("id") for e in wanted):
            return {"ok": False, "error": "invalid_arguments"}
        targets = share_targets(args)
        with self._lock:
            entries = [self.files.get(str(entry["id"])) for entry in wanted]
            if any(known is None or "content" not in known or known["completed"] for known in entries):
                return {"ok": False, "error": "file_not_found"}
            done = []
            for entry, known in zip(wanted, entries, strict=True):
                assert known is not None
                known.update(title=entry.get("title") or known["name"], completed=True)
                known["shared_in"].update(self.workspace.conversation(target) for target in targets)
                done.append(self._file_object(known))
        for target in targets:
            message = {
                "type": "message",
                "user": self.bot_user_id,
                "text": args.get("initial_comment") or "",
                "ts": self._next_ts(),
                "files": [{"id": item["id"], "name": item["name"]} for item in done],
                "bot_id": "BCOVENANT",
                "thread_ts": args.get("thread_ts"),
            }
            self.workspace.add_message(self.workspace.conversation(target), message)
        return {"ok": True, "files": done}

    def _file_object(self, known: dict[str, Any]) -> dict[str, Any]:
        """A file as the Web API describes it (the fields the bot and the tests read)."""
        shared = sorted(known["shared_in"])
        return {
            "id": known["id"],
            "name": known["name"],
            "title": known.get("title"),
            "mimetype": known["mimetype"],
            "filetype": known["name"].rsplit(".", 1)[-1].lower() if "." in known["name"] else "",
            "size": len(known.get("content", b"")),
            "user": known["user"],
            "alt_txt": known.get("alt_txt"),
            "url_private": f"{self.base_url}/files-pri/{self.team_id}-{known['id']}/{known['name']}",
            "channels": [c for c in shared if c.startswith("C")],
            "groups": [c for c in shared if c.startswith("G")],
            "ims": [c for c in shared if c.startswith("D")],
            "is_public": any(c.startswith("C") for c in shared),
        }

    def _m_files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            known = self.files.get(str(args.get("file") or ""))
            if known is None or not known["completed"]:
                return {"ok": False, "error": "file_not_found"}
            return {"ok": True, "file": self._file_object(known)}

    def _m_files_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            known = self.files.get(str(args.get("file") or ""))
            if known is None or known.get("deleted"):
                return {"ok": False, "error": "file_not_found" if known is None else "file_deleted"}
            known["deleted"] = True
            for messages in self.messages.values():
                messages[:] = [m for m in messages if not any(f.get("id") == known["id"] for f in m.get("files", []))]
        return {"ok": True}

    def file_refusal(self, channel: str, blocks: Any) -> dict[str, Any] | None:
        """invalid_blocks when an image names a ``slack_file`` Slack would not show there: unknown or deleted, not
        completed, not an image (png, jpg, jpeg, gif), or not visible in the conversation the message goes to (a
        file is visible where it was shared; a private one to its uploader alone, so not to the reader)."""
        problems = []
        conversation = self.workspace.conversation(channel) if channel else ""
        with self._lock:
            for where, ref in slack_files(blocks if isinstance(blocks, list) else []):
                file_id = str(ref.get("id") or "")
                if not file_id and isinstance(ref.get("url"), str):
                    file_id = ref["url"].split(f"{self.team_id}-", 1)[-1].split("/", 1)[0]
                known = self.files.get(file_id)
                if known is None or known.get("deleted") or not known["completed"]:
                    problems.append(f"{where}: invalid slack_file (no such file)")
                elif known["mimetype"] not in IMAGE_MIMETYPES:
                    problems.append(f"{where}: invalid slack_file (not an image)")
                elif conversation not in known["shared_in"]:
                    problems.append(f"{where}: invalid slack_file (not shared in {conversation or 'this place'})")
        if not problems:
            return None
        return {"ok": False, "error": "invalid_blocks", "response_metadata": {"messages": problems}}

    def file_bytes(self, file_id: str) -> bytes:
        """The uploaded bytes of a file (a test helper: what a reader would download)."""
        with self._lock:
            return bytes(self.files[file_id].get("content", b""))

    def file_text(self, file_id: str) -> str:
        """The uploaded content of a file, as text."""
        return self.file_bytes(file_id).decode("utf-8")

    # -- canvases (bot.slack_standin.canvases) --------------------------------------------------------------------
    def _m_conversations_canvases_create(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.canvases.create(args)

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.workspace.channels.get(str(args.get("channel") or ""))
        if channel is None or (channel.private and self.bot_user_id not in channel.members):
            return {"ok": False, "error": "channel_not_found"}
        info: dict[str, Any] = {"id": channel.id, "name": channel.name, "is_private": channel.private}
        canvas = self.canvases.of_channel(channel.id)
        if canvas is not None:
            info["properties"] = {"canvas": {"file_id": canvas.id, "is_empty": not canvas.sections}}
        return {"ok": True, "channel": info}

    def _m_canvases_edit(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.canvases.edit(args)

    def _m_canvases_sections_lookup(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.canvases.lookup(args)

    def _m_reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("name") or not args.get("timestamp"):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True}

    def _view(self, args: dict[str, Any]) -> dict[str, Any]:
        view = dict(args.get("view") or {})
        view.setdefault("id", "V" + uuid.uuid4().hex[:10].upper())
        return {"ok": True, "view": view}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args)

    def _m_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args)

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args)

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args)

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        # The stand-in serves no WebSocket, so no app token works here: it answers as Slack does for a revoked
        # one (the token comes in the Authorization header, which the methods do not see).
        return {"ok": False, "error": "invalid_auth"}
