"""/minutes export: a Markdown file uploaded to the user's DM through files_upload_v2."""

from __future__ import annotations

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import MinutesStatus
from bot.delivery import Sweeper
from bot.render import minutes as render
from bot.slack_standin import StandinSlack
from tests.support.harness import SlackHarness, reply_text
from tests.support.minutes import call_minutes, click, end_the_call, eventually, uid, write_minutes


def test_export_uploads_the_whole_minutes_as_markdown_to_the_users_dm(
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
    click(slack, uid("emma"), render.ACTION_APPROVE, str(minutes_id))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.APPROVED)
    answer = reply_text(slack.command("/minutes", "export metals 25-11-2026", uid("james")))
    assert "Markdown file" in answer
    [asked] = standin.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"] == "minutes-metals-due-diligence-working-group-weekly-call-2026-11-25-v1.md"
    [done] = standin.calls_to("files.completeUploadExternal")
    assert done.args["channel_id"] == standin.calls_to("conversations.open")[-1].response["channel"]["id"]
    assert standin.calls_to("conversations.open")[-1].args["users"] == uid("james")
    content = standin.file_text(asked.response["file_id"])
    assert content.startswith("# Minutes: Metals due diligence working group — weekly call\n")
    for expected in (
        "**Approved by:** Emma Clarke (demo)",
        "**Minute-taker:** Tom Whitaker (demo)",
        "1. Adopt the shared smelter template.",
        "- **Emma Clarke (demo)** — share the smelter list template — due 2 December 2026",
        "25 Nov 2026 09:30 CET",
    ):
        assert expected in content, expected


def test_export_of_minutes_someone_may_not_see_uploads_nothing(
    slack: SlackHarness, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack
) -> None:
    end_the_call(clock, sweeper, standin)
    answer = reply_text(slack.command("/minutes", "export metals", uid("pieter")))
    assert "ken geen vergadering" in answer  # Pieter's groups have no such meeting
    assert standin.calls_to("files.getUploadURLExternal") == []
