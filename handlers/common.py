"""What every listener does the same way: find the viewer, answer safely, never show a trace."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.commands import home
from bot.commands.context import Ask
from bot.render.blocks import Reply
from bot.render.errors import apology, usage_error
from bot.services import events, people
from bot.services.access import Viewer, viewer_for
from bot.services.dashboard import Expansion
from bot.services.errors import UsageError

if TYPE_CHECKING:
    from bot.deps import Deps

logger = logging.getLogger(__name__)


def first_time(deps: Deps, body: dict[str, Any]) -> bool:
    """False for an event Slack delivered before (a retry, to this or another instance); records its event_id.

    Event listeners call it after Bolt's automatic ack, so the database write never delays the ack.
    """
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not event_id:
        return True
    with deps.session_factory() as session:
        if events.first_delivery(session, str(event_id), deps.clock.now()):
            return True
    logger.info("event %s already handled; ignoring the retry", event_id)
    return False


def _profile(session: Session, client: WebClient, deps: Deps, slack_user_id: str) -> people.Profile | None:
    now = deps.clock.now()
    profile = people.cached_profile(session, slack_user_id, now)
    if profile is not None:
        return profile
    try:
        user = client.users_info(user=slack_user_id, include_locale=True)["user"]
        profile = people.Profile(
            slack_user_id=slack_user_id,
            real_name=user.get("real_name") or user.get("name"),
            tz=user.get("tz"),
            locale=user.get("locale"),
        )
        people.store_profile(session, profile, now)
        return profile
    except (SlackApiError, SlackClientError, KeyError) as exc:
        logger.warning("users.info failed for %s: %s", slack_user_id, exc)
        return people.stale_profile(session, slack_user_id)


def load_viewer(session: Session, client: WebClient, deps: Deps, slack_user_id: str) -> Viewer:
    """The viewer for a Slack user; their profile (tz, locale) comes from the cache or users.info."""
    profile = _profile(session, client, deps, slack_user_id)
    return viewer_for(session, slack_user_id, profile, deps.settings.bot_language, deps.settings.bot_timezone)


@dataclass(frozen=True)
class Answer:
    """A reply and how it came about: ``ok`` is False for a usage error or an apology."""

    reply: Reply
    viewer: Viewer | None
    ok: bool


def answer(
    deps: Deps, client: WebClient, slack_user_id: str, produce: Callable[[Ask], Reply], mentioned: Iterable[str] = ()
) -> Answer:
    """Run ``produce`` for the user; a UsageError becomes a friendly reply and a bug an apology.

    Either way the session is rolled back unless ``produce`` committed: nothing half-written. Profiles of
    ``mentioned`` users are fetched first, so a person the secretariat links gets their Slack name.
    """
    viewer: Viewer | None = None
    try:
        with deps.session_factory() as session:
            viewer = load_viewer(session, client, deps, slack_user_id)
            for other in mentioned:
                _profile(session, client, deps, other)
            ask = Ask(session=session, viewer=viewer, now=deps.clock.now(), today=deps.today())
            try:
                return Answer(produce(ask), viewer, ok=True)
            except UsageError as error:
                session.rollback()
                return Answer(usage_error(error, viewer.language), viewer, ok=False)
    except Exception:
        logger.exception("failed to answer %s", slack_user_id)
        return Answer(apology(viewer.language if viewer else deps.settings.bot_language), viewer, ok=False)


def respond_privately(command: dict[str, Any], reply: Reply) -> None:
    """Answer a slash command to its sender alone, through its response_url (usable from any process)."""
    Respond(response_url=command.get("response_url"))(response_type="ephemeral", **reply.as_message())


def produce_reply(
    deps: Deps, client: WebClient, slack_user_id: str, produce: Callable[[Session, Viewer], Reply]
) -> tuple[Reply, Viewer | None]:
    """Like :func:`answer` for producers that take (session, viewer)."""
    result = answer(deps, client, slack_user_id, lambda ask: produce(ask.session, ask.viewer))
    return result.reply, result.viewer


def publish_home(deps: Deps, client: WebClient, slack_user_id: str, expansion: Expansion | None = None) -> None:
    """Build and publish the user's Home tab (a failure is logged; the tab keeps its previous content)."""
    try:
        with deps.session_factory() as session:
            viewer = load_viewer(session, client, deps, slack_user_id)
            ask = Ask(session=session, viewer=viewer, now=deps.clock.now(), today=deps.today())
            view: dict[str, Any] = home.view(ask, expansion)
    except Exception:
        logger.exception("could not build the Home tab for %s", slack_user_id)
        return
    client.views_publish(user_id=slack_user_id, view=view)


def send_now(deps: Deps, delivery_ids: list[int]) -> None:
    """Send owed notices at once (after ack), through the reminder engine: a failure leaves the row for the
    scheduler's next sweep, so nothing is lost."""
    for delivery_id in delivery_ids:
        try:
            deps.sweeper.deliver_now(delivery_id)
        except Exception:
            logger.exception("could not send delivery %s now; the next sweep will", delivery_id)
