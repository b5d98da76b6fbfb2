"""APScheduler (3.x) wiring: it only *triggers* the sweep, the digests, the takeover of abandoned work and
the clean-up; every reminder and every acknowledged piece of work lives in the database, so a missed or
doubled trigger loses or repeats nothing."""

from __future__ import annotations

import logging
import signal
from datetime import timedelta
from types import FrameType
from typing import Protocol, runtime_checkable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.delivery import Sweeper
from bot.delivery.directory import Directory

logger = logging.getLogger(__name__)

ZONE = "Europe/Amsterdam"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}


def add_jobs(scheduler: BaseScheduler, sweeper: Sweeper) -> None:
    """The sweep every minute, one more sweep at each digest's moment (08:30 daily, Monday 09:00), and the
    retention policy at 03:40.

    Digests are planned and sent by the sweep like every other message (bot.delivery.families.digests); these two
    triggers add no work of their own. They are separate jobs so a digest goes out on the minute even while the
    minute's sweep is still busy with a long run (``max_instances`` holds per job; two sweeps share the claims).
    """
    scheduler.add_job(
        _sweep,
        CronTrigger(second=5, timezone=ZONE),
        args=[sweeper],
        id="sweep",
        replace_existing=True,
        misfire_grace_time=50,
    )
    scheduler.add_job(
        _sweep,
        CronTrigger(hour=8, minute=30, timezone=ZONE),
        args=[sweeper],
        id="secretariat-digest",
        replace_existing=True,
    )
    scheduler.add_job(
        _sweep,
        CronTrigger(day_of_week="mon", hour=9, minute=0, timezone=ZONE),
        args=[sweeper],
        id="group-digest",
        replace_existing=True,
    )
    # Contacts known only by email: who of them is in Slack (users.lookupByEmail, a few each ten minutes).
    scheduler.add_job(
        _look_up,
        CronTrigger(minute="*/10", second=35, timezone=ZONE),
        args=[Directory(sweeper.session_factory, sweeper.client, sweeper.clock)],
        id="directory",
        replace_existing=True,
    )
    # The covenants' dashboard canvases (bot.delivery.canvases), once a day besides a measurement's own update.
    scheduler.add_job(
        _dashboards,
        CronTrigger(hour=6, minute=15, timezone=ZONE),
        args=[sweeper],
        id="canvas-dashboards",
        replace_existing=True,
    )
    scheduler.add_job(
        _retention,
        CronTrigger(hour=3, minute=40, timezone=ZONE),
        args=[sweeper],
        id="privacy-retention",
        replace_existing=True,
    )


def _dashboards(sweeper: Sweeper) -> None:
    try:
        sweeper.keep_dashboards()
    except Exception:
        logger.exception("dashboard canvases failed; tomorrow's run and the sweep try again")


def _retention(sweeper: Sweeper) -> None:
    """The nightly retention run (config/retention.yml). Every scheduler may run it: they take turns on a
    database lock, and the second finds nothing left to delete."""
    from bot.services.privacy import retention

    try:
        outcomes = retention.run_daily(sweeper.session_factory, sweeper.clock.now())
    except Exception:
        logger.exception("retention run failed; tomorrow's run tries again")
        return
    logger.info("retention: %s", ", ".join(f"{o.rule} {o.count}" for o in outcomes))


def _sweep(sweeper: Sweeper) -> None:
    try:
        result = sweeper.run_once()
    except Exception:
        logger.exception("sweep failed; the next one will pick up where it stopped")
        return
    if result.claimed or result.planned:
        logger.info("sweep: %s", result)


def _look_up(directory: Directory) -> None:
    try:
        result = directory.run_once()
    except Exception:
        logger.exception("directory lookup failed; the next run tries again")
        return
    if result.linked:
        logger.info("directory: %s", result)


def run_blocking(sweeper: Sweeper) -> None:
    """The ``clock`` process: sweep until SIGTERM/SIGINT."""
    scheduler = BlockingScheduler(job_defaults=JOB_DEFAULTS, timezone=ZONE)
    add_jobs(scheduler, sweeper)

    def stop(signum: int, frame: FrameType | None) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    logger.info("scheduler started (%s)", sweeper.worker)
    _sweep(sweeper)  # catch up at once after a restart
    scheduler.start()


def start_background(sweeper: Sweeper) -> BackgroundScheduler:
    """The scheduler inside another process (Socket Mode)."""
    scheduler = BackgroundScheduler(job_defaults=JOB_DEFAULTS, timezone=ZONE)
    add_jobs(scheduler, sweeper)
    scheduler.start()
    return scheduler


@runtime_checkable
class TakesOver(Protocol):
    """What runs acknowledged work again when its process died (``handlers.durable.DurableLazyRunner``)."""

    lease: timedelta

    def take_over(self, limit: int = 20) -> int: ...

    def forget_old(self) -> int: ...


def takeover_interval(lease: timedelta) -> timedelta:
    """How often a web process renews its own leases and looks for abandoned work: a quarter of the lease
    (at least a quarter second), so a live process renews three times before its lease could expire."""
    return max(lease / 4, timedelta(seconds=0.25))


def start_takeover(runner: TakesOver) -> BackgroundScheduler:
    """Take over abandoned work in this (web) process, every :func:`takeover_interval`; and at night forget
    what is past Slack's retry window (processed events, finished work).

    It runs in the web processes rather than the clock process: running work again needs the Bolt app with
    its listeners, which each web worker has built anyway (the clock process would build a second one just
    for this), and wherever requests are served a web worker is alive (gunicorn respawns a killed one).
    """
    scheduler = BackgroundScheduler(job_defaults=JOB_DEFAULTS, timezone=ZONE)
    scheduler.add_job(
        _take_over,
        IntervalTrigger(seconds=takeover_interval(runner.lease).total_seconds(), timezone=ZONE),
        args=[runner],
        id="take-over",
        replace_existing=True,
    )
    scheduler.add_job(
        _forget_old,
        CronTrigger(hour=4, minute=10, timezone=ZONE),
        args=[runner],
        id="forget-old",
        replace_existing=True,
    )
    scheduler.start()
    return scheduler


def _forget_old(runner: TakesOver) -> None:
    try:
        logger.info("forgot %s old records of processed events and finished work", runner.forget_old())
    except Exception:
        logger.exception("forgetting old records failed; tomorrow's run tries again")


def _take_over(runner: TakesOver) -> None:
    try:
        while runner.take_over() == 20:  # a full batch: there may be more
            pass
    except Exception:
        logger.exception("taking over abandoned work failed; the next run tries again")
