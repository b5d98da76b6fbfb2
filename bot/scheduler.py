"""APScheduler (3.x) wiring: it only *triggers* the sweep and the digests; every reminder lives in the
database, so a missed or doubled trigger loses or repeats nothing."""

from __future__ import annotations

import logging
import signal
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.delivery import Sweeper

logger = logging.getLogger(__name__)

ZONE = "Europe/Amsterdam"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}


def add_jobs(scheduler: BaseScheduler, sweeper: Sweeper) -> None:
    """The sweep every minute; the secretariat digest at 08:30 and the group digest on Monday 09:00."""
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


def _sweep(sweeper: Sweeper) -> None:
    try:
        result = sweeper.run_once()
    except Exception:
        logger.exception("sweep failed; the next one will pick up where it stopped")
        return
    if result.claimed or result.planned:
        logger.info("sweep: %s", result)


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
