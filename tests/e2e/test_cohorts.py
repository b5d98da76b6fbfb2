"""/cohort through signed requests: a cohort of the Accelerator created, joined, given a session and milestones,
reminded and checked in; progress figures; the status and questions; mistakes change nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineKind, DeadlineStatus
from bot.db.models import (
    AuditEntry,
    Cohort,
    CohortMaterial,
    CohortMilestone,
    CohortParticipant,
    Deadline,
    Meeting,
    MilestoneCheckin,
    WorkingGroupMember,
)
from bot.delivery.engine import Sweeper
from bot.i18n import t
from bot.slack_standin.server import StandinSlack
from tests.support.demo import person
from tests.support.harness import SlackHarness, press, reply_text

NOOR, DAAN, YARA, LIAM = (person(k).slack_user_id for k in ("noor", "daan", "yara", "liam"))
SANNE, FATIMA = person("sanne").slack_user_id, person("fatima").slack_user_id


def _say(slack: SlackHarness, text: str, user: str = NOOR) -> str:
    return reply_text(slack.command("/cohort", text, user))


def _counts(factory: SessionFactory) -> tuple[int, ...]:
    with factory() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (
                Cohort,
                CohortParticipant,
                CohortMaterial,
                CohortMilestone,
                MilestoneCheckin,
                Deadline,
                Meeting,
                AuditEntry,
            )
        )


def test_a_new_cohort_is_joined_given_a_session_and_a_milestone_reminded_and_checked_in(
    slack: SlackHarness, session_factory: SessionFactory, sweeper: Sweeper, standin: StandinSlack, clock: ManualClock
) -> None:
    created = _say(slack, "new accelerator 2027 2027-01-11 2027-07-09 <#CMETALS001|metals>")
    assert "Cohort 2027" in created and "Human Rights Accelerator 2027" in created
    joined = _say(slack, 'deelnemer accelerator 2027 "Tulpenveld Textiel BV (demo)"')
    assert "Tulpenveld Textiel BV (demo)" in joined and "1 contactpersoon" in joined
    with session_factory() as session:
        cohort = session.scalars(select(Cohort).where(Cohort.year == 2027)).one()
        members = set(
            session.scalars(
                select(WorkingGroupMember.person_id).where(WorkingGroupMember.group_id == cohort.working_group_id)
            )
        )
        assert len(members) == 1

    # A milestone due in 14 days: its before-14 reminder reaches the participant's contact (and nobody else).
    added = _say(slack, "mijlpaal accelerator 2027 Beleidsverklaring 2027 vastgesteld voor 2026-12-07")
    assert "Mijlpaal 1" in added and "1 deelnemer" in added
    standin.reset()
    sweeper.run_once()
    reminded = [
        c.args["channel"]
        for c in standin.calls_to("chat.postMessage")
        if c.ok and "Beleidsverklaring 2027" in c.args["text"]
    ]
    assert reminded == [DAAN]

    # The contact records the check-in: the milestone's deadline is done, so it is reminded no more.
    answer = _say(slack, "checkin accelerator 2027 Tulpenveld 1 klaar Directie heeft het beleid vastgesteld", DAAN)
    assert "Mijlpaal bereikt" in answer
    with session_factory() as session:
        deadline = session.scalars(
            select(Deadline).where(
                Deadline.kind == DeadlineKind.MILESTONE,
                Deadline.title == "Beleidsverklaring 2027 vastgesteld",
                Deadline.covenant_id == cohort.covenant_id,
                Deadline.due_on == date(2026, 12, 7),
            )
        ).one()
        assert deadline.status == DeadlineStatus.DONE
        assert (
            session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "cohort.checkin"))
            == 1
        )
    # A session is a meeting of the cohort's own group: its channel is told, and reminded the working day before.
    scheduled = _say(slack, "sessie accelerator 2027 2026-12-03 14:00 2u Aftrap cohort 2027")
    assert "Aftrap cohort 2027" in scheduled
    with session_factory() as session:
        meeting = session.scalars(select(Meeting).where(Meeting.title == "Aftrap cohort 2027")).one()
        assert meeting.working_group_id == cohort.working_group_id
    clock.set(datetime(2026, 12, 2, 9, 5, tzinfo=UTC))  # Wednesday 10:05 in Amsterdam: the day before
    sweeper.run_once()
    in_channel = [c for c in standin.calls_to("chat.postMessage") if c.ok and c.args["channel"] == "CMETALS001"]
    assert any("Aftrap cohort 2027" in reply_text(c) for c in in_channel)

    progress = _say(slack, "progress accelerator 2027", FATIMA)
    assert "Tulpenveld Textiel BV (demo)" in progress and "1 van 1 mijlpalen bereikt" in progress
    assert "Directie heeft het beleid" not in progress


def test_the_demo_cohorts_progress_figures(slack: SlackHarness) -> None:
    # Three companies, three milestones: Tulpenveld and Havenkraan reached the first one.
    text = _say(slack, "voortgang accelerator 2026", FATIMA)
    assert "2 van 9 mijlpalen bereikt" in text
    for company in ("Tulpenveld Textiel BV", "Havenkraan Logistiek BV", "Zuivelhoeve Foods BV"):
        assert company in text
    assert "Klachtenmechanisme ingericht" in text
    english = _say(slack, "progress accelerator 2026", LIAM)
    assert "2 of 9 milestones reached" in english and "Zuivelhoeve Foods BV (demo): 0 of 3 milestones" in english
    assert "Tulpenveld Textiel BV (demo): 1 of 3" not in english  # another company's own figures


def test_the_programmes_status_shows_its_cohorts_publicly(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "status bhr-accelerator", FATIMA))
    assert "Cohorten" in text and "*2026*" in text and "Havenkraan Logistiek BV (demo)" in text
    assert "22%" in text


def test_questions_about_the_cohort_are_answered_in_both_languages(slack: SlackHarness) -> None:
    def ask(text: str) -> str:
        slack.standin.reset()
        slack.event(
            {"type": "app_mention", "user": FATIMA, "text": f"<@UBOTCOVENANT> {text}", "channel": "C1", "ts": "1"}
        )
        return reply_text(slack.standin.wait_for("chat.postEphemeral")[0])

    english = ask("how far is the 2026 accelerator cohort?")
    assert "cohort 2026" in english and "2 of 9 milestones reached" in english
    dutch = ask("hoe ver is het cohort 2026 van de accelerator?")
    assert "2 van 9 mijlpalen bereikt" in dutch
    who = ask("wie doen er mee aan de accelerator?")
    assert "Tulpenveld Textiel BV (demo)" in who and "Zuivelhoeve Foods BV (demo)" in who


def test_only_the_coordinator_changes_a_cohort(slack: SlackHarness, session_factory: SessionFactory) -> None:
    before = _counts(session_factory)
    for user in (SANNE, DAAN, FATIMA, "UNKNOWN001"):
        assert "coördinator" in _say(
            slack, "new accelerator 2028 2028-01-10 2028-07-01", user
        ) or "coordinator" in _say(slack, "new accelerator 2028 2028-01-10 2028-07-01", user)
        text = _say(slack, "mijlpaal accelerator 2026 Nog een mijlpaal", user)
        assert "coördinator" in text or "coordinator" in text
        _say(slack, "materiaal accelerator 2026 Gids https://example.org/gids", user)
        _say(slack, "deelnemer accelerator 2026 Windkracht", user)
    # Another company's check-in is refused to a participant's contact.
    assert "Tulpenveld" in _say(slack, "checkin accelerator 2026 Tulpenveld 2 klaar", YARA)
    assert _counts(session_factory) == before


def test_mistakes_are_explained_and_change_nothing(slack: SlackHarness, session_factory: SessionFactory) -> None:
    before = _counts(session_factory)
    cases = {
        "new accelerator 2026 2026-01-01 2026-06-01": "al een cohort 2026",
        "new accelerator 2029 2029-06-01 2029-01-01": "eindigen na het begin",
        "new accelerator 2029 morgen": "begin- en einddatum",
        "new metaal 2027 2027-01-01 2027-06-01": "geen programma",
        "progress accelerator 2031": "geen cohort 2031",
        "progress accelerator": "jaar van het cohort",
        "materiaal accelerator 2026 Gids http://example.org/gids": "geen bruikbare link",
        "materiaal accelerator 2026 Gids javascript:alert(1)": "geen bruikbare link",
        "materiaal accelerator 2026 Gids": "link achteraan",
        "checkin accelerator 2026 Tulpenveld 9 klaar": "Mijlpaal 9 bestaat niet",
        "checkin accelerator 2026 Tulpenveld 99999999999999999999 klaar": "bestaat niet",
        "checkin accelerator 2026 Windkracht 1 klaar": "doet niet mee",
        "checkin accelerator 2026 Tulpenveld klaar": "Gebruik `/cohort checkin",
        "deelnemer accelerator 2026 Tulpenveld": "doet al mee",
        "mijlpaal accelerator 2026 Iets voor 31-02-2027": "31-02-2027",
        "sessie accelerator 2026 geen datum": "datum en tijd",
        "onbekend accelerator 2026": "ken ik niet",
        "new": "Gebruik `/cohort new",
    }
    for text, expected in cases.items():
        assert expected in _say(slack, text), text
    assert _counts(session_factory) == before


def test_help_in_both_languages(slack: SlackHarness) -> None:
    assert "/cohort voortgang" in _say(slack, "help")
    assert "/cohort progress" in _say(slack, "help", LIAM)


def test_mark_done_on_a_milestone_reminder_reaches_the_milestone_and_a_forged_press_changes_nothing(
    slack: SlackHarness, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    sweeper.run_once()
    reminder = next(
        c
        for c in standin.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == LIAM and "Mensenrechtenbeleid vastgesteld" in c.args["text"]
    )
    before = _counts(session_factory)
    press(slack, reminder, "reminder_done", YARA)  # not hers: another participant's contact
    assert _counts(session_factory) == before
    press(slack, reminder, "reminder_done", LIAM)
    assert "3 of 9 milestones reached" in _say(slack, "progress accelerator 2026", LIAM)


def test_a_participants_home_shows_its_milestones_not_an_action_plan_section(slack: SlackHarness) -> None:
    """A programme has no action plans: its participant sees "your milestones", not "no action plan recorded yet"
    with the same milestones listed a second time as open deadlines."""
    yara = person("yara").slack_user_id
    slack.event({"type": "app_home_opened", "user": yara, "tab": "home", "channel": "DHOME00001"})
    home = str(slack.standin.wait_for("views.publish")[0].args["view"]["blocks"])
    assert "Jouw mijlpalen" in home
    assert t("nl", "company.no_plans") not in home
    assert home.count("Klachtenmechanisme ingericht") == 1
