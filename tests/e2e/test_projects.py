"""/project through signed requests: a collective project is started, given parties and milestones, its milestone
is reminded and marked done with the reminder's button; mistakes get a clear answer and write nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.engine import SessionFactory
from bot.db.enums import CovenantKind, DeadlineKind, DeadlineStatus, RoleKind
from bot.db.models import AuditEntry, Covenant, Deadline, Project, ProjectUpdate, Role
from bot.delivery import Sweeper
from bot.render import reminders as render_reminders
from tests.support.demo import person
from tests.support.harness import SlackHarness, press, reply_text

TOM = person("tom").slack_user_id  # the metals secretariat (English)
SANNE = person("sanne").slack_user_id  # also the metals secretariat (Dutch)
EMMA = person("emma").slack_user_id  # Delta Alloys' contact in the metals covenant


def start_project(slack: SlackHarness) -> None:
    """Mining region X under metaal, led by Delta Alloys, with an NGO party and a milestone due in a week."""
    text = reply_text(slack.command("/project", 'new metaal "Mining region X" lead "Delta Alloys BV"', TOM))
    assert "Mining region X" in text and "mining-region-x" in text, text
    text = reply_text(
        slack.command("/project", 'party mining-region-x "Stichting Eerlijke Keten" as implementing NGO', TOM)
    )
    assert "Stichting Eerlijke Keten" in text and "implementing NGO" in text, text
    text = reply_text(
        slack.command("/project", 'milestone mining-region-x Baseline study 2026-11-30 owner "Delta Alloys BV"', TOM)
    )
    assert "Baseline study" in text and "Delta Alloys" in text, text


def _audit_count(session_factory: SessionFactory) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_project_is_started_with_parties_and_a_milestone(slack: SlackHarness, session_factory: SessionFactory) -> None:
    start_project(slack)
    with session_factory() as session:
        row = session.scalar(select(Covenant).where(Covenant.slug == "mining-region-x"))
        assert row is not None and row.kind == CovenantKind.PROJECT
        project = session.scalar(select(Project).where(Project.covenant_id == row.id))
        assert project is not None and project.parent is not None and project.parent.slug == "metaal"
        assert project.lead is not None and project.lead.name.startswith("Delta Alloys")
        assert sorted(p.role for p in project.parties) == ["", "implementing NGO"]
        milestone = session.scalar(select(Deadline).where(Deadline.covenant_id == row.id))
        assert milestone is not None and milestone.kind == DeadlineKind.PROJECT_MILESTONE
        # The creator coordinates it; the lead's contact acts for Delta Alloys on the project.
        kinds = {
            (r.person.slack_user_id, r.kind) for r in session.scalars(select(Role).where(Role.covenant_id == row.id))
        }
        assert (TOM, RoleKind.SECRETARIAT) in kinds and (EMMA, RoleKind.COMPANY_CONTACT) in kinds
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "project")))
        assert {"project.created", "project.party_added", "project.milestone_added"} <= actions


def test_milestone_is_reminded_to_its_owner_and_marked_done(
    slack: SlackHarness, sweeper: Sweeper, session_factory: SessionFactory
) -> None:
    start_project(slack)
    sweeper.run_once()
    reminders = [
        c
        for c in slack.standin.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == EMMA and "Baseline study" in c.args["text"]
    ]
    assert reminders, "no reminder of the milestone for Delta Alloys' contact"
    replies = press(slack, reminders[-1], render_reminders.ACTION_DONE, EMMA)
    assert "Traceback" not in reply_text(replies[0])
    with session_factory() as session:
        milestone = session.scalar(select(Deadline).where(Deadline.title == "Baseline study"))
        assert milestone is not None and milestone.status == DeadlineStatus.DONE
    status = reply_text(slack.command("/covenant", "status mining-region-x", TOM))
    assert "Baseline study" in status and "done" in status


def test_the_dutch_words_work_and_answer_in_dutch(slack: SlackHarness, session_factory: SessionFactory) -> None:
    text = reply_text(slack.command("/project", 'nieuw metaal "Mijnregio Y" trekker "Staalwerk Twente BV"', SANNE))
    assert "is gestart onder" in text, text
    text = reply_text(slack.command("/project", "partij mijnregio-y Koperhuis Gieterij BV financier", SANNE))
    assert "Koperhuis Gieterij" in text and "financier" in text, text
    text = reply_text(slack.command("/project", "mijlpaal mijnregio-y Nulmeting 1 maart 2027", SANNE))
    assert "Nulmeting" in text and "uzelf" in text, text
    text = reply_text(slack.command("/project", "stand mijnregio-y intern Gesprek met de mijnbouwers gepland", SANNE))
    assert "alleen de partijen" in text, text
    text = reply_text(slack.command("/project", "groep mijnregio-y Stuurgroep Metaal", SANNE))
    assert "Stuurgroep Metaal" in text, text
    text = reply_text(slack.command("/project", "lijst metaal", SANNE))
    assert "Mijnregio Y" in text and "trekker: Staalwerk Twente" in text, text
    with session_factory() as session:
        update = session.scalar(select(ProjectUpdate).where(ProjectUpdate.text.like("Gesprek met de mijnbouwers%")))
        assert update is not None and update.internal and update.author_slack_id == SANNE


def test_the_parent_covenant_status_lists_its_projects(slack: SlackHarness) -> None:
    start_project(slack)
    text = reply_text(slack.command("/covenant", "status metaal", TOM))
    assert "Collective projects" in text and "Mining region X" in text


def test_only_the_secretariat_starts_or_changes_a_project(slack: SlackHarness, session_factory: SessionFactory) -> None:
    refused = reply_text(slack.command("/project", 'new metaal "Sneaky project"', EMMA))
    assert "Only the secretariat of" in refused
    start_project(slack)
    before = _audit_count(session_factory)
    with session_factory() as session:
        updates = session.scalar(select(func.count()).select_from(ProjectUpdate))
    for text in (
        "update mining-region-x We took over",
        'party mining-region-x "Koperhuis Gieterij BV" funder',
        "milestone mining-region-x Fake 2027-01-01",
        "group mining-region-x Stuurgroep Metaal",
    ):
        for user in (EMMA, person("hanneke").slack_user_id, person("pieter").slack_user_id):
            answer = reply_text(slack.command("/project", text, user))
            assert "Only the coordinator" in answer or "Alleen de coördinator" in answer, (text, user, answer)
    assert _audit_count(session_factory) == before
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ProjectUpdate)) == updates


def test_mistakes_get_a_clear_answer_and_write_nothing(slack: SlackHarness, session_factory: SessionFactory) -> None:
    start_project(slack)
    before = _audit_count(session_factory)
    cases = {
        "frobnicate x": "I don't know `/project frobnicate`",
        "new": "Use `/project new ",
        "new metaal": "Use `/project new ",
        'new metaal "Mining region X"': "already is a covenant or project",
        'new mining-region-x "Sub project"': "is itself a project",
        "party metaal Delta Alloys BV lead": "is not a collective project",
        "party mining-region-x Nonexistent Org Ltd funder": "Nonexistent",
        "milestone mining-region-x No date here": "Use `/project milestone ",
        "milestone mining-region-x Study 31-02-2027": "31-02-2027",
        'milestone mining-region-x Study 2027-01-01 owner "Koperhuis Gieterij BV"': "is not a party",
        "update mining-region-x": "Use `/project update ",
        "update mining-region-x internal": "Use `/project update ",
        "group mining-region-x Werkgroep Leefbaar Loon": "belongs to another covenant",
        "status": "Use `/project status ",
    }
    for text, expected in cases.items():
        answer = reply_text(slack.command("/project", text, TOM))
        assert expected in answer, (text, answer)
        assert "Traceback" not in answer
    assert _audit_count(session_factory) == before


def test_help_in_both_languages(slack: SlackHarness) -> None:
    assert "/project milestone" in reply_text(slack.command("/project", "help", TOM))
    assert "/project mijlpaal" in reply_text(slack.command("/project", "hulp", SANNE))


def test_mark_done_pressed_by_someone_else_changes_nothing(
    slack: SlackHarness, sweeper: Sweeper, session_factory: SessionFactory
) -> None:
    start_project(slack)
    sweeper.run_once()
    reminder = next(
        c
        for c in slack.standin.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == EMMA and "Baseline study" in c.args["text"]
    )
    before = _audit_count(session_factory)
    # A non-party company's contact and a public user press the reminder's button (its value is the milestone's).
    for user in (person("ahmed").slack_user_id, person("pieter").slack_user_id):
        replies = press(slack, reminder, render_reminders.ACTION_DONE, user)
        assert "Traceback" not in reply_text(replies[-1])
    with session_factory() as session:
        milestone = session.scalar(select(Deadline).where(Deadline.title == "Baseline study"))
        assert milestone is not None and milestone.status == DeadlineStatus.OPEN
    assert _audit_count(session_factory) == before


def test_the_demo_project_is_in_the_demo(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "status mijnregio-andes", SANNE))
    assert "Mijnregio Andes (demo)" in text and "Trekker" in text and "uitvoerende ngo" in text
    assert "Vertrouwelijk" in text  # Sanne runs the metals secretariat: she reads the parties-only update
    public = reply_text(slack.command("/covenant", "status mijnregio-andes", person("ahmed").slack_user_id))
    assert "Veldbezoek afgerond" in public and "Vertrouwelijk" not in public
