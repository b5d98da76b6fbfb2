"""Full-text search of minutes: ranked, whole words, accents folded, and only over minutes the asker may see
(on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.db.enums import MeetingKind, MinutesStatus
from bot.db.models import Decision, Meeting, Minutes, Organisation
from bot.services.errors import UsageError
from bot.services.minutes import minutes as service
from bot.services.minutes import minutes_search
from bot.services.people import access
from bot.services.people.access import Viewer
from tests.support.demo import NOW
from tests.support.harness import SlackHarness, reply_text
from tests.support.minutes import uid


def _viewer(session: Session, key: str) -> Viewer:
    return access.viewer_for(session, uid(key), None, "en", "Europe/Amsterdam")


def _meeting(session: Session, title: str) -> Meeting:
    meeting = session.scalar(select(Meeting).where(Meeting.title.like(title + "%")))
    assert meeting is not None
    return meeting


def _minutes(session: Session, meeting: Meeting, days: int, summary: str, *decisions: str) -> Minutes:
    minutes = service.open_draft(session, meeting, meeting.starts_at + timedelta(days=days), NOW, "test")
    minutes.summary = summary
    minutes.decisions = [Decision(position=i, text=text) for i, text in enumerate(decisions)]
    minutes_search.refresh(session, minutes)
    session.commit()
    return minutes


@pytest.fixture
def corpus(session_factory: SessionFactory) -> dict[str, int]:
    with session_factory() as session:
        working = _meeting(session, "Metals due diligence")
        steering = _meeting(session, "Stuurgroep Metaal")
        delta = session.scalar(select(Organisation).where(Organisation.name.like("Delta Alloys%")))
        assert delta is not None
        assessment = Meeting(
            uid=f"test-{uuid.uuid4()}",
            working_group_id=working.working_group_id,
            kind=MeetingKind.ASSESSMENT,
            title="Beoordelingsgesprek Delta Alloys",
            starts_at=NOW - timedelta(days=3),
            ends_at=NOW - timedelta(days=3) + timedelta(hours=1),
            organisation_id=delta.id,
        )
        session.add(assessment)
        session.flush()
        ids = {
            "working_once": _minutes(session, working, 0, "The smelter list is shared.").id,
            "working_often": _minutes(
                session, working, 7, "Smelter audits.", "Every smelter reports.", "Smelter list is beëindigd."
            ).id,
            "steering": _minutes(session, steering, 0, "Maturity scores; smelter programme on track.").id,
            "assessment": _minutes(session, assessment, 0, "Confidential: smelter due diligence of Delta.").id,
        }
        return ids


def _found(session_factory: SessionFactory, key: str, query: str) -> list[int]:
    with session_factory() as session:
        return [hit.minutes.id for hit in minutes_search.search(session, _viewer(session, key), query)]


@pytest.mark.parametrize(
    ("key", "sees"),
    [
        ("tom", {"working_once", "working_often", "steering", "assessment"}),  # secretariat of metaal
        ("emma", {"working_once", "working_often", "assessment"}),  # group member; Delta's own contact
        ("ahmed", {"working_once", "working_often"}),  # group member, another company
        ("joost", {"steering"}),  # steering group only
        ("marieke", {"working_once", "working_often", "steering"}),
        ("pieter", set()),  # another covenant
    ],
)
def test_search_only_covers_minutes_the_asker_may_see(
    session_factory: SessionFactory, corpus: dict[str, int], key: str, sees: set[str]
) -> None:
    assert set(_found(session_factory, key, "smelter")) == {corpus[name] for name in sees}


def test_results_are_ranked_and_need_every_word(session_factory: SessionFactory, corpus: dict[str, int]) -> None:
    ranked = _found(session_factory, "ahmed", "smelter")
    assert ranked == [corpus["working_often"], corpus["working_once"]]
    assert _found(session_factory, "ahmed", "smelter list shared") == [corpus["working_once"]]
    assert _found(session_factory, "ahmed", "smelt") == []  # whole words only, on both databases


def test_accents_and_case_do_not_matter(session_factory: SessionFactory, corpus: dict[str, int]) -> None:
    assert _found(session_factory, "ahmed", "beeindigd") == [corpus["working_often"]]
    assert _found(session_factory, "ahmed", "BEËINDIGD") == [corpus["working_often"]]


def test_superseded_versions_are_not_found_and_snippets_show_the_best_line(
    session_factory: SessionFactory, corpus: dict[str, int]
) -> None:
    with session_factory() as session:
        hit = minutes_search.search(session, _viewer(session, "ahmed"), "reports")[0]
        assert hit.snippet == "Every smelter reports."
        minutes = session.get(Minutes, corpus["working_often"])
        assert minutes is not None
        minutes.status = MinutesStatus.SUPERSEDED
        session.commit()
    assert _found(session_factory, "ahmed", "reports") == []


def test_an_empty_query_is_a_usage_error(session_factory: SessionFactory) -> None:
    with session_factory() as session, pytest.raises(UsageError) as error:
        minutes_search.search(session, _viewer(session, "tom"), "  ?! ")
    assert error.value.key == "minutes.search_empty"


def test_search_through_slack(slack: SlackHarness, corpus: dict[str, int]) -> None:
    text = reply_text(slack.command("/minutes", "search smelter", uid("joost")))
    assert "Stuurgroep Metaal" in text and "Maturity scores" in text
    assert "Metals due diligence" not in text and "Delta" not in text
