"""/charter through signed requests: the coordinator records signatories and commitments, a signatory's contact
records progress, the engine asks for next year's update; mistakes and forged values change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import CommitmentKind, DeadlineKind, DeadlineStatus, OrganisationKind, ParticipationType
from bot.db.models import (
    AuditEntry,
    CharterSignatory,
    Commitment,
    CommitmentUpdate,
    Covenant,
    Deadline,
    Organisation,
    Participation,
)
from bot.delivery import Sweeper
from bot.slack_standin import StandinSlack
from tests.support.charters import AN, ATELIER, BEN, HARBOUR, LIEN, SANNE, STRANGER, ask, counts, home, plant_note
from tests.support.demo import NOW
from tests.support.harness import SlackHarness, button_ids, click, reply_text


def test_the_coordinator_records_a_signature_with_date_and_signer(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    text = reply_text(
        slack.command(
            "/charter", 'onderteken decent-work "Windkracht Energie" 1 november 2026 door Jan Peters, CEO', LIEN
        )
    )
    assert "Windkracht Energie BV (demo) staat nu als ondertekenaar" in text and "Jan Peters, CEO" in text
    with session_factory() as session:
        signatory = session.scalar(select(CharterSignatory).where(CharterSignatory.signed_by_name == "Jan Peters"))
        assert signatory is not None and signatory.signed_on == date(2026, 11, 1)
        assert signatory.signed_by_role == "CEO"
        participation = session.scalar(
            select(Participation).where(
                Participation.organisation_id == signatory.organisation_id,
                Participation.covenant_id == signatory.covenant_id,
            )
        )
        assert participation is not None and participation.type == ParticipationType.SIGNATORY
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "charter.signed")) is not None


def test_signing_again_corrects_the_signature(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/charter", f"sign decent-work {HARBOUR} 2026-08-20 by Marc Dubois, CEO", LIEN))
    assert "is corrected" not in text  # Lien reads Dutch
    assert "gecorrigeerd" in text and "20 augustus 2026" in text


def test_a_commitment_gets_a_number_a_target_and_a_yearly_update_request(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    text = reply_text(
        slack.command(
            "/charter", f"commit decent-work {HARBOUR} coaching Coaching for job coaches 5 by 2027-06-30", LIEN
        )
    )
    assert "Toezegging 2 van Harbour Logistics NV (demo) is vastgelegd" in text
    assert "doel 5" in text and "30 juni 2027" in text
    with session_factory() as session:
        commitment = session.scalar(select(Commitment).where(Commitment.text == "Coaching for job coaches"))
        assert commitment is not None and commitment.kind == CommitmentKind.COACHING
        assert commitment.target_number == 5 and commitment.target_on == date(2027, 6, 30)
        request = session.scalar(select(Deadline).where(Deadline.ref == f"charter-commitment:{commitment.id}:2027"))
        assert request is not None and request.kind == DeadlineKind.COMMITMENT_UPDATE
        # Due on the anniversary of the signing (the demo signed 100 days before today).
        assert request.due_on == (NOW.date() - timedelta(days=100)).replace(year=2027)
        assert request.organisation_id == commitment.signatory.organisation_id


def test_a_contact_records_progress_the_request_is_done_and_next_years_asked(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    # Atelier's second commitment has no update yet: its first request is open.
    text = reply_text(slack.command("/charter", f"voortgang decent-work {ATELIER} 2 Drie coaches actief behaald 5", AN))
    assert "De voortgang van toezegging 2 van Atelier Inclusief NV (demo) is vastgelegd" in text
    with session_factory() as session:
        update = session.scalar(select(CommitmentUpdate).where(CommitmentUpdate.achieved == 5))
        assert update is not None and update.reported_by == "An Claes (demo)"
        requests = session.scalars(
            select(Deadline)
            .where(Deadline.ref.like(f"charter-commitment:{update.commitment_id}:%"))
            .order_by(Deadline.due_on)
        ).all()
        assert [r.status for r in requests] == [DeadlineStatus.DONE, DeadlineStatus.OPEN]
        assert requests[1].due_on.year == requests[0].due_on.year + 1
        audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "charter.progress_recorded"))
        assert audit is not None and "VERTROUWELIJK" not in str(audit.detail)  # the note is not copied to the trail


def test_the_coordinator_may_record_progress_too(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/charter", f"progress decent-work {HARBOUR} 1 Three hires this year", LIEN))
    assert "is vastgelegd" in text


@pytest.mark.parametrize(
    ("user", "text"),
    [
        (BEN, f"commit decent-work {HARBOUR} hiring More jobs"),  # a contact is not the coordinator
        (SANNE, f"sign decent-work {HARBOUR}"),  # another covenant's secretariat
        (STRANGER, f"sign decent-work {ATELIER}"),
        (BEN, f"progress decent-work {ATELIER} 1 Not my organisation"),  # another signatory's contact
        (LIEN, f"progress decent-work {ATELIER} 9 No such commitment"),
        (LIEN, f"progress decent-work {ATELIER} 1"),  # no text
        (LIEN, f"commit decent-work {ATELIER} Something without a kind"),
        (LIEN, 'commit decent-work "Windkracht Energie" hiring Not a signatory'),
        (LIEN, f"sign metaal {ATELIER}"),  # a covenant, not a charter
        (LIEN, f"sign decent-work {ATELIER} 31-02-2027"),  # no such date
        (LIEN, f"progress decent-work {ATELIER} 99999999999999999999 forged many-digit number"),
        (LIEN, f"progress decent-work {ATELIER} 1 Done behaald 99999999999999999999"),
    ],
)
def test_a_refused_or_mistaken_command_changes_nothing(
    slack: SlackHarness, session_factory: SessionFactory, user: str, text: str
) -> None:
    before = counts(session_factory)
    answer = reply_text(slack.command("/charter", text, user))
    assert ":warning:" in answer and "Traceback" not in answer
    assert counts(session_factory) == before


@pytest.mark.parametrize("sub", ["sign", "onderteken", "commit", "toezegging", "progress", "voortgang", "signatories"])
def test_a_subcommand_without_arguments_shows_its_own_usage(slack: SlackHarness, sub: str) -> None:
    text = reply_text(slack.command("/charter", sub, LIEN))
    assert f"`/charter {sub} " in text


def test_help_in_both_languages_and_an_unknown_subcommand(slack: SlackHarness) -> None:
    assert "ondertekenaars" in reply_text(slack.command("/charter", "hulp", LIEN))
    assert "signatories <charter>" in reply_text(slack.command("/charter", "help", BEN))
    assert "`/charter foo`" in reply_text(slack.command("/charter", "foo", BEN))


def test_a_due_update_is_reminded_to_the_signatorys_contacts_and_recorded(
    slack: SlackHarness,
    sweeper: Sweeper,
    clock: ManualClock,
    session_factory: SessionFactory,
    standin: StandinSlack,
) -> None:
    # A new signatory signed a year ago today minus 7 days: its first update is due in a week.
    with session_factory() as session:
        deadline_count = len(session.scalars(select(Deadline.id)).all())
    signed = (NOW.date() - timedelta(days=358)).isoformat()
    reply_text(slack.command("/charter", f"sign decent-work {HARBOUR} {signed}", LIEN))
    reply_text(slack.command("/charter", f"commit decent-work {HARBOUR} internships Ten internships 10", LIEN))
    with session_factory() as session:
        assert len(session.scalars(select(Deadline.id)).all()) == deadline_count + 1
    standin.reset()
    sweeper.run_once()
    reminded = [
        c.args["channel"]
        for c in standin.calls_to("chat.postMessage")
        if c.ok and "commitment 2" in c.args["text"].lower()
    ]
    assert reminded == [BEN]  # Harbour's contact only: not Atelier's, not the coordinator
    reminder = next(c for c in standin.calls_to("chat.postMessage") if c.ok and c.args["channel"] == BEN)
    assert '/charter progress decent-work-charter \\"Harbour Logistics NV (demo)\\" 2' in reply_text(reminder)
    assert "reminder_done" not in button_ids(reminder.args["blocks"])  # recorded, never just ticked
    text = reply_text(slack.command("/charter", f"progress decent-work {HARBOUR} 2 Four interns started", BEN))
    assert "recorded" in text
    standin.reset()
    clock.set(clock.now() + timedelta(days=8))
    sweeper.run_once()
    assert not [c for c in standin.calls_to("chat.postMessage") if "commitment 2" in c.args["text"].lower()]


@pytest.mark.parametrize(
    "text",
    [
        'sign decent-work ""',
        f"sign decent-work {ATELIER} by",
        f"sign decent-work {ATELIER} by , CEO",
        "commit decent-work hiring Text without an organisation",
        f"commit decent-work {ATELIER} hiring",
        f"commit decent-work {ATELIER} hiring " + "x" * 2500,
        f"commit decent-work {ATELIER} hiring Jobs by 2027-13-45",
        "signatories xyzzy",
        "commitments decent-work Qwxz Vbnm",
        "progress decent-work 1 Text without an organisation",
        f"progress decent-work {ATELIER} 0 Commitment zero",
        'sign "decent work for all" \u00a0\u200b',
    ],
)
def test_odd_text_from_the_coordinator_gets_a_clear_answer_and_writes_nothing(
    slack: SlackHarness, session_factory: SessionFactory, text: str
) -> None:
    before = counts(session_factory)
    answer = reply_text(slack.command("/charter", text, LIEN))
    assert ":warning:" in answer and "Traceback" not in answer, answer
    assert "Sorry" not in answer and "Excuses" not in answer
    assert counts(session_factory) == before


def test_a_target_date_after_by_is_not_part_of_the_text(slack: SlackHarness, session_factory: SessionFactory) -> None:
    reply_text(
        slack.command(
            "/charter", f"toezegging decent-work {ATELIER} werving Banen voor nieuwkomers voor 1 juni 2027", LIEN
        )
    )
    with session_factory() as session:
        commitment = session.scalar(select(Commitment).where(Commitment.text == "Banen voor nieuwkomers"))
        assert commitment is not None and commitment.target_on == date(2027, 6, 1)
        assert commitment.kind == CommitmentKind.HIRING and commitment.number == 3


def test_home_shows_a_signatorys_contact_their_commitments_and_the_next_update(slack: SlackHarness) -> None:
    text = home(slack, AN)
    assert "Jouw toezeggingen: Atelier Inclusief NV (demo)" in text
    assert "Vrijwillige coaching van begeleiders" in text and "volgende update verwacht" in text
    assert "Nog geen plan van aanpak" not in text  # a charter has commitments, not action plans
    assert "Your commitments: Harbour Logistics NV (demo)" in home(slack, BEN)


def test_a_signatory_is_listed_as_such_among_the_participants(slack: SlackHarness) -> None:
    companies = reply_text(slack.command("/covenant", "companies decent-work", BEN))
    assert "Atelier Inclusief NV (demo)" in companies and "Traceback" not in companies
    company = reply_text(slack.command("/covenant", "company Atelier Inclusief", BEN))
    assert "signatory" in company and "Decent Work for All" in company


def test_the_follow_up_group_is_a_working_group_of_the_charter(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "groups decent-work", AN))
    assert "Opvolggroep Decent Work (demo)" in text


def test_a_charter_of_sixty_signatories_stays_within_slacks_limits(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    with session_factory() as session:
        charter = session.scalar(select(Covenant).where(Covenant.slug == "decent-work-charter"))
        assert charter is not None
        for n in range(60):
            organisation = Organisation(name=f"Groot Bedrijf {n:02d} NV (demo)", kind=OrganisationKind.COMPANY)
            session.add(organisation)
            session.flush()
            signatory = CharterSignatory(
                covenant_id=charter.id, organisation_id=organisation.id, signed_on=date(2026, 1, 1)
            )
            session.add(signatory)
            session.flush()
            for number in range(1, 8):
                session.add(
                    Commitment(
                        signatory_id=signatory.id, number=number, kind=CommitmentKind.OTHER, text="Toezegging " * 40
                    )
                )
        session.commit()
    # The stand-in refuses any message over Slack's limits: each answer arriving is the check.
    status = reply_text(slack.command("/covenant", "status decent-work", BEN))
    assert "…and 53 more: `/charter signatories decent-work-charter`" in status
    listed = reply_text(slack.command("/charter", "signatories decent-work", BEN))
    assert "63 signatories" in listed and "…and 38 more signatories." in listed


def test_a_contact_asks_for_their_own_commitments(slack: SlackHarness) -> None:
    text = ask(slack, AN, "wat zijn mijn toezeggingen?")
    assert "Atelier Inclusief NV (demo): toezeggingen" in text and "Vier stagiairs" in text
    assert "Vier stagiairs" not in ask(slack, BEN, "what are my commitments?")


def test_a_second_update_in_the_same_year_leaves_next_years_request_open(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    plant_note(slack)
    plant_note(slack)
    with session_factory() as session:
        commitment = session.scalar(select(Commitment).where(Commitment.text.like("Stageplaatsen voor werkzoekenden%")))
        assert commitment is not None
        requests = session.scalars(
            select(Deadline).where(Deadline.ref.like(f"charter-commitment:{commitment.id}:%")).order_by(Deadline.due_on)
        ).all()
        # The demo's update answered this year's request; both new ones are extra: next year's stays open.
        assert [r.status for r in requests] == [DeadlineStatus.DONE, DeadlineStatus.OPEN]
        assert len(commitment.updates) == 3


def test_a_forged_mark_done_on_an_update_request_records_nothing(
    slack: SlackHarness, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    """The update reminder has no Mark done button; a press forged with the request's id leaves it open."""
    reply_text(slack.command("/charter", f"commit decent-work {HARBOUR} internships Ten internships 10", LIEN))
    with session_factory() as session:
        request = session.scalars(
            select(Deadline)
            .join(Organisation, Deadline.organisation_id == Organisation.id)
            .where(Deadline.kind == DeadlineKind.COMMITMENT_UPDATE, Organisation.name == HARBOUR.strip('"'))
            .order_by(Deadline.id.desc())
        ).first()
        assert request is not None and request.status == DeadlineStatus.OPEN
        request_id, audits = request.id, len(session.scalars(select(AuditEntry.id)).all())
    forged: dict[str, Any] = {
        "blocks": [
            {
                "type": "actions",
                "block_id": f"reminder:{request_id}",
                "elements": [{"type": "button", "action_id": "reminder_done", "value": str(request_id)}],
            }
        ]
    }
    response_url = click(slack, SimpleNamespace(args=forged), "reminder_done", BEN)  # type: ignore[arg-type]
    path = response_url.removeprefix(standin.base_url)
    standin.wait_until(lambda c: c.path == path)
    answer = next(c for c in standin.calls if c.path == path)
    assert "/charter progress" in str(answer.args) and "nothing was changed" in str(answer.args)
    with session_factory() as session:
        request = session.get(Deadline, request_id)
        assert request is not None and request.status == DeadlineStatus.OPEN
        assert len(session.scalars(select(AuditEntry.id)).all()) == audits
