"""The console walks through a recurring meeting: scheduled, reminded with RSVP buttons, answered, in the feed."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bot.clock import OffsetClock
from bot.entry.console.session import Console, prepare_database
from bot.services.administration import seed
from config.settings import Settings
from tests.support.demo import NOW


def test_console_schedules_a_series_reminds_it_takes_an_rsvp_and_prints_the_feed(tmp_path: Path) -> None:
    clock = OffsetClock()
    clock.set(NOW)  # Monday 23 November 2026, 10:00 in Amsterdam
    settings = prepare_database(Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}"), True, clock)
    out = io.StringIO()
    people = seed.demo_people()
    console = Console(settings=settings, out=out, clock=clock, people=people, user=people[0])
    console.start()
    try:
        console.handle_line("/meeting schedule leefbaar loon woensdag 14:00 90m wekelijks 1. Opening 2. Loonkloof")
        assert "Ingepland: Werkgroep Leefbaar Loon" in out.getvalue()
        console.handle_line("!advance 1d")  # Tuesday 10:00: the working day before
        reminder = out.getvalue().split("Herinnering: er komt een vergadering aan")[1]
        attend = re.search(r"\[(\d+) Aanwezig\]", reminder)
        assert attend is not None and "2. Loonkloof" in reminder
        console.handle_line("!as fatima")
        console.handle_line(f"!click {attend.group(1)}")
        assert "updated message in CDEMOWG001" in out.getvalue()
        assert "1 aanwezig" in out.getvalue().split("updated message in CDEMOWG001")[-1]
        console.handle_line("/meeting ics leefbaar loon")
        feed = out.getvalue().split("--- file werkgroep-leefbaar-loon.ics")[1]
        assert "RRULE:FREQ=WEEKLY" in feed and "BEGIN:VTIMEZONE" in feed and "END:VCALENDAR" in feed
    finally:
        console.stop()
