"""What every listener does the same way: find the viewer, answer safely, never show a trace."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.render.blocks import Reply
from bot.render.errors import apology, usage_error
from bot.services import people
from bot.services.access import Viewer, viewer_for
from bot.services.errors import UsageError

if TYPE_CHECKING:
    from bot.app import Deps

logger = logging.getLogger(__name__)


def load_viewer(session: Session, client: WebClient, deps: Deps, slack_user_id: str) -> Viewer:
    """The viewer for a Slack user; their profile (tz, locale) comes from the cache or users.info."""
    now = deps.clock.now()
    profile = people.cached_profile(session, slack_user_id, now)
    if profile is None:
        try:
            user = client.users_info(user=slack_user_id, include_locale=True)["user"]
            profile = people.Profile(
                slack_user_id=slack_user_id,
                real_name=user.get("real_name") or user.get("name"),
                tz=user.get("tz"),
                locale=user.get("locale"),
            )
            people.store_profile(session, profile, now)
        except (SlackApiError, SlackClientError, KeyError) as exc:
            logger.warning("users.info failed for %s: %s", slack_user_id, exc)
            profile = people.stale_profile(session, slack_user_id)
    return viewer_for(session, slack_user_id, profile, deps.settings.bot_language, deps.settings.bot_timezone)


def produce_reply(
    deps: Deps, client: WebClient, slack_user_id: str, produce: Callable[[Session, Viewer], Reply]
) -> tuple[Reply, Viewer | None]:
    """Run ``produce`` in a session; a UsageError becomes a friendly reply and a bug an apology.

    Either way the session is rolled back unless ``produce`` committed: nothing half-written.
    """
    viewer: Viewer | None = None
    try:
        with deps.session_factory() as session:
            viewer = load_viewer(session, client, deps, slack_user_id)
            try:
                return produce(session, viewer), viewer
            except UsageError as error:
                session.rollback()
                return usage_error(error, viewer.language), viewer
    except Exception:
        logger.exception("failed to answer %s", slack_user_id)
        return apology(viewer.language if viewer else deps.settings.bot_language), viewer


def send_now(deps: Deps, client: WebClient, delivery_ids: list[int]) -> None:
    """Send owed notices at once (after ack), through the reminder engine: a failure leaves the row for the
    scheduler's next sweep, so nothing is lost."""
    if not delivery_ids:
        return
    from bot.delivery import Sweeper

    sweeper = Sweeper(deps.session_factory, client, deps.clock, deps.settings)
    for delivery_id in delivery_ids:
        try:
            sweeper.deliver_now(delivery_id)
        except Exception:
            logger.exception("could not send delivery %s now; the next sweep will", delivery_id)
