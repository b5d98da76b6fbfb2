"""Secretariat administration: link, join, leave, phase, add-org — audited, refused for anyone else, and never
half-written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.db.enums import CovenantPhase, OrganisationKind, RoleKind
from bot.db.models import AuditEntry, Covenant, Organisation, Participation, Person
from bot.services.administration import administration
from bot.services.errors import UsageError
from bot.services.people.access import Viewer, viewer_for
from tests.support.demo import NOW, person
from tests.support.factories import covenant, organisation
from tests.support.harness import SlackHarness, reply_text

SANNE, TOM, PIETER = (person(k).slack_user_id for k in ("sanne", "tom", "pieter"))


def _viewer(session: Session, slack_user_id: str) -> Viewer:
    return viewer_for(session, slack_user_id, None, "nl", "Europe/Amsterdam")


def _audit_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


# -- services ----------------------------------------------------------------------------------------------------
def test_join_and_leave_are_recorded_and_audited(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        actor, energy = _viewer(session, SANNE), covenant(session, "hernieuwbare-energie")
        delta = organisation(session, "Delta Alloys")
        joined = administration.join(session, actor, delta, energy, date(2026, 11, 1), NOW)
        assert joined.joined_on == date(2026, 11, 1) and joined.type.value == "adhering_company"
        left = administration.leave(session, actor, delta, energy, date(2026, 11, 20), "fusie", NOW)
        assert left.left_on == date(2026, 11, 20) and left.left_reason == "fusie"
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions[-2:] == ["participation.join", "participation.leave"]


def test_another_covenants_secretariat_is_refused_and_nothing_is_written(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        tom, energy = _viewer(session, TOM), covenant(session, "hernieuwbare-energie")
        before = _audit_count(session)
        with pytest.raises(UsageError) as refused:
            administration.join(session, tom, organisation(session, "Delta Alloys"), energy, date(2026, 1, 1), NOW)
        assert refused.value.key == "admin.not_secretariat"
        with pytest.raises(UsageError):
            administration.set_phase(session, tom, energy, CovenantPhase.ENDED, NOW)
        session.rollback()
        assert _audit_count(session) == before
        assert covenant(session, "hernieuwbare-energie").phase == CovenantPhase.IMPLEMENTING


def test_leaving_before_joining_or_twice_is_refused(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        actor, energy = _viewer(session, SANNE), covenant(session, "hernieuwbare-energie")
        windkracht = organisation(session, "Windkracht")
        with pytest.raises(UsageError) as early:
            administration.leave(session, actor, windkracht, energy, date(2020, 1, 1), None, NOW)
        assert early.value.key == "admin.leave.before_join"
        with pytest.raises(UsageError) as twice:
            administration.join(session, actor, windkracht, energy, date(2026, 1, 1), NOW)
        assert twice.value.key == "admin.join.already"


def test_link_creates_the_person_grants_the_role_and_moving_drops_old_contact_roles(
    session_factory: SessionFactory,
) -> None:
    with session_factory() as session:
        actor = _viewer(session, SANNE)
        windkracht, zonneveld = organisation(session, "Windkracht"), organisation(session, "Zonneveld")
        result = administration.link(
            session,
            actor,
            slack_user_id="UNEW000001",
            name_hint="Nieuwe Collega",
            organisation=windkracht,
            role=None,
            covenant=None,
            now=NOW,
        )
        assert result.created and result.role == RoleKind.COMPANY_CONTACT
        assert [c.slug for c in result.covenants] == ["hernieuwbare-energie"]
        linked = _viewer(session, "UNEW000001")
        assert linked.may_see_company(result.covenants[0].id, windkracht.id)
        moved = administration.link(
            session,
            actor,
            slack_user_id="UNEW000001",
            name_hint=None,
            organisation=zonneveld,
            role=None,
            covenant=None,
            now=NOW,
        )
        assert moved.dropped == ["hernieuwbare-energie"]
        again = _viewer(session, "UNEW000001")
        assert not again.may_see_company(result.covenants[0].id, windkracht.id)
        assert again.may_see_company(result.covenants[0].id, zonneveld.id)


def test_link_refuses_a_contact_role_at_a_non_company_and_foreign_covenants(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        actor = _viewer(session, TOM)
        ngo = organisation(session, "Stichting Eerlijke Keten")
        with pytest.raises(UsageError) as not_company:
            administration.link(
                session,
                actor,
                slack_user_id="UX00000001",
                name_hint=None,
                organisation=ngo,
                role=RoleKind.COMPANY_CONTACT,
                covenant=None,
                now=NOW,
            )
        assert not_company.value.key == "admin.link.contact_needs_company"
        with pytest.raises(UsageError) as foreign:
            administration.link(
                session,
                actor,
                slack_user_id="UX00000001",
                name_hint=None,
                organisation=organisation(session, "Windkracht"),
                role=None,
                covenant=None,
                now=NOW,
            )
        assert foreign.value.key == "admin.not_secretariat"
        session.rollback()
        assert session.scalar(select(Person).where(Person.slack_user_id == "UX00000001")) is None


def test_add_org_refuses_duplicates_and_non_secretariat(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        with pytest.raises(UsageError) as duplicate:
            administration.add_organisation(
                session, _viewer(session, SANNE), "windkracht energie", OrganisationKind.COMPANY, NOW
            )
        assert duplicate.value.key == "admin.add_org.exists"
        with pytest.raises(UsageError) as refused:
            administration.add_organisation(
                session, _viewer(session, PIETER), "Zeewind BV", OrganisationKind.COMPANY, NOW
            )
        assert refused.value.key == "admin.not_any_secretariat"


# -- through Slack -----------------------------------------------------------------------------------------------
def test_link_with_an_escaped_mention_then_the_person_sees_their_company(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    slack.standin.add_user("UNEWCONTACT", "Nina Nieuw", locale="nl-NL")
    text = reply_text(slack.command("/covenant", "link <@UNEWCONTACT|nina> Zonneveld Solar contactpersoon", SANNE))
    assert "is nu contactpersoon van het bedrijf voor Zonneveld Solar BV (demo)" in text and "auditlogboek" in text
    with session_factory() as session:
        nina = session.scalar(select(Person).where(Person.slack_user_id == "UNEWCONTACT"))
        assert nina is not None and nina.name == "Nina Nieuw"  # from users.info, not the mention label
    assert "vertrouwelijk" in reply_text(slack.command("/covenant", "company Zonneveld", "UNEWCONTACT"))


def test_link_with_a_plain_mention_and_an_explicit_covenant(slack: SlackHarness) -> None:
    slack.standin.add_user("UNEWSEC01", "Nieuwe Secretaris")  # a mention names someone in the workspace
    text = reply_text(
        slack.command("/covenant", 'link <@UNEWSEC01> "SER-secretariaat (demo)" secretariaat metaal', TOM)
    )
    assert "is now secretariat for SER-secretariaat (demo) in Metals Sector Agreement" in text


def test_link_without_a_user_explains_the_form(slack: SlackHarness) -> None:
    assert "@mention" in reply_text(slack.command("/covenant", "link Windkracht", person("tom").slack_user_id))


def test_join_leave_phase_and_add_org_through_slack(slack: SlackHarness, session_factory: SessionFactory) -> None:
    added = reply_text(slack.command("/covenant", 'add-org "Zeewind Offshore BV" bedrijf', SANNE))
    assert "Zeewind Offshore BV is vastgelegd als bedrijf" in added
    joined = reply_text(slack.command("/covenant", "join Zeewind Offshore hernieuwbare energie 15-11-2026", SANNE))
    assert "is op" in joined and "15 november 2026" in joined and "aangesloten bedrijf" in joined
    left = reply_text(slack.command("/covenant", "leave Zeewind Offshore wind vandaag gefuseerd met Windkracht", SANNE))
    assert "gestopt met" in left and "Reden: gefuseerd met Windkracht" in left
    phase = reply_text(slack.command("/covenant", "phase metaal in evaluatie", SANNE))
    assert "van “in uitvoering” naar “in evaluatie”" in phase
    with session_factory() as session:
        zeewind = session.scalar(select(Organisation).where(Organisation.name == "Zeewind Offshore BV"))
        assert zeewind is not None
        row = session.scalar(select(Participation).where(Participation.organisation_id == zeewind.id))
        assert row is not None and row.left_on == NOW.date() and row.left_reason == "gefuseerd met Windkracht"
        assert covenant(session, "metaal").phase == CovenantPhase.EVALUATING
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"organisation.add", "participation.join", "participation.leave", "covenant.phase"} <= actions
    companies = reply_text(slack.command("/covenant", "companies hernieuwbare-energie", SANNE))
    assert "Zeewind Offshore BV" in companies and "gefuseerd met Windkracht" in companies


@pytest.mark.parametrize(
    "text",
    [
        "join Delta Alloys hernieuwbare-energie",
        "leave Windkracht hernieuwbare-energie",
        "phase hernieuwbare-energie ended",
        "add-org Zeewind company",
        "link <@UDEMOCOM05|emma> Windkracht",
    ],
)
def test_everyone_else_is_refused_clearly(slack: SlackHarness, session_factory: SessionFactory, text: str) -> None:
    with session_factory() as session:
        before = _audit_count(session)
    # Tom runs another covenant's secretariat: refused everywhere except add-org, which any secretariat may do.
    others = (PIETER, person("fatima").slack_user_id, "UNKNOWN001", *(() if text.startswith("add-org") else (TOM,)))
    for user in others:
        reply = reply_text(slack.command("/covenant", text, user))
        assert "secretariat" in reply.lower() or "secretariaat" in reply.lower(), (user, reply)
        assert "Nothing was changed" in reply or "Er is niets veranderd" in reply
    with session_factory() as session:
        assert _audit_count(session) == before
        assert session.scalar(select(Organisation).where(Organisation.name == "Zeewind")) is None


def test_someone_who_runs_no_secretariat_is_refused_before_names_are_read(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "join Nergensbedrijf ruimtevaart", PIETER))
    assert "Alleen het secretariaat van een convenant kan dit doen" in text and "Ik ken geen" not in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("join Windkracht", "Gebruik `/covenant join"),
        ("join Nergensbedrijf metaal", "Ik ken geen organisatie"),
        ("join Delta Alloys ruimtevaart", "Ik ken geen convenant"),
        ("join Delta Alloys hernieuwbare-energie 2026-02-30", "is geen datum"),
        ("phase metaal halfklaar", "is geen fase"),
        ("add-org Zeewind multinational", "is geen soort organisatie"),
    ],
)
def test_mistakes_get_the_right_form(slack: SlackHarness, text: str, expected: str) -> None:
    assert expected in reply_text(slack.command("/covenant", text, SANNE))


def test_covenant_model_is_untouched_by_a_failed_phase(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        phases = {c.slug: c.phase for c in session.scalars(select(Covenant))}
        with pytest.raises(UsageError):
            administration.set_phase(
                session, _viewer(session, PIETER), covenant(session, "metaal"), CovenantPhase.ENDED, NOW
            )
        session.rollback()
        assert {c.slug: c.phase for c in session.scalars(select(Covenant))} == phases
