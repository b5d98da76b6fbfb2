"""The decisions register (``/minutes decisions``): decisions of approved minutes only, newest version of each
sitting, narrowed by group, covenant and words, and only what the minutes visibility rule lets the asker read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.db.enums import MeetingKind, MinutesStatus
from bot.db.models import Decision, Meeting, Minutes, Organisation
from bot.services.covenants import covenants
from bot.services.minutes import decisions
from bot.services.minutes import minutes as service
from bot.services.people import access
from tests.support.demo import NOW
from tests.support.harness import SlackHarness, reply_text
from tests.support.minutes import one_off_meeting, uid

MARK = "Zwavelbesluit"  # a word no seeded minutes use: every decision planted here carries it


def _meeting(session: Session, title: str) -> Meeting:
    meeting = session.scalar(select(Meeting).where(Meeting.title.like(title + "%")))
    assert meeting is not None
    return meeting


def _minutes(
    session: Session, meeting: Meeting, days: int, *texts: str, status: MinutesStatus = MinutesStatus.APPROVED
) -> Minutes:
    minutes = service.open_draft(session, meeting, meeting.starts_at + timedelta(days=days), NOW, "test")
    minutes.status = status
    minutes.decisions = [Decision(position=i, text=f"{MARK}: {text}") for i, text in enumerate(texts)]
    session.commit()
    return minutes


@pytest.fixture
def planted(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        working = _meeting(session, "Metals due diligence")
        steering = _meeting(session, "Stuurgroep Metaal")
        delta = session.scalar(select(Organisation).where(Organisation.name.like("Delta Alloys%")))
        assert delta is not None
        group = working.working_group_id
        assessment = one_off_meeting(
            session, group, "Beoordelingsgesprek Delta Alloys", NOW - timedelta(days=3), organisation_id=delta.id
        )
        # A sitting that took place (the demo's steering meetings are all still to come).
        extra = one_off_meeting(
            session, steering.working_group_id, "Extra stuurgroep", NOW - timedelta(days=10), MeetingKind.STEERING_GROUP
        )
        _minutes(session, working, 0, "the smelter list is shared")
        _minutes(session, working, 7, "every smelter reports yearly", "de lijst is beëindigd")
        _minutes(session, working, 14, "draft-only decision", status=MinutesStatus.DRAFT)
        _minutes(session, working, 21, "circulated-only decision", status=MinutesStatus.CIRCULATED)
        _minutes(session, extra, 0, "steering adopts the maturity scale")
        _minutes(session, assessment, 0, "Delta's plan is sent back (confidential)")


def _texts(session_factory: SessionFactory, key: str, text: str = MARK) -> list[str]:
    with session_factory() as session:
        slack_id = "UNKNOWN001" if key == "unknown" else uid(key)
        viewer = access.viewer_for(session, slack_id, None, "en", "Europe/Amsterdam")
        return [entry.text.removeprefix(f"{MARK}: ") for entry in decisions.register(session, viewer, text).entries]


WORKING = {"the smelter list is shared", "every smelter reports yearly", "de lijst is beëindigd"}
STEERING = {"steering adopts the maturity scale"}
ASSESSMENT = {"Delta's plan is sent back (confidential)"}


@pytest.mark.parametrize(
    ("key", "sees"),
    [
        ("tom", WORKING | STEERING | ASSESSMENT),  # the metals covenant's secretariat
        ("emma", WORKING | ASSESSMENT),  # group member and Delta's own contact
        ("ahmed", WORKING),  # group member of another company: not Delta's assessment
        ("joost", STEERING),  # steering group only
        ("pieter", set()),  # another covenant
        ("unknown", set()),  # a Slack user the bot does not know
    ],
)
def test_the_register_holds_only_approved_decisions_the_asker_may_read(
    session_factory: SessionFactory, planted: None, key: str, sees: set[str]
) -> None:
    assert set(_texts(session_factory, key)) == sees


def test_newest_sitting_first_and_a_correction_replaces_its_decisions(
    session_factory: SessionFactory, planted: None
) -> None:
    assert _texts(session_factory, "ahmed") == [
        "every smelter reports yearly",
        "de lijst is beëindigd",
        "the smelter list is shared",
    ]
    with session_factory() as session:
        first = session.scalars(
            select(Minutes).join(Decision).where(Decision.text.like("%the smelter list is shared"))
        ).one()
        first_status = first.status
        first.status = MinutesStatus.SUPERSEDED
        corrected = Minutes(
            meeting_id=first.meeting_id,
            occurrence_start=first.occurrence_start,
            version=2,
            status=MinutesStatus.APPROVED,
            supersedes_id=first.id,
            decisions=[Decision(position=0, text=f"{MARK}: the smelter list is shared monthly")],
        )
        session.add(corrected)
        session.commit()
    assert first_status == MinutesStatus.APPROVED
    assert _texts(session_factory, "ahmed")[-1] == "the smelter list is shared monthly"
    assert "the smelter list is shared" not in _texts(session_factory, "ahmed")


def test_a_group_or_covenant_named_first_narrows_and_the_words_must_all_occur(
    session_factory: SessionFactory, planted: None
) -> None:
    assert set(_texts(session_factory, "tom", f"Stuurgroep Metaal {MARK}")) == STEERING
    assert set(_texts(session_factory, "tom", f"metaal {MARK}")) == WORKING | STEERING | ASSESSMENT
    assert set(_texts(session_factory, "tom", f"kleding {MARK}")) == set()  # another covenant's groups
    with session_factory() as session:
        viewer = access.viewer_for(session, uid("tom"), None, "en", "Europe/Amsterdam")
        named = decisions.register(session, viewer, f"metaal {MARK}")
        metals = covenants.match_exact(session, "metaal")
        assert metals is not None and (named.scope, named.words) == (metals.name(viewer.language), MARK)
    assert _texts(session_factory, "ahmed", "smelter YEARLY zwavelbesluit") == ["every smelter reports yearly"]
    assert _texts(session_factory, "ahmed", "BEEINDIGD") == ["de lijst is beëindigd"]  # accents folded
    assert _texts(session_factory, "ahmed", "smelt") == []  # whole words only


def test_naming_a_group_one_may_not_read_narrows_nothing_and_shows_nothing(
    session_factory: SessionFactory, planted: None
) -> None:
    # For Joost "Metals due diligence" is no group of his: its words are searched, in what he may read.
    assert _texts(session_factory, "joost", f"Metals due diligence {MARK}") == []
    assert _texts(session_factory, "pieter", f"metaal {MARK}") == []


def test_through_slack_each_decision_names_its_minutes_and_that_command_shows_them(
    slack: SlackHarness, planted: None
) -> None:
    answer = reply_text(slack.command("/minutes", f"decisions {MARK} maturity", uid("joost")))
    assert "steering adopts the maturity scale" in answer and "smelter" not in answer
    show = answer.split("`/minutes show ")[1].split("`")[0]
    minutes = reply_text(slack.command("/minutes", f"show {show}", uid("joost")))
    assert "steering adopts the maturity scale" in minutes
    # Nothing found is said so, and the other company's contact never sees Delta's assessment.
    nothing = reply_text(slack.command("/minutes", "besluiten Delta confidential", uid("ahmed")))
    assert "confidential" not in nothing.replace("Delta confidential", "")
    assert "sent back" not in nothing
    assert "zo'n besluit" in nothing  # Ahmed reads Dutch: nothing found, said so
    empty = reply_text(slack.command("/minutes", "decisions", uid("pieter")))
    assert "record a decision yet" in empty or "legt een besluit vast" in empty


def test_more_than_a_page_says_how_many_more(session_factory: SessionFactory, planted: None) -> None:
    with session_factory() as session:
        working = _meeting(session, "Metals due diligence")
        _minutes(session, working, 28, *[f"point {n}" for n in range(decisions.SHOWN + 5)])
        viewer = access.viewer_for(session, uid("ahmed"), None, "en", "Europe/Amsterdam")
        found = decisions.register(session, viewer, MARK)
    assert (len(found.entries), found.total) == (decisions.SHOWN, decisions.SHOWN + 5 + len(WORKING))
