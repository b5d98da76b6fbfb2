"""The console follows a link from an email as a browser would: ``!open URL`` shows the page, ``confirm`` presses."""

from __future__ import annotations

import io
from pathlib import Path

from bot.clock import OffsetClock
from bot.db.engine import make_engine, make_session_factory
from bot.entry.console.session import CONSOLE_SECRET, Console, prepare_database
from bot.render import reminders as render
from bot.services import links
from bot.services.administration import seed
from config.settings import Settings
from tests.support.demo import person
from tests.support.factories import windkracht_deadline


def test_open_shows_the_page_and_confirm_presses_its_button(tmp_path: Path) -> None:
    clock = OffsetClock()
    settings = prepare_database(Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}"), True, clock, tmp_path)
    out = io.StringIO()
    console = Console(settings=settings, out=out, clock=clock, people=seed.demo_people())
    console.start()
    try:
        factory = make_session_factory(make_engine(settings.database_url))
        due = clock.now().date().replace(day=1).replace(year=clock.now().year + 1)
        deadline_id = windkracht_deadline(factory, due, "Console-rapport")
        # The console signs with the database's own key, not with its well-known signing secret.
        assert console.link_pages.secret() == links.secret_from(None, None, factory).hex().encode()
        assert console.link_pages.secret() != links.secret_from(None, CONSOLE_SECRET, factory)
        url = links.button_url(
            "https://bot.example.org",
            console.link_pages.secret(),
            person("pieter").slack_user_id,
            f"{render.ACTION_SNOOZE}_3",
            f"{deadline_id}:3",
            clock.now(),
        )
        console.mail_links.append(url)
        console.handle_line("!open 1")
        assert "(200)" in out.getvalue() and "‘Console-rapport’" in out.getvalue() and "[Bevestigen]" in out.getvalue()
        console.handle_line(f"!open {url} confirm")
        assert "Uitgesteld" in out.getvalue()
        console.handle_line("!open 1 confirm")
        assert "(410)" in out.getvalue() and "al gebruikt" in out.getvalue()
        console.handle_line("!open 7")
        assert "Usage: !open" in out.getvalue()
    finally:
        console.stop()
