"""The console prints the emails the bot sends as it prints Slack messages, and ``!mail`` shows the last ones."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.clock import OffsetClock
from bot.db.engine import make_engine, make_session_factory
from bot.db.enums import DeadlineKind
from bot.db.models import Covenant, Deadline, Organisation
from bot.entry.console.session import HELP, Console, prepare_database
from bot.services.administration import seed
from bot.services.plans import deadlines
from config.settings import Settings
from tests.support.email_people import email_contact


def test_console_prints_an_email_reminder_and_mail_shows_it(tmp_path: Path) -> None:
    clock = OffsetClock()
    settings = prepare_database(Settings(DATABASE_URL="sqlite:///unused.sqlite3"), True, clock, tmp_path)
    factory = make_session_factory(make_engine(settings.database_url))
    email_contact(factory, name="Eva Mailer", email="eva@example.org", language="en")
    with factory() as session:
        energy = session.scalar(select(Covenant).where(Covenant.slug == "hernieuwbare-energie"))
        company = session.scalar(select(Organisation).where(Organisation.name.like("Windkracht%")))
        assert energy is not None and company is not None
        today = clock.now().date()
        deadlines.create(
            session,
            covenant_id=energy.id,
            kind=DeadlineKind.CUSTOM,
            title="Console deadline",
            due_on=today + timedelta(days=7),
            now=clock.now(),
            actor="test",
            organisation_id=company.id,
        )
        session.commit()
    out = io.StringIO()
    console = Console(settings=settings, out=out, clock=clock, people=seed.demo_people())
    console.start()
    try:
        console.handle_line("!sweep")  # plans the reminder: at the next 09:00 on a working day
        console.handle_line("!advance 4d")
        console.handle_line("!mail 50")
        console.handle_line("!mail x")
        listed = out.getvalue().rsplit("--- email ---\n", 1)[1]
        snooze = next(line for line in listed.splitlines() if line.startswith("* Snooze 3 days: "))
        url = snooze.removeprefix("* Snooze 3 days: ")
        number = next(line for line in listed.splitlines() if line.endswith(url) and line.startswith("  ["))
        console.handle_line(f"!open {number.strip()[1:].split(']')[0]}")  # by its number in !mail
        asked = out.getvalue()
        console.handle_line(f"!open {url} confirm")
        done = out.getvalue()[len(asked) :]
        console.handle_line(f"!open {url} confirm")
        again = out.getvalue()[len(asked) + len(done) :]
    finally:
        console.stop()
    text = out.getvalue()
    assert "--- email to Eva Mailer <eva@example.org> ---\nSubject: Reminder: Console deadline" in text
    shown = text.split("--- email ---\n", 1)[1]
    assert "To: Eva Mailer <eva@example.org>" in shown and "Subject: Reminder: Console deadline" in shown
    # The email's Snooze link, followed in the console: the page asks first, the confirmation snoozes, once.
    assert "http://localhost:3000/l/" in shown and "(200)" in asked.rsplit("---", 1)[1] and "3 days" in asked
    assert "(200)" in done and "Snoozed" in done, done
    assert "(410)" in again
    with factory() as session:
        deadline = session.scalar(select(Deadline).where(Deadline.title == "Console deadline"))
        assert deadline is not None and deadline.snoozed_until is not None
    assert "(use !mail or !mail 5)" in text
    assert "!mail [n]" in HELP
