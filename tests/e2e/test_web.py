"""HTTP mode: the health check, and the Procfile's web process (gunicorn) serving signed requests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.app import create_app, make_web_client
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.entry.web import create_flask_app
from bot.slack_standin import StandinSlack
from bot.slack_standin import requests as slack_requests
from config.settings import Settings
from tests.support.demo import SIGNING_SECRET, person
from tests.support.harness import AppServer, SlackHarness

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_checks_the_database(slack: SlackHarness) -> None:
    with urllib.request.urlopen(slack.server.url + "/healthz", timeout=5) as response:
        assert response.status == 200
        assert b'"ok"' in response.read()


def test_healthz_is_unavailable_on_a_database_without_tables(
    settings: Settings, standin: StandinSlack, tmp_path: Path
) -> None:
    empty = make_session_factory(make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    app = create_app(settings, session_factory=empty, client=make_web_client(settings))
    server = AppServer(create_flask_app(app, empty, SIGNING_SECRET))
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + "/healthz", timeout=5)
        assert refused.value.code == 503
        assert b"not migrated" in refused.value.read()
    finally:
        server.stop()


def test_healthz_is_unavailable_on_a_database_behind_the_code(
    settings: Settings, standin: StandinSlack, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    older = make_session_factory(engine)
    app = create_app(settings, session_factory=older, client=make_web_client(settings))
    server = AppServer(create_flask_app(app, older, SIGNING_SECRET))
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + "/healthz", timeout=5)
        assert refused.value.code == 503
        assert b"code needs" in refused.value.read()
    finally:
        server.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_procfile_web_process_serves_signed_commands(engine: Engine, standin: StandinSlack, tmp_path: Path) -> None:
    procfile = (ROOT / "Procfile").read_text()
    web = re.search(r"^web: (.+)$", procfile, re.MULTILINE)
    assert web is not None
    port = _free_port()
    command = web.group(1).replace("${PORT:-3000}", str(port)).replace("0.0.0.0", "127.0.0.1")
    command = command.replace("gunicorn", f"{sys.executable} -m gunicorn", 1)
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "WEB_CONCURRENCY": "2",
    }
    # exec: the shell becomes gunicorn, so terminate() below stops gunicorn itself, not only the shell.
    server = subprocess.Popen(
        f"exec {command}", shell=True, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        response_url = standin.response_url()
        body = slack_requests.slash_command(
            "/covenant", "status textiel", user_id=person("emma").slack_user_id, response_url=response_url
        )
        request = urllib.request.Request(
            base + "/slack/events",
            data=body.encode(),
            headers={"Content-Type": slack_requests.FORM, **slack_requests.sign(SIGNING_SECRET, body)},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        path = response_url.removeprefix(standin.base_url)
        reply = standin.wait_until(lambda call: call.path == path, timeout=10)[0]
        assert "Agreement on Sustainable Garments and Textile" in str(reply.args)
        # A 5 MB body (a forged button value) is refused at once; it used to hold the worker until gunicorn
        # killed it after 30 s. A 500 kB command is refused at once too, and the next reply is not delayed.
        assert _announce_large_body(port, 5 << 20) == 413
        huge = slack_requests.slash_command(
            "/covenant",
            "status " + "textiel " * 62_500,
            user_id=person("emma").slack_user_id,
            response_url=response_url,
        )
        started = time.monotonic()
        assert _post(base, huge) == 200 and _post(base, body) == 200
        standin.wait_until(lambda call: call.path == path, count=3, timeout=10)
        assert time.monotonic() - started < 5
    finally:
        server.terminate()
        server.wait(timeout=10)


def _post(base: str, body: str) -> int:
    """POST a signed form ``body`` to the served app; its HTTP status."""
    request = urllib.request.Request(
        base + "/slack/events",
        data=body.encode(),
        headers={"Content-Type": slack_requests.FORM, **slack_requests.sign(SIGNING_SECRET, body)},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _announce_large_body(port: int, length: int) -> int:
    """Announce a ``length``-byte body, send only its first bytes, and read the answer: a server that refuses it
    from its Content-Length answers without waiting for the rest."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest("POST", "/slack/events")
        connection.putheader("Content-Type", slack_requests.FORM)
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        connection.send(b"payload=" + b"1" * 1000)
        return connection.getresponse().status
    finally:
        connection.close()


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _reply_processes(master: int) -> list[int]:
    """The gunicorn workers' spawned children that run the reply pool (not multiprocessing's resource tracker)."""
    found: list[int] = []
    for worker in _children(master):
        for child in _children(worker):
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "spawn_main" in cmdline:
                found.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_web_process_with_missing_secret_stops_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    env["SLACK_BOT_TOKEN"] = "xoxb-1"
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{_free_port()}", "bot.entry.web:create_wsgi_app()"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "covenant-bot: SLACK_SIGNING_SECRET is not set" in result.stderr
    assert "Traceback" not in result.stderr
