"""The app factory: one Bolt app built from Settings plus injectable pieces (database, Web API client, clock)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.clock import Clock, SystemClock
from bot.db.engine import SessionFactory, make_engine, make_session_factory
from bot.deps import Deps
from config.settings import Settings

if TYPE_CHECKING:
    from bot.delivery import Sweeper
    from bot.delivery.email_route import LinkFor
    from bot.delivery.mail_transport import MailTransport

logger = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


def make_web_client(settings: Settings, token: str | None = None, retries: bool = True) -> WebClient:
    """A Web API client for SLACK_API_URL.

    With ``retries`` it retries connection errors, 429s (sleeping Retry-After) and 5xx in the calling
    thread: right for answering users. The reminder sweep passes ``retries=False`` and reschedules
    failed deliveries itself, so one slow recipient never holds up the others.
    """
    client = WebClient(token=token or settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
    client.retry_handlers = (
        [
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
        if retries
        else []
    )
    return client


def build_sweeper(
    settings: Settings,
    *,
    session_factory: SessionFactory | None = None,
    client: WebClient | None = None,
    clock: Clock | None = None,
    mail: MailTransport | None = None,
    link_for: LinkFor | None = None,
) -> Sweeper:
    """The reminder sweeper, with a Web API client that never sleeps on a 429 (the sweep reschedules); emails go
    through ``mail`` (default: SMTP_URL's) with each button's link from ``link_for`` (default: the signed links
    of bot.services.links, served under PUBLIC_URL; none when it is unset)."""
    from bot.delivery import Sweeper
    from bot.services import links

    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    return Sweeper(
        session_factory=session_factory,
        client=client or make_web_client(settings, retries=False),
        clock=clock or SystemClock(),
        settings=settings,
        mail=mail,
        link_for=link_for or links.link_maker(settings, session_factory),
    )


def build_deps(
    settings: Settings,
    *,
    session_factory: SessionFactory | None = None,
    clock: Clock | None = None,
    mail: MailTransport | None = None,
    link_for: LinkFor | None = None,
) -> Deps:
    """The listeners' Deps (``mail``, ``link_for``: the email route's, as in :func:`build_sweeper`)."""
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    clock = clock or SystemClock()
    # Notices a user waits for (e.g. "plan submitted" to the secretariat) are sent at once by the
    # same engine as reminders, with a client that never sleeps on a 429.
    sweeper = build_sweeper(settings, session_factory=session_factory, clock=clock, mail=mail, link_for=link_for)
    return Deps(settings=settings, session_factory=session_factory, clock=clock, sweeper=sweeper)


class InlineExecutor(Executor):
    """Runs submitted work at once, in the submitting thread.

    The console prints every reply before its next prompt, and some tests check what a request did as soon as
    it returns: there the work after the ack (Bolt's lazy listeners) must be done before the answer. Never
    for the HTTP server or Socket Mode, where an ack must not wait for the work.
    """

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to whoever looks at the future, as a pool would
            future.set_exception(error)
        return future


def create_app(
    settings: Settings,
    *,
    session_factory: SessionFactory | None = None,
    client: WebClient | None = None,
    clock: Clock | None = None,
    work_in_request: bool = False,
    mail: MailTransport | None = None,
    link_for: LinkFor | None = None,
) -> App:
    """Build the Bolt app with every handler registered.

    Every listener is an ack function (run in the request's thread, before the answer) and lazy work that
    Bolt's lazy listener runner starts on its executor after the ack, so an ack never waits for a free
    thread. ``work_in_request`` runs that work at once in the request's thread instead (:class:`InlineExecutor`):
    for the console, never for the HTTP server. ``mail`` and ``link_for`` are the email route's
    (:func:`build_sweeper`).
    """
    from handlers import register_all

    client = client or make_web_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        # bot.entry.web verifies every HTTP request's signature before Bolt sees it (and answers a forgery
        # 401 before parsing it); Socket Mode and the console carry no signature. Verifying twice only
        # cost each ack time.
        request_verification_enabled=False,
        # Acks come from the ack functions, in the request's thread; the work is each listener's lazy part.
        process_before_response=True,
        listener_executor=InlineExecutor() if work_in_request else None,
        token_verification_enabled=False,
        logger=logging.getLogger("covenant_bot.bolt"),
    )
    deps = build_deps(settings, session_factory=session_factory, clock=clock, mail=mail, link_for=link_for)
    register_all(app, deps)
    return app
