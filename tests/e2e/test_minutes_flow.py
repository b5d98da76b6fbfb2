"""Minutes end to end through signed requests: the request when a meeting ends, thread collection,
the form, action items reminded, circulation, approval and its permissions, corrections."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineKind, DeadlineStatus, MinutesStatus
from bot.db.models import AuditEntry, Deadline, Minutes, MinutesContribution
from bot.delivery import Sweeper
from bot.entry.console import payloads
from bot.render import minutes as render
from bot.slack_standin import StandinSlack
from bot.slack_standin import requests as slack_requests
from tests.support.harness import SlackHarness, reply_text
from tests.support.minutes import (
    METALS_CHANNEL,
    answer_to,
    call_minutes,
    click,
    command_opening_a_view,
    end_the_call,
    eventually,
    opened_view,
    posts,
    submit,
    uid,
    write_minutes,
)


def test_meeting_end_posts_the_request_and_dms_the_minute_taker_once(
    clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    request = end_the_call(clock, sweeper, standin)
    text = reply_text(request)
    assert "Metals due diligence working group — weekly call" in text and "<!date^" in text
    assert render.ACTION_ADD in text and render.ACTION_TAKE in text
    assert f"<@{uid('tom')}>" in text  # the meeting's minute-taker
    assert len(posts(standin, uid("tom"), "taking the minutes")) == 1
    sweeper.run_once()
    sweeper.run_once()
    assert len(posts(standin, METALS_CHANNEL, "weekly call")) == 1
    with session_factory() as session:
        minutes = call_minutes(session)
        assert (minutes.thread_channel, minutes.thread_ts) == (METALS_CHANNEL, request.response["ts"])
        assert minutes.status == MinutesStatus.DRAFT


def test_thread_replies_are_collected_once_and_edits_and_deletions_followed(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    thread = str(end_the_call(clock, sweeper, standin).response["ts"])
    event, posted = payloads.message_event(uid("emma"), METALS_CHANNEL, "We share the smelter template.", thread)
    for retry in (None, 1, 2):  # Slack delivering the same event again
        assert slack.event(event, event_id="EvREPLY0001", retry=retry).status == 200
    standin.wait_for("reactions.add")
    elsewhere, _ = payloads.message_event(uid("emma"), METALS_CHANNEL, "Unrelated thread", "1.000001")
    slack.event(elsewhere)
    slack.event(payloads.edited_event(uid("emma"), posted, "We share the smelter template on Friday."))
    eventually(session_factory, lambda s: "on Friday" in (s.scalar(select(MinutesContribution.text)) or ""))
    with session_factory() as session:
        rows = session.scalars(select(MinutesContribution)).all()
        assert [(r.author_slack_id, r.text, r.deleted) for r in rows] == [
            (uid("emma"), "We share the smelter template on Friday.", False)
        ]
        assert rows[0].permalink and rows[0].permalink.endswith(posted.ts.replace(".", ""))
    slack.event(payloads.deleted_event(uid("emma"), posted))
    eventually(session_factory, lambda s: s.scalar(select(MinutesContribution.deleted)))
    assert len(standin.calls_to("reactions.add")) == 1


def test_reply_after_circulation_is_not_collected_and_the_author_is_told(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    thread = str(end_the_call(clock, sweeper, standin).response["ts"])
    minutes_id = write_minutes(slack, session_factory)
    click(slack, uid("tom"), render.ACTION_CIRCULATE, str(minutes_id))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.CIRCULATED)
    event, _ = payloads.message_event(uid("ahmed"), METALS_CHANNEL, "Late note", thread)
    slack.event(event)
    told = standin.wait_for("chat.postEphemeral")[0]
    assert told.args["user"] == uid("ahmed") and told.args["thread_ts"] == thread
    assert "al rondgestuurd" in told.args["text"] and "Wijziging vragen" in told.args["text"]  # Ahmed reads Dutch
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(MinutesContribution)) == 0


def test_form_with_a_bad_action_item_saves_nothing_then_a_good_one_makes_deadlines_that_are_reminded(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    end_the_call(clock, sweeper, standin)
    view = command_opening_a_view(slack, "add metals", uid("tom"))
    answer = submit(
        slack,
        uid("tom"),
        view,
        summary="Round of updates.",
        decisions="Adopt the template.",
        actions="@Emma — share the template — 2 December 2026\n@Bob — draft questions — friday",
    )
    assert answer["response_action"] == "errors"
    assert "Line 2" in answer["errors"]["actions"] and "Bob" in answer["errors"]["actions"]
    bad_date = submit(slack, uid("tom"), view, actions="@Emma — share the template — someday")
    assert "someday" in bad_date["errors"]["actions"]
    with session_factory() as session:
        minutes = call_minutes(session)
        assert minutes.summary is None and minutes.decisions == [] and minutes.action_items == []
        assert session.scalar(select(func.count()).where(Deadline.kind == DeadlineKind.ACTION_ITEM)) == 2  # demo's
    write_minutes(slack, session_factory)
    saved = standin.wait_until(
        lambda c: (
            c.method == "chat.postMessage"
            and c.args.get("channel") == uid("tom")
            and "Saved" in str(c.args.get("text")) + str(c.args.get("blocks"))
        )
    )[0]
    assert render.ACTION_CIRCULATE in reply_text(saved)
    with session_factory() as session:
        deadline = session.scalar(select(Deadline).where(Deadline.title == "share the smelter list template"))
        assert deadline is not None and deadline.kind == DeadlineKind.ACTION_ITEM
        assert (deadline.owner_slack_id, deadline.due_on) == (uid("emma"), date(2026, 12, 2))
        assert call_minutes(session).action_items[0].deadline_id == deadline.id
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))  # Thursday 10:00 in Amsterdam: within the reminder window
    sweeper.run_once()
    reminded = posts(standin, uid("emma"), "share the smelter list template")
    assert len(reminded) == 1 and "2 December 2026" in reply_text(reminded[0])


def test_approval_flow_member_cannot_approve_chair_approves_once(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    end_the_call(clock, sweeper, standin)
    minutes_id = write_minutes(slack, session_factory)
    answer = answer_to(slack, click(slack, uid("tom"), render.ACTION_CIRCULATE, str(minutes_id))[0])
    assert "comments until" in answer
    circulated = standin.wait_until(
        lambda c: c.method == "chat.postMessage" and render.ACTION_APPROVE in str(c.args.get("blocks"))
    )[0]
    assert circulated.args["channel"] == METALS_CHANNEL
    assert render.ACTION_CHANGES in reply_text(circulated) and "smelter" in reply_text(circulated)
    denied = answer_to(slack, click(slack, uid("fatima"), render.ACTION_APPROVE, str(minutes_id))[0])
    assert "voorzitter" in denied  # Fatima reads Dutch: only the chair or the secretariat approves
    with session_factory() as session:
        assert call_minutes(session).status == MinutesStatus.CIRCULATED
    approved = answer_to(slack, click(slack, uid("emma"), render.ACTION_APPROVE, str(minutes_id))[0])
    assert "You approved" in approved
    update = standin.wait_for("chat.update")[0]
    assert update.args["ts"] == circulated.response["ts"] and render.ACTION_APPROVE not in reply_text(update)
    again = answer_to(slack, click(slack, uid("tom"), render.ACTION_APPROVE, str(minutes_id))[0])
    assert "approved already" in again and "Nothing was changed." in again
    with session_factory() as session:
        minutes = session.get(Minutes, minutes_id)
        assert minutes is not None and minutes.status == MinutesStatus.APPROVED
        assert (minutes.approved_by, minutes.approved_at) == (uid("emma"), clock.now())
        approvals = select(func.count()).where(AuditEntry.action == "minutes.approved")
        assert session.scalar(approvals) == 1


def test_request_changes_needs_a_comment_and_tells_the_group(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    end_the_call(clock, sweeper, standin)
    minutes_id = write_minutes(slack, session_factory)
    click(slack, uid("tom"), render.ACTION_CIRCULATE, str(minutes_id))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.CIRCULATED)
    _, before = click(slack, uid("ahmed"), render.ACTION_CHANGES, str(minutes_id))
    view = opened_view(slack, before)
    assert submit(slack, uid("ahmed"), view, comment="  ")["response_action"] == "errors"
    assert submit(slack, uid("ahmed"), view, comment="Add that Ahmed drafts the grievance questions.") == {}
    notice = standin.wait_until(lambda c: c.method == "chat.postMessage" and "grievance questions" in reply_text(c))[0]
    assert notice.args["channel"] == METALS_CHANNEL
    assert f"<@{uid('ahmed')}>" in reply_text(notice) and f"<@{uid('tom')}>" in reply_text(notice)


def test_correction_is_a_new_version_and_approving_it_supersedes_the_old_one(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    end_the_call(clock, sweeper, standin)
    first = write_minutes(slack, session_factory)
    click(slack, uid("tom"), render.ACTION_CIRCULATE, str(first))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.CIRCULATED)
    click(slack, uid("emma"), render.ACTION_APPROVE, str(first))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.APPROVED)
    # An approved version is locked: the form cannot be opened on it, a correction is a new version.
    _, before = click(slack, uid("tom"), render.ACTION_CORRECT, str(first))
    view = opened_view(slack, before)
    assert "shared smelter template" in str(view["blocks"])  # the form starts from the approved text
    assert submit(slack, uid("tom"), view, summary="Round of updates (corrected).", actions="") == {}
    second = eventually(session_factory, lambda s: call_minutes(s).id if call_minutes(s).version == 2 else None)
    with session_factory() as session:
        old, new = session.get(Minutes, first), session.get(Minutes, second)
        assert old is not None and new is not None
        assert old.status == MinutesStatus.APPROVED and (old.summary or "").startswith("Round of updates.")
        assert new.status == MinutesStatus.DRAFT and new.supersedes_id == first
        deadline = session.scalar(select(Deadline).where(Deadline.title == "share the smelter list template"))
        assert deadline is not None and deadline.status == DeadlineStatus.OPEN  # version 1 still lists it
    click(slack, uid("tom"), render.ACTION_CIRCULATE, str(second))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.CIRCULATED)
    click(slack, uid("sanne"), render.ACTION_APPROVE, str(second))  # the secretariat may approve too
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.APPROVED)
    with session_factory() as session:
        old = session.get(Minutes, first)
        assert old is not None and old.status == MinutesStatus.SUPERSEDED
        deadline = session.scalar(select(Deadline).where(Deadline.title == "share the smelter list template"))
        assert deadline is not None and deadline.status == DeadlineStatus.WAIVED
    shown = reply_text(slack.command("/minutes", "show metals", uid("emma")))
    assert "(corrected)" in shown and "v1" in shown


def test_show_offers_only_the_buttons_the_reader_may_use(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    end_the_call(clock, sweeper, standin)
    write_minutes(slack, session_factory)
    for_tom = reply_text(slack.command("/minutes", "show metals", uid("tom")))
    assert render.ACTION_CIRCULATE in for_tom and "Adopt the shared smelter template" in for_tom
    for_james = reply_text(slack.command("/minutes", "show metals", uid("james")))
    assert render.ACTION_CIRCULATE not in for_james and "smelter" in for_james
    for_pieter = reply_text(slack.command("/minutes", "show metals", uid("pieter")))
    assert "smelter" not in for_pieter  # not his group: he is told he has no such meeting


def test_taking_the_minutes_and_who_may_open_the_form(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    request = end_the_call(clock, sweeper, standin)
    with session_factory() as session:
        minutes_id = str(call_minutes(session).id)
    refused = answer_to(slack, click(slack, uid("james"), render.ACTION_TAKE, minutes_id)[0])
    assert "Tom Whitaker" in refused and "already" in refused  # James may not take over from Tom
    form_refused = answer_to(slack, click(slack, uid("james"), render.ACTION_ADD, minutes_id)[0])
    assert "Only the minute-taker" in form_refused
    taken = answer_to(slack, click(slack, uid("emma"), render.ACTION_TAKE, minutes_id)[0])  # the chair may
    assert "You are taking the minutes" in taken
    update = standin.wait_for("chat.update")[0]
    assert update.args["ts"] == request.response["ts"] and f"<@{uid('emma')}>" in reply_text(update)
    _, before = click(slack, uid("emma"), render.ACTION_ADD, minutes_id)
    assert opened_view(slack, before)["callback_id"] == "minutes_edit"
    listed = reply_text(slack.command("/minutes", "list", uid("emma")))
    assert "Metals due diligence working group — weekly call" in listed and "draft" in listed


def test_a_form_that_opens_too_late_says_so_instead_of_a_generic_apology(
    slack: SlackHarness, clock: ManualClock, sweeper: Sweeper
) -> None:
    """Slack refuses views.open with expired_trigger_id past 3 s: the person is told to try again."""
    end_the_call(clock, sweeper, slack.standin)
    slack.standin.expected_refusals = {"expired_trigger_id"}
    trigger_id, response_url = slack.standin.trigger_id(), slack.standin.response_url()
    issued = slack.standin.workspace.clock
    slack.standin.workspace.clock = lambda: issued() + 10  # the trigger id is 10 s old when it is used
    body = slack_requests.slash_command(
        "/minutes", "add metals", user_id=uid("tom"), response_url=response_url, trigger_id=trigger_id
    )
    assert slack.signed(body, slack_requests.FORM).status == 200
    answer = reply_text(slack.wait_response(response_url))
    [refused] = slack.standin.calls_to("views.open")
    assert refused.response["error"] == "expired_trigger_id"
    assert "could not be opened in time" in answer and "something went wrong on our side" not in answer


def test_a_correction_keeps_the_minute_taker_and_records_who_corrected(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    end_the_call(clock, sweeper, standin)
    first = write_minutes(slack, session_factory)  # Tom takes the minutes
    click(slack, uid("tom"), render.ACTION_CIRCULATE, str(first))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.CIRCULATED)
    click(slack, uid("emma"), render.ACTION_APPROVE, str(first))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.APPROVED)
    _, before = click(slack, uid("sanne"), render.ACTION_CORRECT, str(first))  # the secretariat corrects
    opened_view(slack, before)
    second = eventually(session_factory, lambda s: call_minutes(s).id if call_minutes(s).version == 2 else None)
    with session_factory() as session:
        old, new = session.get(Minutes, first), session.get(Minutes, second)
        assert old is not None and new is not None and old.taker is not None and new.taker is not None
        assert new.taker.slack_user_id == old.taker.slack_user_id == uid("tom")
        corrected = session.scalar(select(AuditEntry).where(AuditEntry.action == "minutes.corrected"))
        assert corrected is not None and corrected.actor == uid("sanne") and corrected.entity_id == second
    shown = reply_text(slack.command("/minutes", "show metals", uid("emma")))
    assert f"Minute-taker: <@{uid('tom')}>" in shown and f"<@{uid('sanne')}>" not in shown.split("Minute-taker")[1]


def _circulated_with_a_change_request(
    slack: SlackHarness, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> int:
    """Tom's minutes of the metals call, circulated, with Ahmed's request for changes posted; their id."""
    end_the_call(clock, sweeper, standin)
    minutes_id = write_minutes(slack, session_factory)
    click(slack, uid("tom"), render.ACTION_CIRCULATE, str(minutes_id))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.CIRCULATED)
    _, before = click(slack, uid("ahmed"), render.ACTION_CHANGES, str(minutes_id))
    assert submit(slack, uid("ahmed"), opened_view(slack, before), comment="Add the grievance questions.") == {}
    standin.wait_until(lambda c: c.method == "chat.postMessage" and "grievance questions" in reply_text(c))
    return minutes_id


def test_approving_with_a_change_request_open_asks_to_confirm_first(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    minutes_id = _circulated_with_a_change_request(slack, clock, sweeper, standin, session_factory)
    warning = slack.wait_response(click(slack, uid("emma"), render.ACTION_APPROVE, str(minutes_id))[0])
    text = reply_text(warning)
    assert f"<@{uid('ahmed')}>" in text and "grievance questions" in text and "not approved yet" in text
    [confirm] = [b for b in json.loads(text[text.index("[") :]) if b.get("type") == "actions"]
    [anyway] = confirm["elements"]
    assert anyway["action_id"] == render.ACTION_APPROVE and anyway["text"]["text"] == "Approve anyway"
    with session_factory() as session:
        assert call_minutes(session).status == MinutesStatus.CIRCULATED  # nothing approved yet
    approved = answer_to(slack, click(slack, uid("emma"), render.ACTION_APPROVE, anyway["value"])[0])
    assert "You approved" in approved
    with session_factory() as session:
        assert call_minutes(session).status == MinutesStatus.APPROVED


def test_a_change_request_answered_by_an_edit_no_longer_holds_up_approval(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    minutes_id = _circulated_with_a_change_request(slack, clock, sweeper, standin, session_factory)
    clock.advance(timedelta(minutes=5))
    write_minutes(slack, session_factory)  # Tom edits the circulated minutes after the request
    saves = select(func.count()).where(AuditEntry.action == "minutes.saved")
    eventually(session_factory, lambda s: s.scalar(saves) == 2)  # the edit is stored before anyone approves
    approved = answer_to(slack, click(slack, uid("emma"), render.ACTION_APPROVE, str(minutes_id))[0])
    assert "You approved" in approved


def test_a_forged_approve_anyway_by_a_member_who_may_not_approve_approves_nothing(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    minutes_id = _circulated_with_a_change_request(slack, clock, sweeper, standin, session_factory)
    # Ahmed (a member, not the chair) sends the value only the approver's Approve anyway button carries.
    refused = answer_to(slack, click(slack, uid("ahmed"), render.ACTION_APPROVE, f"{minutes_id}:confirmed")[0])
    assert "You approved" not in refused and "grievance questions" not in refused, refused
    with session_factory() as session:
        assert call_minutes(session).status == MinutesStatus.CIRCULATED  # 0 writes
        approvals = select(func.count()).where(AuditEntry.action == "minutes.approved")
        assert session.scalar(approvals) == 0
