"""The read services behind status, companies, groups, minutes and the Home tab."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.db.enums import MinutesStatus
from bot.db.models import Meeting
from bot.services.covenants import dashboard, organisations, overview
from bot.services.covenants.dashboard import Expansion
from bot.services.errors import UsageError
from bot.services.meetings import groups
from bot.services.minutes import minutes_status
from bot.services.people import people
from bot.services.people.access import Viewer, meeting_filter, public_meeting, viewer_for
from tests.support.demo import NOW, person
from tests.support.factories import MEETING_MARKER, add_minutes, covenant, group, organisation, plant_confidential


def _viewer(session: Session, key: str) -> Viewer:
    return _viewer_for_id(session, person(key).slack_user_id)


def test_organisations_are_found_without_legal_form_or_demo_marker(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        assert organisations.resolve(session, "windkracht energie").name == "Windkracht Energie BV (demo)"
        assert organisations.resolve(session, "Staalwerk Twente").name.startswith("Staalwerk")
        with pytest.raises(UsageError) as error:
            organisations.resolve(session, "Ruimtevaart Holding")
        assert error.value.key == "organisation.unknown"
    assert organisations.short_name("Delta Alloys B.V.") == "Delta Alloys"


def test_participants_page_current_first_then_leavers(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        page = organisations.participants(session, covenant(session, "textiel"), NOW.date(), page=5)
        assert page.page == 1 and page.pages == 1 and page.current == 0 and page.left == 2
        energy = organisations.participants(session, covenant(session, "hernieuwbare-energie"), NOW.date())
        names = [o.name for o, _ in energy.rows]
        assert names == sorted(names, key=str.lower) and energy.current == 4


def test_company_profile_fills_confidential_data_only_where_allowed(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        windkracht = organisation(session, "Windkracht")
        own = organisations.company_profile(session, windkracht, _viewer(session, "lotte"), NOW.date())
        assert own.memberships[0].confidential is not None and not own.withheld
        other = organisations.company_profile(session, windkracht, _viewer(session, "ingrid"), NOW.date())
        assert other.memberships[0].confidential is None and other.withheld


def test_groups_resolve_by_theme_and_list_chairs(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        found = groups.resolve(session, "leefbaar loon")
        assert found.name == "Werkgroep Leefbaar Loon"
        assert groups.resolve(session, "Living Wage working group").id == found.id
        info = groups.group_infos(session, [found], NOW, public_meeting)[0]
        assert [p.name for p in info.chairs] == ["Sanne de Vries (demo)"] and info.member_count == 6
        assert info.next_meeting is not None and info.next_meeting.starts_at > NOW


def test_assessment_meetings_and_their_minutes_are_not_public(session_factory: SessionFactory) -> None:
    plant_confidential(session_factory)
    with session_factory() as session:
        living_wage = group(session, "Werkgroep Leefbaar Loon")
        public = groups.next_meetings(session, [living_wage], NOW, public_meeting, limit=3)
        assert all(MEETING_MARKER not in o.meeting.title for o in public)
        secretariat = groups.next_meetings(session, [living_wage], NOW, meeting_filter(_viewer(session, "sanne")))
        assert MEETING_MARKER in secretariat[0].meeting.title
        assert minutes_status.latest_approved(session, [living_wage.id], public_meeting) is None
        backlog = minutes_status.awaiting_approval(session, [living_wage.id], meeting_filter(_viewer(session, "sanne")))
        assert backlog.total == 1


def test_overview_latest_approved_minutes(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.title.like("Stuurgroep Metaal%")))
        assert meeting is not None
        add_minutes(session, meeting, MinutesStatus.DRAFT, NOW - timedelta(days=5))
        approved = add_minutes(session, meeting, MinutesStatus.APPROVED, NOW - timedelta(days=60))
        session.commit()
        result = overview.overview(session, covenant(session, "metaal"), NOW, NOW.date())
        assert result.latest_minutes is not None and result.latest_minutes.id == approved.id
        assert result.group_count == 2 and result.plans.total == 4 and len(result.meetings) == 5


def test_dashboard_opens_only_lists_the_viewer_may_see(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        energy = covenant(session, "hernieuwbare-energie")
        forged = Expansion("overdue", energy.id, 0)
        ngo = dashboard.dashboard(session, _viewer(session, "fatima"), NOW, NOW.date(), forged)
        assert ngo.secretariat == [] and ngo.companies == []
        tom = dashboard.dashboard(session, _viewer(session, "tom"), NOW, NOW.date(), forged)
        assert [s.covenant.slug for s in tom.secretariat] == ["metaal"] and not tom.secretariat[0].overdue.expanded
        sanne = dashboard.dashboard(session, _viewer(session, "sanne"), NOW, NOW.date(), forged)
        opened = next(s for s in sanne.secretariat if s.covenant.id == energy.id)
        assert opened.overdue.expanded and opened.overdue.total == 1


def test_secretariat_people_and_language_choice(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        metal = covenant(session, "metaal")
        names = [p.name for p in people.secretariat_people(session, [metal.id])[metal.id]]
        assert names == ["Sanne de Vries (demo)", "Tom Whitaker (demo)"]
        stranger = people.set_language(session, "UNEW0000001", "en", NOW)
        assert stranger.language == "en" and stranger.organisation_id is None
        assert not _viewer_for_id(session, "UNEW0000001").is_linked


def _viewer_for_id(session: Session, slack_user_id: str) -> Viewer:
    return viewer_for(session, slack_user_id, None, "nl", "Europe/Amsterdam")
