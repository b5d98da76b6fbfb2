"""APScheduler only triggers: cron jobs in Europe/Amsterdam with coalesce, one instance, a real grace time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineKind
from bot.db.models import Covenant, ReminderDelivery
from bot.delivery import Sweeper
from bot.scheduler import JOB_DEFAULTS, add_jobs
from bot.services.plans import deadlines
from tests.support.demo import person

AMS = ZoneInfo("Europe/Amsterdam")


def test_jobs_are_cron_triggers_in_amsterdam_time(sweeper: Sweeper) -> None:
    scheduler = BackgroundScheduler(job_defaults=JOB_DEFAULTS, timezone="Europe/Amsterdam")
    add_jobs(scheduler, sweeper)
    scheduler.start(paused=True)  # job defaults apply when jobs reach the job store
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {
            "sweep",
            "secretariat-digest",
            "group-digest",
            "directory",
            "privacy-retention",
            "canvas-dashboards",
        }
        for job in jobs.values():
            assert str(job.trigger.timezone) == "Europe/Amsterdam"
            assert job.coalesce is True and job.max_instances == 1 and job.misfire_grace_time >= 30
    finally:
        scheduler.shutdown(wait=False)


def test_group_digest_trigger_keeps_nine_local_across_dst(sweeper: Sweeper) -> None:
    scheduler = BackgroundScheduler(job_defaults=JOB_DEFAULTS, timezone="Europe/Amsterdam")
    add_jobs(scheduler, sweeper)
    trigger = next(job for job in scheduler.get_jobs() if job.id == "group-digest").trigger
    moment = datetime(2027, 3, 20, tzinfo=AMS)
    fires = []
    for _ in range(4):  # across the last Sunday of March
        moment = trigger.get_next_fire_time(None, moment + timedelta(minutes=1))
        fires.append(moment)
    assert [f.astimezone(AMS).hour for f in fires] == [9, 9, 9, 9]
    assert {f.utcoffset() for f in fires} == {timedelta(hours=1), timedelta(hours=2)}


def test_reminder_follows_the_recipients_own_time_zone(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory
) -> None:
    james = person("james").slack_user_id  # America/New_York
    with session_factory() as session:
        covenant = session.query(Covenant).filter_by(slug="metaal").one()
        deadline = deadlines.create(
            session,
            covenant_id=covenant.id,
            kind=DeadlineKind.ACTION_ITEM,
            title="Send the smelter list",
            due_on=datetime(2026, 11, 30).date(),
            now=clock.now(),
            actor="test",
            owner_slack_id=james,
        )
        session.commit()
        deadline_id = deadline.id
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # 07:00 in New York: before the window
    sweeper.run_once()
    with session_factory() as session:
        row = session.query(ReminderDelivery).filter_by(deadline_id=deadline_id, recipient=james).one()
        local = row.planned_for.astimezone(ZoneInfo("America/New_York"))
        assert (local.date().isoformat(), local.hour) == ("2026-11-23", 9)
