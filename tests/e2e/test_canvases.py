"""Working groups' channel canvases kept by the bot, through the real app and the strict stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineStatus, MinutesStatus
from bot.db.models import ChannelCanvas, Deadline, Meeting, Organisation
from bot.delivery import Sweeper
from bot.render import minutes as render
from bot.slack_standin import StandinSlack
from tests.support.harness import SlackHarness
from tests.support.minutes import (
    METALS_CHANNEL,
    call_minutes,
    click,
    end_the_call,
    eventually,
    opened_view,
    submit,
    uid,
    write_minutes,
)


def _approve(slack: SlackHarness, session_factory: SessionFactory, minutes_id: int, approver: str = "emma") -> None:
    click(slack, uid("tom"), render.ACTION_CIRCULATE, str(minutes_id))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.CIRCULATED)
    click(slack, uid(approver), render.ACTION_APPROVE, str(minutes_id))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.APPROVED)


def _canvas(standin: StandinSlack, timeout: float = 5.0, containing: str = "") -> str:
    standin.wait_until(
        lambda c: c.method in ("canvases.edit", "conversations.canvases.create") and c.ok and containing in str(c.args),
        timeout=timeout,
    )
    markdown = standin.canvases.markdown(METALS_CHANNEL)
    assert markdown is not None
    return markdown


def test_approval_creates_the_canvas_once_and_a_correction_replaces_its_sections(
    slack: SlackHarness, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    end_the_call(clock, sweeper, standin)
    first = write_minutes(slack, session_factory)
    _approve(slack, session_factory, first)
    markdown = _canvas(standin)
    assert "## Latest approved minutes" in markdown and "Round of updates." in markdown
    assert "share the smelter list template" in markdown  # an open action item, with its owner
    assert len(standin.calls_to("conversations.canvases.create")) == 1
    _, before = click(slack, uid("tom"), render.ACTION_CORRECT, str(first))
    view = opened_view(slack, before)
    assert submit(slack, uid("tom"), view, summary="Round of updates (corrected).", actions="") == {}
    second = eventually(session_factory, lambda s: call_minutes(s).id if call_minutes(s).version == 2 else None)
    _approve(slack, session_factory, second, approver="sanne")
    # The four sections are written one edit each, after the reply: wait for the last one.
    eventually(session_factory, lambda s: "superseded" in (standin.canvases.markdown(METALS_CHANNEL) or ""))
    eventually(session_factory, lambda s: "smelter list" not in (standin.canvases.markdown(METALS_CHANNEL) or ""))
    markdown = standin.canvases.markdown(METALS_CHANNEL) or ""
    assert len(standin.calls_to("conversations.canvases.create")) == 1  # edited in place
    for header in ("Latest approved minutes", "Earlier versions", "Decisions register", "Open action items"):
        assert markdown.count(f"## {header}") == 1, markdown  # replaced, not duplicated
    assert "superseded" in markdown  # version 1 is listed as an earlier version
    assert "share the smelter list template" not in markdown.split("## Open action items")[1]  # waived


def test_an_existing_channel_canvas_is_found_and_used(
    slack: SlackHarness, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    made = standin.canvases.create(
        {"channel_id": METALS_CHANNEL, "document_content": {"type": "markdown", "markdown": "# Notes\nby hand"}}
    )
    assert made["ok"]
    standin.expected_refusals.add("channel_canvas_already_exists")
    end_the_call(clock, sweeper, standin)
    _approve(slack, session_factory, write_minutes(slack, session_factory))
    eventually(session_factory, lambda s: "Open action items" in (standin.canvases.markdown(METALS_CHANNEL) or ""))
    markdown = standin.canvases.markdown(METALS_CHANNEL) or ""
    assert markdown.startswith("# Notes\nby hand") and "Round of updates." in markdown
    assert standin.canvases.of_channel(METALS_CHANNEL).id == made["canvas_id"]  # type: ignore[union-attr]


def test_a_failing_edit_is_retried_by_the_sweep(
    slack: SlackHarness, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    end_the_call(clock, sweeper, standin)
    failing = {"on": True}

    def fault(method: str, args: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        if failing["on"] and method == "conversations.canvases.create":
            return 500, {}, {"ok": False, "error": "internal_error"}
        return None

    standin.fault = fault
    _approve(slack, session_factory, write_minutes(slack, session_factory))
    standin.wait_for("conversations.canvases.create")
    eventually(session_factory, lambda s: (row := s.get(ChannelCanvas, METALS_CHANNEL)) is not None and row.attempts)
    assert standin.canvases.markdown(METALS_CHANNEL) is None
    failing["on"] = False
    clock.advance(timedelta(minutes=5))
    sweeper.run_once()
    assert "Round of updates." in (standin.canvases.markdown(METALS_CHANNEL) or "")


def test_without_the_scope_or_on_a_plan_without_canvases_the_secretariat_is_told_once(
    slack: SlackHarness, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    standin.scopes.discard("canvases:write")
    standin.expected_refusals.add("missing_scope")
    end_the_call(clock, sweeper, standin)
    first = write_minutes(slack, session_factory)
    _approve(slack, session_factory, first)  # the approval succeeds all the same
    told = standin.wait_until(lambda c: c.method == "chat.postMessage" and "canvases:write" in str(c.args))
    assert len(told) == 1 and standin.canvases.markdown(METALS_CHANNEL) is None
    sweeper.run_once()
    assert len([c for c in standin.calls_to("chat.postMessage") if "canvases:write" in str(c.args)]) == 1


def test_assessment_minutes_never_reach_a_group_canvas(
    slack: SlackHarness, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    end_the_call(clock, sweeper, standin)
    minutes_id = write_minutes(slack, session_factory)
    click(slack, uid("tom"), render.ACTION_CIRCULATE, str(minutes_id))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.CIRCULATED)
    with session_factory() as session:
        minutes = call_minutes(session)
        minutes.summary = "PLANTED-ASSESSMENT-MARKER: the company's plan lags."
        meeting = session.get(Meeting, minutes.meeting_id)
        assert meeting is not None
        meeting.organisation_id = session.scalar(select(Organisation.id).order_by(Organisation.id))
        session.commit()  # now an assessment meeting about one company, held in the group's channel
    click(slack, uid("sanne"), render.ACTION_APPROVE, str(minutes_id))  # the secretariat approves it
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.APPROVED)
    eventually(session_factory, lambda s: "Open action items" in (standin.canvases.markdown(METALS_CHANNEL) or ""))
    clock.advance(timedelta(minutes=5))
    sweeper.run_once()
    markdown = standin.canvases.markdown(METALS_CHANNEL) or ""
    assert "PLANTED-ASSESSMENT-MARKER" not in markdown and "smelter" not in markdown
    assert "No approved minutes yet." in markdown
    edits = standin.calls_to("canvases.edit", "conversations.canvases.create")
    assert edits and not any("PLANTED-ASSESSMENT-MARKER" in str(call.args) for call in edits)


def test_a_plan_without_canvases_is_told_once_and_approval_goes_on(
    slack: SlackHarness, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    standin.canvases.enabled = False
    standin.expected_refusals.add("team_tier_cannot_create_channel_canvases")
    end_the_call(clock, sweeper, standin)
    _approve(slack, session_factory, write_minutes(slack, session_factory))
    told = standin.wait_until(lambda c: c.method == "chat.postMessage" and "kanaalcanvassen" in str(c.args.get("text")))
    assert len(told) == 1 and "abonnement" in str(told[0].args["text"])  # the metals covenant reads Dutch
    sweeper.run_once()
    clock.advance(timedelta(minutes=5))
    sweeper.run_once()
    notices = [c for c in standin.calls_to("chat.postMessage") if "channel canvases" in str(c.args.get("text"))]
    notices += [c for c in standin.calls_to("chat.postMessage") if "kanaalcanvassen" in str(c.args.get("text"))]
    assert len(notices) == 1
    assert len(standin.calls_to("conversations.canvases.create")) == 1  # dropped until something changes


def test_an_action_item_done_updates_the_canvas_at_the_next_sweep(
    slack: SlackHarness, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    end_the_call(clock, sweeper, standin)
    _approve(slack, session_factory, write_minutes(slack, session_factory))
    eventually(session_factory, lambda s: "smelter list" in (standin.canvases.markdown(METALS_CHANNEL) or ""))
    eventually(session_factory, lambda s: s.get(ChannelCanvas, METALS_CHANNEL).owed_since is None)  # type: ignore[union-attr]
    with session_factory() as session:
        deadline = session.scalar(select(Deadline).where(Deadline.title == "share the smelter list template"))
        assert deadline is not None
        deadline.status = DeadlineStatus.DONE
        session.commit()
    sweeper.run_once()
    open_items = (standin.canvases.markdown(METALS_CHANNEL) or "").split("## Open action items")[1]
    assert "smelter list" not in open_items and "No open action items." in open_items


def test_the_secretariat_channel_gets_a_dashboard_updated_daily_and_when_a_measurement_is_entered(
    clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    from bot.db.models import Covenant, Target
    from bot.services.covenants import targets

    with session_factory() as session:
        covenant = session.scalar(
            select(Covenant).where(Covenant.secretariat_channel.is_not(None)).order_by(Covenant.id)
        )
        assert covenant is not None and covenant.secretariat_channel
        channel = covenant.secretariat_channel
        target = Target(
            covenant_id=covenant.id,
            key="living-wage",
            name_nl="Leefbaar loon",
            name_en="Living wage",
            unit="percent",
            target_value=80,
            public=False,
        )
        session.add(target)
        session.flush()
        targets.record(session, target, 41, clock.now().date(), None, clock.now())
        session.commit()
    assert sweeper.keep_dashboards() >= 1
    markdown = standin.canvases.markdown(channel) or ""
    assert "Leefbaar loon" in markdown or "Living wage" in markdown
    assert "41%" in markdown and "80%" in markdown
    with session_factory() as session:
        target = session.scalar(select(Target).where(Target.key == "living-wage"))
        assert target is not None
        clock.advance(timedelta(days=1))
        targets.record(session, target, 55, clock.now().date(), None, clock.now())
        session.commit()
    sweeper.run_once()  # the sweep sees the dashboard's figures changed and rewrites its section
    markdown = standin.canvases.markdown(channel) or ""
    assert "55%" in markdown and "↑" in markdown and markdown.count("## ") == 2


def test_a_failing_canvases_edit_keeps_the_update_owed_until_a_sweep_writes_it(
    slack: SlackHarness, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    end_the_call(clock, sweeper, standin)
    first = write_minutes(slack, session_factory)
    _approve(slack, session_factory, first)
    eventually(session_factory, lambda s: "Open action items" in (standin.canvases.markdown(METALS_CHANNEL) or ""))
    eventually(session_factory, lambda s: s.get(ChannelCanvas, METALS_CHANNEL).owed_since is None)  # type: ignore[union-attr]
    failing = {"on": True}

    def fault(method: str, args: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        if failing["on"] and method == "canvases.edit":
            return 200, {}, {"ok": False, "error": "canvas_editing_failed"}
        return None

    standin.fault = fault
    _, before = click(slack, uid("tom"), render.ACTION_CORRECT, str(first))
    assert submit(slack, uid("tom"), opened_view(slack, before), summary="Corrected round.", actions="") == {}
    second = eventually(session_factory, lambda s: call_minutes(s).id if call_minutes(s).version == 2 else None)
    _approve(slack, session_factory, second)
    eventually(session_factory, lambda s: (s.get(ChannelCanvas, METALS_CHANNEL) or ChannelCanvas()).attempts)
    assert "Corrected round." not in (standin.canvases.markdown(METALS_CHANNEL) or "")
    failing["on"] = False
    clock.advance(timedelta(minutes=5))
    sweeper.run_once()
    markdown = standin.canvases.markdown(METALS_CHANNEL) or ""
    assert "Corrected round." in markdown and markdown.count("## Latest approved minutes") == 1


def test_a_measurement_entered_in_slack_brings_the_dashboard_at_the_next_sweep_without_the_daily_job(
    slack: SlackHarness, sweeper: Sweeper, standin: StandinSlack
) -> None:
    assert standin.canvases.markdown("CDEMOSECHE") is None
    slack.command("/covenant", "meet wind grievance-access 60,5% 20-11-2026", uid("sanne"))
    sweeper.run_once()
    markdown = standin.canvases.markdown("CDEMOSECHE") or ""
    assert "60,5%" in markdown or "60.5%" in markdown
