"""People the bot first knows by email: `admin grant <email>` on a fresh install, then the Slack user with that
address is linked (users.lookupByEmail, or their profile email on first use) and runs the secretariat's commands."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from bot.app import make_web_client
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import ContactRoute, RoleKind
from bot.db.models import AuditEntry, Base, Organisation, Person
from bot.delivery.directory import Directory
from bot.services.administration import seed
from bot.slack_standin import StandinSlack
from config.settings import Settings
from tests.support.harness import SlackHarness, reply_text

NINA, NINA_EMAIL = "UNINA00001", "Nina.Nieuw@SER.example"
OLAF = "UOLAF00001"
PIETER = "UDEMOCOM01"


def _cli(url: str, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env["DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _fresh_install(engine: Engine, session_factory: SessionFactory) -> None:
    """As `db upgrade` + `seed` leave a new installation: the public covenant list, nobody with any role."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    with session_factory() as session:
        seed.load_public(session)


def _directory(settings: Settings, session_factory: SessionFactory, clock: ManualClock) -> Directory:
    """The scheduler's directory job, as it runs every ten minutes."""
    return Directory(session_factory, make_web_client(settings, retries=False), clock)


def _grant(engine: Engine, tmp_path: Path, who: str, covenant: str = "wind") -> None:
    url = engine.url.render_as_string(hide_password=False)
    granted = _cli(url, tmp_path, "admin", "grant", who, "secretariat", covenant)
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout.startswith(f"{who} is now a secretariat member of ")


def _linked_actions(session_factory: SessionFactory) -> list[tuple[int | None, object]]:
    with session_factory() as session:
        rows = session.execute(
            select(AuditEntry.entity_id, AuditEntry.detail).where(AuditEntry.action == "person.linked_by_email")
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_fresh_install_plus_admin_grant_by_email_yields_a_secretariat_member_who_runs_every_admin_command(
    slack: SlackHarness,
    engine: Engine,
    session_factory: SessionFactory,
    settings: Settings,
    clock: ManualClock,
    standin: StandinSlack,
    tmp_path: Path,
) -> None:
    _fresh_install(engine, session_factory)
    standin.add_user(NINA, "Nina Nieuw", email=NINA_EMAIL)
    standin.add_user(OLAF, "Olaf Offshore", email="olaf@zeewind.example")
    refused = reply_text(slack.command("/covenant", 'add-org "Zeewind Offshore BV" bedrijf', NINA))
    assert "Only a covenant's secretariat can do this" in refused
    url = engine.url.render_as_string(hide_password=False)
    assert _cli(url, tmp_path, "admin", "list").stdout == ""
    _grant(engine, tmp_path, "nina.nieuw@ser.example")
    assert _cli(url, tmp_path, "admin", "list").stdout == (
        "hernieuwbare-energie\t-\tnina.nieuw@ser.example\tnina.nieuw@ser.example\n"
    )
    # The scheduler's directory job asks Slack who has that address (users.lookupByEmail) and links them.
    found = _directory(settings, session_factory, clock).run_once()
    assert (found.asked, found.linked) == (1, 1)
    assert [call.args["email"] for call in standin.calls_to("users.lookupByEmail")] == ["nina.nieuw@ser.example"]
    with session_factory() as session:
        nina = session.scalars(select(Person).where(Person.slack_user_id == NINA)).one()
        assert nina.email == "nina.nieuw@ser.example" and nina.route == ContactRoute.EMAIL
        assert [role.kind for role in nina.roles] == [RoleKind.SECRETARIAT]
        nina_id = nina.id
    assert _linked_actions(session_factory) == [(nina_id, {"slack_user_id": NINA, "via": "users.lookupByEmail"})]
    # Every administrative command, through signed requests, as Nina.
    expected = [
        ("/covenant", 'add-org "Zeewind Offshore BV" bedrijf', "is registered as"),
        ("/covenant", 'join "Zeewind Offshore BV" wind 2026-11-01', "joined"),
        ("/covenant", f'link <@{OLAF}|olaf> "Zeewind Offshore BV" wind', "is now company contact"),
        ("/covenant", "channel-language wind en", "writes in English"),
        ("/covenant", "phase wind evaluating", "phase changed"),
        ("/plan", 'due "Zeewind Offshore BV" wind 2027-03-01', "is due on"),
        ("/meeting", 'group add wind "Werkgroep Zeewind"', "added to"),
        ("/covenant", f"unlink <@{OLAF}|olaf> wind", "no longer has a role"),
        ("/covenant", 'leave "Zeewind Offshore BV" wind 2026-12-01 merged', "left"),
    ]
    for command, text, says in expected:
        answer = reply_text(slack.command(command, text, NINA))
        assert says in answer, (command, text, answer)
    channel = reply_text(slack.command("/plan", "channel wind", NINA, channel="CNEWSECRET"))
    assert "is now the secretariat channel of" in channel
    with session_factory() as session:
        assert session.scalar(select(Organisation).where(Organisation.name == "Zeewind Offshore BV")) is not None


def test_an_unknown_slack_user_is_linked_by_their_profile_email_on_first_use(
    slack: SlackHarness, engine: Engine, session_factory: SessionFactory, standin: StandinSlack, tmp_path: Path
) -> None:
    standin.add_user(NINA, "Nina Nieuw", email=NINA_EMAIL)
    _grant(engine, tmp_path, "nina.nieuw@ser.example", "metaal")
    answer = reply_text(slack.command("/covenant", 'add-org "Koper Nieuw BV" bedrijf', NINA))
    assert "Koper Nieuw BV" in answer and "is registered as" in answer
    with session_factory() as session:
        nina = session.scalars(select(Person).where(Person.email == "nina.nieuw@ser.example")).one()
        assert nina.slack_user_id == NINA
    assert _linked_actions(session_factory) == [(nina.id, {"slack_user_id": NINA, "via": "first_use"})]
    assert standin.calls_to("users.lookupByEmail") == []  # users.info gave the address: no extra call


def test_a_person_with_another_slack_id_or_a_slack_user_with_a_row_of_their_own_is_never_linked(
    slack: SlackHarness,
    engine: Engine,
    session_factory: SessionFactory,
    settings: Settings,
    clock: ManualClock,
    standin: StandinSlack,
    tmp_path: Path,
) -> None:
    # The address belongs to someone else in the bot already (another Slack id): the newcomer with the same address
    # in their Slack profile gets nothing of theirs.
    _grant(engine, tmp_path, "gedeeld@ser.example", "metaal")
    with session_factory() as session:
        owner = session.scalars(select(Person).where(Person.email == "gedeeld@ser.example")).one()
        owner.slack_user_id = "UOWNER0001"
        session.commit()
    standin.add_user("UIMPOSTER1", "Imposter", email="Gedeeld@SER.example")
    refused = reply_text(slack.command("/covenant", 'add-org "Nep BV" bedrijf', "UIMPOSTER1"))
    assert "Only a covenant's secretariat can do this" in refused
    # A Slack user who has a person of their own (Pieter, a company contact) is not merged into the email contact.
    _grant(engine, tmp_path, "pieter.bakker@demo.example", "metaal")  # his address in the stand-in's Slack
    assert _directory(settings, session_factory, clock).run_once().linked == 0
    assert _linked_actions(session_factory) == []
    with session_factory() as session:
        assert session.scalar(select(Organisation).where(Organisation.name.like("Nep%"))) is None
        imposter = session.scalars(select(Person).where(Person.slack_user_id == "UIMPOSTER1")).one_or_none()
        assert imposter is None or imposter.email is None
        pieter = session.scalars(select(Person).where(Person.slack_user_id == PIETER)).one()
        assert pieter.email is None and RoleKind.SECRETARIAT not in {role.kind for role in pieter.roles}


def test_a_language_choice_made_before_the_contact_was_known_is_merged_into_it(
    slack: SlackHarness,
    engine: Engine,
    session_factory: SessionFactory,
    settings: Settings,
    clock: ManualClock,
    standin: StandinSlack,
    tmp_path: Path,
) -> None:
    standin.add_user(OLAF, "Olaf", email="olaf@zeewind.example")
    assert "Vanaf nu antwoord ik je in" in reply_text(slack.command("/covenant", "lang nl", OLAF))
    _grant(engine, tmp_path, "olaf@zeewind.example", "metaal")
    assert _directory(settings, session_factory, clock).run_once().linked == 1
    with session_factory() as session:
        olaf = session.scalars(select(Person).where(Person.slack_user_id == OLAF)).one()
        assert (olaf.email, olaf.language) == ("olaf@zeewind.example", "nl")
        assert [role.kind for role in olaf.roles] == [RoleKind.SECRETARIAT]
    assert "Olaf Wind BV" in reply_text(slack.command("/covenant", 'add-org "Olaf Wind BV" bedrijf', OLAF))
    with session_factory() as session:
        assert session.scalar(select(Organisation).where(Organisation.name == "Olaf Wind BV")) is not None


def test_contacts_not_in_slack_are_asked_about_once_a_round_and_a_missing_scope_pauses_the_job(
    session_factory: SessionFactory,
    settings: Settings,
    clock: ManualClock,
    standin: StandinSlack,
    engine: Engine,
    tmp_path: Path,
) -> None:
    standin.expected_refusals |= {"users_not_found", "missing_scope"}
    for number in range(3):
        _grant(engine, tmp_path, f"extern{number}@elders.example", "metaal")
    directory = _directory(settings, session_factory, clock)
    directory.per_run = 2
    assert (directory.run_once().asked, directory.run_once().asked) == (2, 1)
    assert directory.run_once().asked == 0  # the round is done: the next begins a day later
    assert len(standin.calls_to("users.lookupByEmail")) == 3
    clock.advance(timedelta(hours=25))
    standin.scopes.discard("users:read.email")
    assert directory.run_once().asked == 0
    assert standin.calls_to("users.lookupByEmail")[-1].response["error"] == "missing_scope"
    assert directory.run_once().asked == 0 and len(standin.calls_to("users.lookupByEmail")) == 4  # paused
    with session_factory() as session:
        assert session.scalars(select(Person.slack_user_id).where(Person.email.like("extern%"))).all() == [None] * 3
