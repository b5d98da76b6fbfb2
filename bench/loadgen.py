"""The ack benchmark's load generator, run as its own process so its timing shares no interpreter with the
stand-in Web API: ``python -m bench.loadgen SPEC.json RESULT.json``.

``concurrency`` clients each send one signed request at a time (a new connection each, as Slack
does) until ``count`` requests were sent, all to 127.0.0.1; every request is bounded by
``timeout_s`` and the whole run by ``deadline_s``. The result holds each request's latency from the
first byte written to the whole answer read, its HTTP status, and the wall-clock second it was
sent (to match the replies the app later posts to the stand-in).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.slack_standin import requests as slack_requests


@dataclass(frozen=True)
class Spec:
    url: str
    secret: str
    kind: str  # "status", "overdue" or "mention"
    count: int
    concurrency: int
    users: list[str]
    secretariat: list[str]
    covenants: list[str]
    response_base: str
    timeout_s: float = 10.0
    deadline_s: float = 120.0


def build_request(spec: Spec, number: int, reply_id: str) -> tuple[str, str]:
    """The body and content type of request ``number``; ``reply_id`` marks the reply it should cause."""
    if spec.kind == "status":
        covenant = spec.covenants[number % len(spec.covenants)]
        body = slack_requests.slash_command(
            "/covenant",
            f"status {covenant}",
            user_id=spec.users[number % len(spec.users)],
            response_url=f"{spec.response_base}{reply_id}",
        )
        return body, slack_requests.FORM
    if spec.kind == "overdue":
        body = slack_requests.slash_command(
            "/plan",
            "overdue",
            user_id=spec.secretariat[number % len(spec.secretariat)],
            response_url=f"{spec.response_base}{reply_id}",
        )
        return body, slack_requests.FORM
    covenant = spec.covenants[number % len(spec.covenants)]
    event = {
        "type": "app_mention",
        "user": spec.users[number % len(spec.users)],
        "text": f"<@UBOTCOVENANT> wat is de status van {covenant}?",
        "channel": "CGENERAL01",
        "ts": f"{time.time():.6f}",
        # The reply is posted in this thread: it tells the stand-in which request a reply answers.
        "thread_ts": reply_id,
    }
    return slack_requests.event_callback(event, event_id=f"Ev{uuid.uuid4().hex[:16].upper()}"), slack_requests.JSON


async def send(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """One HTTP/1.1 POST on a fresh connection; returns the status and the body."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close", f"Content-Length: {len(body)}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        status_line = await reader.readline()
        status = int(status_line.split()[1])
        length = None
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        payload = await (reader.readexactly(length) if length is not None else reader.read())
        return status, payload
    finally:
        writer.close()


async def run(spec: Spec) -> dict[str, Any]:
    target = urlsplit(spec.url)
    host, port, path = target.hostname or "127.0.0.1", target.port or 80, target.path or "/"
    assert host.startswith("127.") or host == "localhost", "the load generator only talks to this machine"
    numbers = itertools.count()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    sent: dict[str, float] = {}

    async def client() -> None:
        while (number := next(numbers)) < spec.count:
            reply_id = f"{uuid.uuid4().hex}"
            body, content_type = build_request(spec, number, reply_id)
            headers = {"Content-Type": content_type, **slack_requests.sign(spec.secret, body)}
            sent[reply_id] = time.monotonic()
            started = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(send(host, port, path, body.encode(), headers), spec.timeout_s)
            except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
                status = 0
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[str(status)] = statuses.get(str(status), 0) + 1

    started = time.perf_counter()
    tasks = [asyncio.create_task(client()) for _ in range(spec.concurrency)]
    _, pending = await asyncio.wait(tasks, timeout=spec.deadline_s)
    for task in pending:
        task.cancel()
    return {
        "latencies_ms": latencies,
        "statuses": statuses,
        "sent": sent,
        "seconds": time.perf_counter() - started,
        "timed_out": bool(pending),
    }


def main(argv: list[str]) -> int:
    spec_path, result_path = argv
    with open(spec_path, encoding="utf-8") as handle:
        spec = Spec(**json.load(handle))
    result = asyncio.run(run(spec))
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
