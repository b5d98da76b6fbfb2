"""/plan through signed requests: what each role may see and do; bad input gets a clear answer."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineKind
from bot.db.models import ActionPlan, AuditEntry, Deadline, Organisation
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text

# Planted in the demo data: Windkracht's assessment notes and plan dates are confidential.
WINDKRACHT_NOTES = "Risicoanalyse van turbinecomponenten"
WINDKRACHT_SUBMITTED = ("ingediend", "submitted")


ROLES = {
    # key, sees the company's plans (with assessment notes), runs the covenant's secretariat
    "secretariat_of_this_covenant": ("sanne", True, True),
    "secretariat_of_another_covenant": ("tom", False, False),
    "the_company_contact": ("pieter", True, False),
    "another_company_contact": ("emma", False, False),
    "ngo_member": ("fatima", False, False),
    "unknown_slack_user": (None, False, False),
}


def _user(key: str | None) -> str:
    return person(key).slack_user_id if key else "UNKNOWN001"


@pytest.mark.parametrize("role", list(ROLES))
def test_company_plan_status_is_only_for_its_contacts_and_secretariat(slack: SlackHarness, role: str) -> None:
    key, sees_plan, _ = ROLES[role]
    text = reply_text(slack.command("/plan", "status Windkracht", _user(key)))
    assert (WINDKRACHT_NOTES in text) == sees_plan
    assert ("oktober 2026" in text or "October 2026" in text) == sees_plan
    if not sees_plan:
        assert "confidential" in text.lower() or "vertrouwelijk" in text.lower()
        assert "plannen ingediend" in text or "plans submitted" in text  # the aggregate instead


@pytest.mark.parametrize("role", list(ROLES))
def test_overdue_names_companies_only_to_the_secretariat(slack: SlackHarness, role: str) -> None:
    key, _, is_secretariat = ROLES[role]
    text = reply_text(slack.command("/plan", "overdue hernieuwbare-energie", _user(key)))
    assert ("Noordzee Wind Services" in text) == is_secretariat
    if not is_secretariat:
        assert "1 te laat" in text or "1 overdue" in text


def test_contact_sees_own_company_without_naming_it(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/plan", "status", person("pieter").slack_user_id))
    assert "Windkracht Energie BV" in text and WINDKRACHT_NOTES in text


def test_secretariat_sets_a_deadline_with_a_dutch_date(slack: SlackHarness, session_factory: SessionFactory) -> None:
    text = reply_text(
        slack.command(
            "/plan", "due Noordzee Wind Services hernieuwbare-energie 15 maart 2027", person("sanne").slack_user_id
        )
    )
    assert "15 maart 2027" in text
    with session_factory() as session:
        plan = session.scalar(
            select(ActionPlan)
            .join(Organisation)
            .where(Organisation.name.like("Noordzee%"), ActionPlan.cycle_year == 2027)
        )
        assert plan is not None and plan.deadline is not None
        assert plan.deadline.due_on.isoformat() == "2027-03-15" and plan.deadline.planned_at is None
        assert (
            session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "plan.due_set")) == 1
        )


def test_default_due_date_is_a_year_after_the_last_plan(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/plan", "due Windkracht hernieuwbare-energie", person("sanne").slack_user_id))
    assert "2027" in text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("due Windkracht hernieuwbare-energie 31-02-2027", "is not a date"),
        ("due Nonexistent Company BV hernieuwbare-energie 2027-01-01", "don't know an organisation"),
        ("assessed Windkracht", "Give the outcome"),
        ("frobnicate", "I don't know `/plan frobnicate`"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    slack: SlackHarness, session_factory: SessionFactory, typed: str, expected: str
) -> None:
    with session_factory() as session:
        before = session.scalar(select(func.count()).select_from(Deadline))
    text = reply_text(slack.command("/plan", typed, person("tom").slack_user_id))
    assert expected in text
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Deadline)) == before


@pytest.mark.parametrize("key", ["tom", "pieter", "fatima", None])
def test_only_this_covenants_secretariat_may_set_deadlines_or_assess(
    slack: SlackHarness, session_factory: SessionFactory, key: str | None
) -> None:
    for typed in ("due Windkracht hernieuwbare-energie 2027-06-01", "assessed Windkracht lagging secret note"):
        text = reply_text(slack.command("/plan", typed, _user(key)))
        assert "Only the secretariat" in text or "Alleen het secretariaat" in text
    with session_factory() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action.in_(["plan.due_set", "plan.assessed"]))
            )
            == 0
        )
        notes = session.scalars(select(ActionPlan.assessment_notes)).all()
        assert not any("secret note" in (n or "") for n in notes)


def test_assessment_notes_are_recorded_for_the_secretariat(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    reply = reply_text(
        slack.command("/plan", "assessed Windkracht lagging Leefbaar loon ontbreekt nog", person("sanne").slack_user_id)
    )
    assert "loopt achter" in reply
    with session_factory() as session:
        plan = session.scalar(
            select(ActionPlan)
            .join(Organisation)
            .where(Organisation.name.like("Windkracht%"))
            .order_by(ActionPlan.cycle_year.desc())
        )
        assert plan is not None and plan.assessment_notes == "Leefbaar loon ontbreekt nog"
        audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "plan.assessed"))
        assert audit is not None and "Leefbaar" not in str(audit.detail)  # notes stay out of the audit trail


def test_contact_records_own_plan_as_submitted_pending_confirmation(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    text = reply_text(slack.command("/plan", "submitted", person("emma").slack_user_id))
    assert "secretariat will confirm" in text
    with session_factory() as session:
        plan = session.scalar(
            select(ActionPlan)
            .join(Organisation)
            .where(Organisation.name.like("Delta Alloys%"))
            .order_by(ActionPlan.cycle_year.desc())
        )
        assert plan is not None and plan.submitted_on is not None and not plan.submitted_confirmed


def test_secretariat_channel_is_set_from_the_channel(slack: SlackHarness, session_factory: SessionFactory) -> None:
    text = reply_text(slack.command("/plan", "channel metaal", person("tom").slack_user_id, channel="CNEWSECRET"))
    assert "<#CNEWSECRET>" in text


SECRETARIAT_TASK = "Beoordelingsgesprek voorbereiden"  # demo: Sanne's own task about Zonneveld's assessment


def _home_text(slack: SlackHarness, user: str) -> str:
    slack.standin.reset()
    slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "DHOME00001"})
    return str(slack.standin.wait_for("views.publish")[0].args["view"]["blocks"])


def _question(slack: SlackHarness, user: str, text: str) -> str:
    slack.standin.reset()
    slack.event({"type": "app_mention", "user": user, "text": f"<@UBOTCOVENANT> {text}", "channel": "C1", "ts": "1"})
    return reply_text(slack.standin.wait_for("chat.postEphemeral")[0])


def test_the_secretariats_own_task_is_not_among_the_companys_open_deadlines(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    ingrid, sanne = person("ingrid").slack_user_id, person("sanne").slack_user_id
    with session_factory() as session:
        # A deadline of Zonneveld's own side, to show the company's list is there and still complete.
        zonneveld = session.scalar(select(Organisation).where(Organisation.name.like("Zonneveld%")))
        assert zonneveld is not None
        covenant_id = session.scalar(select(ActionPlan.covenant_id).where(ActionPlan.organisation_id == zonneveld.id))
        assert covenant_id is not None
        session.add(
            Deadline(
                covenant_id=covenant_id,
                kind=DeadlineKind.CUSTOM,
                title="Ketenkaart bijwerken",
                organisation_id=zonneveld.id,
                due_on=date(2026, 12, 18),
            )
        )
        session.commit()
    surfaces = {
        "plan status": reply_text(slack.command("/plan", "status", ingrid)),
        "plan status Zonneveld": reply_text(slack.command("/plan", "status Zonneveld", ingrid)),
        "covenant company": reply_text(slack.command("/covenant", "company Zonneveld", ingrid)),
        "question": _question(slack, ingrid, "hoe staat mijn plan van aanpak ervoor?"),
        "home": _home_text(slack, ingrid),
    }
    for surface, text in surfaces.items():
        assert "Ketenkaart bijwerken" in text, surface
        assert SECRETARIAT_TASK not in text, surface
    # The secretariat keeps it in its own list; the company's list (as the secretariat reads it) does not hold it.
    home = _home_text(slack, sanne)
    assert SECRETARIAT_TASK in home
    status = reply_text(slack.command("/plan", "status Zonneveld", sanne))
    assert "Ketenkaart bijwerken" in status and SECRETARIAT_TASK not in status
