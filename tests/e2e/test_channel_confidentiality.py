"""The confidentiality matrix for channels: every message the bot posts where more than one person reads it.

A channel's audience is anyone in it (with Slack Connect, people of other organisations too), so a message
the bot posts in a channel carries public data only; the one exception is a covenant's private secretariat
channel, read by that covenant's secretariat. Windkracht's confidential data carries unique markers (see
tests/support/factories.py); here its assessment meetings also sit in a group with a channel (Werkgroep Leefbaar
Loon, CDEMOWG001), one just ended, one with minutes awaiting approval and an action item for Windkracht.
Then every channel-posting path runs through the real app and sweeper, and no marker may reach a channel
other than CDEMOSECHE, nor a DM of someone who may not see Windkracht's data.

The paths: the group's weekly digest and the secretariat's daily one; meeting notices (scheduled, agenda;
moved and cancelled for the assessment meeting, which must stay out of the channel); the reminders the day
before and just before (and their update after an RSVP); "Minutes for ...", circulated minutes (updated
after Approve), requests for changes; draft and approval chases; escalations and no-contact notices; Share
in channel.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeliveryStatus, MeetingKind, MinutesStatus
from bot.db.models import Covenant, Deadline, Meeting, Minutes, Person, ReminderDelivery
from bot.delivery import Sweeper
from bot.services.minutes import minutes as minutes_service
from bot.services.minutes.action_items import ActionItemDraft
from bot.services.minutes.minutes import MinutesForm
from bot.services.people import access
from bot.slack_standin import Call, StandinSlack
from tests.support.demo import NOW, person
from tests.support.factories import DEADLINE_MARKER, MARKERS, MEETING_MARKER, group, organisation, plant_confidential
from tests.support.harness import SlackHarness, click, reply_text

ACTION_MARKER = "LEAKACTION5d1e"
SUMMARY_MARKER = "LEAKSUMMARY8a2c"
ALL_MARKERS = (*MARKERS, ACTION_MARKER, SUMMARY_MARKER)
SECRETARIAT_CHANNEL = "CDEMOSECHE"  # hernieuwbare-energie's private secretariat channel
GROUP_CHANNEL = "CDEMOWG001"  # Werkgroep Leefbaar Loon
# Who may read Windkracht's data: the covenant's secretariat (Sanne) and Windkracht's contacts (Pieter, Lotte).
ALLOWED_PEOPLE = {person("sanne").slack_user_id, person("pieter").slack_user_id, person("lotte").slack_user_id}
POSTING = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")


def _viewer(session: Session, key: str) -> access.Viewer:
    return access.viewer_for(session, person(key).slack_user_id, None, "nl", "Europe/Amsterdam")


def plant_channel_secrets(factory: SessionFactory) -> None:
    """plant_confidential, plus assessment meetings of Windkracht in Leefbaar Loon (which has a channel): one
    that ended an hour ago (Pieter takes the minutes), and one of last week whose circulated minutes (with
    an action item for Pieter) await approval, their comment window closed."""
    plant_confidential(factory)
    with factory() as session:
        windkracht = organisation(session, "Windkracht")
        living_wage = group(session, "Werkgroep Leefbaar Loon")
        pieter = session.scalar(select(Person).where(Person.slack_user_id == person("pieter").slack_user_id))
        assert pieter is not None
        ended = Meeting(
            uid="test-assessment-windkracht-ended",
            working_group_id=living_wage.id,
            kind=MeetingKind.ASSESSMENT,
            title=f"Beoordelingsgesprek net afgelopen {MEETING_MARKER}",
            starts_at=NOW - timedelta(hours=2),
            ends_at=NOW - timedelta(hours=1),
            organisation_id=windkracht.id,
            minute_taker_id=pieter.id,
        )
        last_week = Meeting(
            uid="test-assessment-windkracht-last-week",
            working_group_id=living_wage.id,
            kind=MeetingKind.ASSESSMENT,
            title=f"Beoordelingsgesprek vorige week {MEETING_MARKER}",
            starts_at=NOW - timedelta(days=7),
            ends_at=NOW - timedelta(days=7, hours=-1),
            organisation_id=windkracht.id,
        )
        session.add_all([ended, last_week])
        session.flush()
        minutes = Minutes(meeting_id=last_week.id, occurrence_start=last_week.starts_at, status=MinutesStatus.DRAFT)
        session.add(minutes)
        session.flush()
        sanne = _viewer(session, "sanne")
        form = MinutesForm(
            summary=f"Plan besproken {SUMMARY_MARKER}.",
            attendees=None,
            action_items=[ActionItemDraft(pieter.slack_user_id or "", f"{ACTION_MARKER} ketenkaart", NOW.date())],
        )
        loaded = minutes_service.load(session, minutes.id)
        minutes_service.save(session, loaded, sanne, form, NOW - timedelta(days=6))
        minutes_service.circulate(session, loaded, sanne, NOW - timedelta(days=6))
        # Windkracht in the steering group, chaired by Hanneke (who may not see it): minutes nobody wrote.
        steering = group(session, "Stuurgroep Hernieuwbare Energie")
        in_steering = Meeting(
            uid="test-assessment-windkracht-steering",
            working_group_id=steering.id,
            kind=MeetingKind.ASSESSMENT,
            title=f"Beoordelingsgesprek stuurgroep {MEETING_MARKER}",
            starts_at=NOW - timedelta(days=5),
            ends_at=NOW - timedelta(days=5, hours=-1),
            organisation_id=windkracht.id,
        )
        session.add(in_steering)
        session.flush()
        session.add(Minutes(meeting_id=in_steering.id, occurrence_start=in_steering.starts_at))
        session.commit()


def _is_channel(conversation: str) -> bool:
    return conversation.startswith(("C", "G"))  # not U/W (a person) nor D (a DM)


def _conversation(call: Call) -> str:
    return str(call.args.get("channel") or "")


def _markers(call: Call) -> set[str]:
    text = reply_text(call)
    return {marker for marker in ALL_MARKERS if marker in text}


def leaks(standin: StandinSlack, secretariat_channel: str = SECRETARIAT_CHANNEL) -> dict[str, set[str]]:
    """Each message with a marker that went where someone may read it who may not: "<method> <conversation>"."""
    found: dict[str, set[str]] = {}
    for call in standin.calls_to(*POSTING):
        markers = _markers(call)
        if not markers:
            continue
        conversation = _conversation(call)
        if call.method == "response_url":
            allowed = True  # the answer to the one who asked (the matrix in test_confidentiality covers it)
        elif call.method == "chat.postEphemeral":
            allowed = call.args.get("user") in ALLOWED_PEOPLE
        elif _is_channel(conversation):
            allowed = conversation == secretariat_channel
        else:
            allowed = conversation in ALLOWED_PEOPLE
        if not allowed:
            found.setdefault(f"{call.method} {conversation}", set()).update(markers)
    return found


def _received(standin: StandinSlack, conversation: str) -> set[str]:
    """The markers that reached ``conversation`` (proof that an allowed surface really shows them)."""
    calls = [c for c in standin.calls_to("chat.postMessage", "chat.update") if _conversation(c) == conversation]
    return set().union(*(_markers(c) for c in calls))


def _sweep(clock: ManualClock, sweeper: Sweeper, moment: datetime) -> None:
    clock.set(moment)
    sweeper.run_once()


def _sweep_days(clock: ManualClock, sweeper: Sweeper, start: datetime, days: int, step: int = 1) -> None:
    """Sweep every ``step`` hours for ``days`` days from ``start``: digests, reminders, chases, escalations."""
    for hour in range(0, days * 24, step):
        _sweep(clock, sweeper, start + timedelta(hours=hour))


def _channel_rules(session_factory: SessionFactory) -> set[str]:
    """The rules of the engine's messages that went to a channel."""
    with session_factory() as session:
        rows = session.execute(
            select(ReminderDelivery.rule, ReminderDelivery.recipient).where(
                ReminderDelivery.status == DeliveryStatus.SENT
            )
        ).all()
    return {rule for rule, recipient in rows if _is_channel(recipient)}


def _public_minutes_circulated(session_factory: SessionFactory) -> int:
    """Minutes of a public Leefbaar Loon sitting of last week, written and circulated by Sanne: the group's
    channel gets them with Approve (the delivery id is returned)."""
    with session_factory() as session:
        living_wage = group(session, "Werkgroep Leefbaar Loon")
        sitting = Meeting(
            uid="test-public-living-wage",
            working_group_id=living_wage.id,
            kind=MeetingKind.WORKING_GROUP,
            title="Werkgroep Leefbaar Loon — extra overleg",
            starts_at=NOW - timedelta(days=8),
            ends_at=NOW - timedelta(days=8, hours=-1),
        )
        session.add(sitting)
        session.flush()
        minutes = Minutes(meeting_id=sitting.id, occurrence_start=sitting.starts_at)
        session.add(minutes)
        session.flush()
        loaded = minutes_service.load(session, minutes.id)
        sanne = _viewer(session, "sanne")
        minutes_service.save(session, loaded, sanne, MinutesForm(summary="Loonkloof besproken.", attendees=None), NOW)
        ids = minutes_service.circulate(session, loaded, sanne, NOW)
        session.commit()
    return ids[0]


def _meeting_id(session_factory: SessionFactory, agenda: str) -> int:
    """The meeting just scheduled with this agenda."""
    with session_factory() as session:
        found = session.scalar(select(Meeting.id).where(Meeting.agenda == agenda))
    assert found is not None
    return found


def _request_changes(session_factory: SessionFactory, title: str, key: str) -> list[int]:
    """``key`` asks for changes to the circulated minutes of the meeting titled ``...title...``."""
    with session_factory() as session:
        minutes_id = session.scalar(
            select(Minutes.id)
            .join(Meeting, Minutes.meeting_id == Meeting.id)
            .where(Meeting.title.contains(title), Minutes.status == MinutesStatus.CIRCULATED)
        )
        assert minutes_id is not None
        minutes = minutes_service.load(session, minutes_id)
        ids = minutes_service.request_changes(session, minutes, _viewer(session, key), "Graag aanvullen.", NOW)
        session.commit()
    return ids


def _assessment_id(session_factory: SessionFactory) -> int:
    with session_factory() as session:
        found = session.scalar(select(Meeting.id).where(Meeting.uid == "test-assessment-windkracht"))
    assert found is not None
    return found


def _button(standin: StandinSlack, channel: str, action_id: str) -> Call:
    found = [
        c
        for c in standin.calls_to("chat.postMessage")
        if _conversation(c) == channel and f'"{action_id}"' in reply_text(c)
    ]
    assert found, f"no message with {action_id} in {channel}"
    return found[-1]


def _shared_in_group_channel(call: Call) -> bool:
    """The status posted by Share in channel (the engine's own messages carry their delivery id)."""
    return call.method == "chat.postMessage" and _conversation(call) == GROUP_CHANNEL and not call.args.get("metadata")


def test_no_channel_post_of_a_whole_week_carries_confidential_data(
    slack: SlackHarness, sweeper: Sweeper, clock: ManualClock, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    """Every path that posts in a channel, driven through the app and the sweeper for four days."""
    plant_channel_secrets(session_factory)
    sanne = person("sanne").slack_user_id
    # Monday 10:00 Amsterdam: both digests, the "Minutes for ..." of sittings that ended, the chases.
    _sweep(clock, sweeper, NOW)
    # Notices: a public meeting is announced in the channel; changes to the assessment meeting are not.
    slack.command("/meeting", "schedule leefbaar loon 25 november 2026 14:00 60m Loonkloof", sanne, GROUP_CHANNEL)
    assessment = _assessment_id(session_factory)
    public = _meeting_id(session_factory, "Loonkloof")
    slack.command("/meeting", f"agenda {public} 1. Loonkloof 2. Rondvraag", sanne, GROUP_CHANNEL)
    slack.command("/meeting", f"agenda {assessment} Nieuwe agenda voor het gesprek", sanne, GROUP_CHANNEL)
    slack.command("/meeting", f"move {assessment} 26 november 2026 15:00", sanne, GROUP_CHANNEL)
    # Minutes circulated in the channel, approved there (the message is updated in the channel).
    circulated = _public_minutes_circulated(session_factory)
    sweeper.deliver_now(circulated)
    # Requests for changes: to the channel for the public minutes, to the contacts for the assessment's.
    for title, who in (("extra overleg", "fatima"), ("vorige week", "pieter")):
        for delivery_id in _request_changes(session_factory, title, who):
            sweeper.deliver_now(delivery_id)
    url = click(slack, _button(standin, GROUP_CHANNEL, "minutes_approve"), "minutes_approve", sanne, GROUP_CHANNEL)
    # Fatima's request is open, so Approve first shows it; Sanne approves anyway.
    click(slack, slack.wait_response(url), "minutes_approve", sanne, GROUP_CHANNEL)
    # Share in channel, pressed in the group's channel.
    status = slack.command("/covenant", "status hernieuwbare-energie", sanne, GROUP_CHANNEL)
    click(slack, status, "share_status", sanne, GROUP_CHANNEL)
    standin.wait_until(_shared_in_group_channel)
    # Up to Tuesday 11:00: the reminder the working day before the new meeting; an RSVP updates it in the channel.
    _sweep_days(clock, sweeper, NOW + timedelta(hours=1), days=1, step=2)
    _sweep(clock, sweeper, NOW + timedelta(hours=26))
    reminder = _button(standin, GROUP_CHANNEL, "meeting_rsvp_yes")
    updates = len(standin.calls_to("chat.update"))
    click(slack, reminder, "meeting_rsvp_yes", person("fatima").slack_user_id, GROUP_CHANNEL)
    standin.wait_for("chat.update", count=updates + 1)
    # The rest of the week: the reminder just before, deadline reminders and escalations, draft and approval
    # chases, the secretariat's daily digests.
    _sweep_days(clock, sweeper, NOW + timedelta(hours=27), days=1, step=2)
    _sweep(clock, sweeper, datetime(2026, 11, 25, 12, 50, tzinfo=UTC))  # Wednesday 13:50, ten minutes before
    _sweep_days(clock, sweeper, NOW + timedelta(hours=53), days=2, step=2)
    slack.command("/meeting", f"cancel {assessment} verplaatst naar januari", sanne, GROUP_CHANNEL)
    _sweep(clock, sweeper, clock.now() + timedelta(minutes=5))

    assert leaks(standin) == {}
    # The surfaces work: the secretariat channel and the allowed DMs do get Windkracht's data.
    assert _received(standin, SECRETARIAT_CHANNEL) >= {MEETING_MARKER, ACTION_MARKER}
    assert MEETING_MARKER in _received(standin, person("pieter").slack_user_id)
    assert ACTION_MARKER in _received(standin, person("pieter").slack_user_id)
    # ... and every kind of channel post was made (so the assertion above covers them).
    assert _channel_rules(session_factory) >= {
        "digest-group",
        "digest-secretariat",
        "meeting-scheduled",
        "meeting-agenda",
        "meeting-dayBefore",
        "meeting-soon",
        "minutes-request",
        "minutes-circulated",
        "minutes-changes",
        "minutes-chase-draft",
        "escalate",
    }
    # Besides the engine's messages: Share in channel, and the updates after Approve and an RSVP.
    assert len([c for c in standin.calls if _shared_in_group_channel(c)]) == 1
    assert len([c for c in standin.calls_to("chat.update") if _conversation(c) == GROUP_CHANNEL]) >= 2


def _posts_in(standin: StandinSlack, channel: str) -> list[Call]:
    return [c for c in standin.calls_to("chat.postMessage") if c.ok and _conversation(c) == channel]


def test_the_weekly_group_digest_names_no_assessment_meeting_nor_its_minutes(
    sweeper: Sweeper, clock: ManualClock, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    plant_channel_secrets(session_factory)
    _sweep(clock, sweeper, NOW)  # Monday 10:00 Amsterdam: the group's weekly digest and the secretariat's
    weekly = [c for c in _posts_in(standin, GROUP_CHANNEL) if "Deze week" in str(c.args.get("text"))]
    assert len(weekly) == 1
    assert _markers(weekly[0]) == set()
    # The assessment meeting of tomorrow is still in the secretariat's digest, in its own channel.
    morning = [c for c in _posts_in(standin, SECRETARIAT_CHANNEL) if "Goedemorgen" in str(c.args.get("text"))]
    assert len(morning) == 1 and MEETING_MARKER in reply_text(morning[0])


def test_an_assessment_meetings_chase_goes_to_the_secretariat_not_to_a_chair_who_may_not_see_it(
    sweeper: Sweeper, clock: ManualClock, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    plant_channel_secrets(session_factory)
    _sweep(clock, sweeper, NOW)  # the steering group's assessment minutes: nobody wrote them in five days
    hanneke = person("hanneke").slack_user_id  # chairs the steering group; not Windkracht's, not the secretariat
    assert _received(standin, hanneke) == set()
    chased = [c for c in _posts_in(standin, SECRETARIAT_CHANNEL) if "stuurgroep" in str(c.args.get("text"))]
    assert len(chased) == 1 and MEETING_MARKER in reply_text(chased[0])
    assert leaks(standin) == {}


def _owe(session_factory: SessionFactory, recipient: str, rule: str, **about: object) -> None:
    """A delivery as a planner (an older release, an import, a bug) might have left it."""
    with session_factory() as session:
        session.add(
            ReminderDelivery(
                # A deadline's messages name its due date in their key (they are for that due date only).
                dedupe_key=f"test:{rule}:{recipient}:{(NOW + timedelta(days=3)).date().isoformat()}:",
                rule=rule,
                recipient=recipient,
                planned_for=NOW,
                created_at=NOW,
                **about,
            )
        )
        session.commit()


def test_a_channel_message_about_confidential_data_is_never_sent_whatever_planned_it(
    sweeper: Sweeper, clock: ManualClock, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    plant_channel_secrets(session_factory)
    with session_factory() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.uid == "test-assessment-windkracht"))
        assert meeting is not None
        ended = session.scalar(select(Meeting).where(Meeting.uid == "test-assessment-windkracht-ended"))
        assert ended is not None
        energy = meeting.group.covenant_id
        draft = session.scalar(select(Minutes.id).where(Minutes.meeting_id == meeting.id))
        deadline = session.scalar(select(Deadline.id).where(Deadline.title.like(f"{DEADLINE_MARKER}%")))
        start = meeting.starts_at
    about_meeting = {"meeting_id": meeting.id, "occurrence_start": start, "covenant_id": energy}
    for channel in (GROUP_CHANNEL, SECRETARIAT_CHANNEL):
        _owe(session_factory, channel, "meeting-dayBefore", payload={"starts_at": start.isoformat()}, **about_meeting)
        _owe(session_factory, channel, "meeting-scheduled", payload={"actor": "UDEMOSEC01"}, **about_meeting)
        _owe(session_factory, channel, "minutes-request", minutes_id=draft, meeting_id=meeting.id, covenant_id=energy)
        _owe(session_factory, channel, "escalate", deadline_id=deadline, covenant_id=energy)
        _owe(session_factory, channel, "digest-secretariat", covenant_id=energy)
    # A DM to someone who may not see the meeting (Fatima, of an NGO, sits in the group).
    _owe(session_factory, person("fatima").slack_user_id, "minutes-taker", minutes_id=draft, meeting_id=meeting.id)
    _sweep(clock, sweeper, NOW)
    assert leaks(standin) == {}
    assert _received(standin, person("fatima").slack_user_id) == set()
    with session_factory() as session:
        sent = set(
            session.scalars(
                select(ReminderDelivery.rule).where(
                    ReminderDelivery.dedupe_key.like("test:%"),
                    ReminderDelivery.recipient == SECRETARIAT_CHANNEL,
                    ReminderDelivery.status == DeliveryStatus.SENT,
                )
            )
        )
    # The same messages in the secretariat's channel are sent (a notice of an assessment meeting there is
    # no harm: its readers may see it).
    assert sent == {"meeting-dayBefore", "meeting-scheduled", "minutes-request", "escalate", "digest-secretariat"}


def test_when_the_secretariat_channel_moves_confidential_notices_follow_it(
    slack: SlackHarness, sweeper: Sweeper, clock: ManualClock, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    plant_channel_secrets(session_factory)
    _sweep(clock, sweeper, NOW)  # escalations of Windkracht's deadlines are planned for CDEMOSECHE
    slack.command("/plan", "channel hernieuwbare-energie", person("sanne").slack_user_id, "CNEWSECR01")
    standin.reset()
    # CDEMOSECHE is no longer the secretariat's: anyone may be in it now.
    _sweep_days(clock, sweeper, NOW + timedelta(hours=1), days=4, step=3)
    assert leaks(standin, secretariat_channel="CNEWSECR01") == {}
    assert _received(standin, "CNEWSECR01") >= {ACTION_MARKER, MEETING_MARKER}
    assert _posts_in(standin, SECRETARIAT_CHANNEL) == []


def test_a_channel_is_either_a_groups_or_the_secretariats(slack: SlackHarness, session_factory: SessionFactory) -> None:
    """A group's channel is read by its members: it cannot become the private secretariat channel (and the
    secretariat's channel cannot become a group's), or the group's members would read the secretariat's data."""
    sanne = person("sanne").slack_user_id
    refused = slack.command("/plan", "channel hernieuwbare-energie", sanne, GROUP_CHANNEL)
    assert "werkgroep" in reply_text(refused)
    refused = slack.command("/meeting", f"group channel leefbaar loon <#{SECRETARIAT_CHANNEL}|secretariaat>", sanne)
    assert "secretariaat" in reply_text(refused)
    with session_factory() as session:
        assert session.scalar(select(Covenant.secretariat_channel).where(Covenant.slug == "hernieuwbare-energie")) == (
            SECRETARIAT_CHANNEL
        )
        assert group(session, "Werkgroep Leefbaar Loon").channel_id == GROUP_CHANNEL
