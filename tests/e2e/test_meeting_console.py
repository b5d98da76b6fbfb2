"""The console walks through a recurring meeting: scheduled, reminded with RSVP buttons, answered, in the feed."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import select

from bot.clock import OffsetClock
from bot.db.engine import make_engine, make_session_factory
from bot.db.models import Meeting
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


def _group_options(printed: str) -> list[str]:
    """The group choices as the console printed the form: '1) Werkgroep …', '2) …'."""
    section = printed.split("[group]")[1].split("[title]")[0]
    return re.findall(r"^\s+\d+\) (.+)$", section, flags=re.MULTILINE)


def test_console_submit_takes_what_the_form_shows_and_refuses_ignored_fields(tmp_path: Path) -> None:
    clock = OffsetClock()
    clock.set(NOW)
    settings = prepare_database(Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}"), True, clock)
    out = io.StringIO()
    people = seed.demo_people()
    console = Console(settings=settings, out=out, clock=clock, people=people, user=people[0])  # Sanne
    console.start()
    try:
        console.handle_line("/meeting schedule")
        options = _group_options(out.getvalue())
        assert len(options) >= 3
        second = options[1]

        def submitted(fields: str) -> str:
            start = len(out.getvalue())
            console.handle_line(f"!submit {fields}")
            return out.getvalue()[start:]

        base = "group=2 date=2027-03-16 start=14:00"
        too_often = submitted(f'{base} repeat=5 rrule="FREQ=HOURLY"')  # option 5: a rule of one's own
        assert "[rrule]" in too_often and "te vaak" in too_often, too_often
        ignored = submitted(f"{base} repeat=1 rrule=FREQ=DAILY")  # option 1: no repeat, so the rule would be lost
        assert "[rrule]" in ignored, ignored
        unknown = submitted(f"{base} repeat=none")  # "none" is not on the form: its options are numbered
        assert "[repeat]" in unknown and "Ingepland" not in unknown, unknown
        by_label = submitted(f'group="{second}" date=2027-03-17 start=14:00 repeat="Elke week"')
        assert "Ingepland" in by_label and "elke week" in by_label, by_label
        by_number = submitted(base)
        assert "Ingepland" in by_number, by_number
    finally:
        console.stop()
    with make_session_factory(make_engine(settings.database_url))() as session:
        made = list(session.scalars(select(Meeting).where(Meeting.uid.not_like("demo-%")).order_by(Meeting.id)))
        names = [meeting.group.name for meeting in made]
    assert len(made) == 2 and all(name in second for name in names), (names, second)
    assert made[0].rrule is not None and "FREQ=WEEKLY" in made[0].rrule and made[1].rrule is None
