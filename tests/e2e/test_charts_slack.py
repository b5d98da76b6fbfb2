"""/covenant chart and Show chart through the real app: the picture uploaded with files_upload_v2 into the asker's
DM and shown there with an image block referencing it; public figures unless the asker is the secretariat; failures
(no files:write, the upload or the image message refused) answered clearly with nothing half-posted; forged values."""

from __future__ import annotations

from typing import Any

from bot.slack_standin import StandinSlack
from bot.slack_standin.server import Call
from bot.slack_standin.workspace import dm_id
from tests.support.demo import person
from tests.support.harness import SlackHarness, button_ids, click, reply_text

SANNE, EMMA = person("sanne").slack_user_id, person("emma").slack_user_id  # Sanne runs the wind covenant


def image_posts(standin: StandinSlack, user: str) -> list[Call]:
    return [
        c
        for c in standin.calls_to("chat.postMessage")
        if c.ok
        and standin.workspace.conversation(str(c.args["channel"])) == dm_id(user)
        and any(b.get("type") == "image" for b in c.args.get("blocks") or [])
    ]


def shown_image(standin: StandinSlack, user: str) -> dict[str, Any]:
    standin.wait_until(lambda c: c.method == "chat.postMessage" and "'image'" in str(c.args.get("blocks")))
    [post] = image_posts(standin, user)
    [block] = [b for b in post.args["blocks"] if b["type"] == "image"]
    return dict(block)


def test_the_secretariat_gets_the_plan_chart_as_a_picture_in_its_dm(slack: SlackHarness) -> None:
    answer = reply_text(slack.command("/covenant", "grafiek wind plannen", SANNE))
    assert "staat in je DM" in answer
    standin = slack.standin
    [asked] = standin.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"].startswith("chart-hernieuwbare-energie-plans-")
    [done] = standin.wait_for("files.completeUploadExternal")
    assert done.args["channel_id"] == dm_id(SANNE)
    image = shown_image(standin, SANNE)
    file_id = asked.response["file_id"]
    assert image["slack_file"] == {"id": file_id}
    assert standin.file_bytes(file_id)[:8] == b"\x89PNG\r\n\x1a\n"
    assert standin.files[file_id]["shared_in"] == {dm_id(SANNE)}  # nobody else can see it
    # The secretariat's view, in Sanne's language, with the figures: 4 plans, 2 handed in (the status says so too).
    alt = image["alt_text"]
    assert "ingeleverd:" in alt and "verwacht:" in alt and "secretariaat" in alt
    assert "ingeleverd: 11 okt 2026 1, 18 okt 2026 1, 25 okt 2026 2," in alt
    assert "29 nov 2026 2, 6 dec 2026 n.v.t." in alt  # handed in: counted up to this week, not into the future
    assert "Convenant Hernieuwbare Energie" in alt


def test_outside_the_secretariat_a_cycle_of_four_plans_is_not_charted(slack: SlackHarness) -> None:
    answer = reply_text(slack.command("/covenant", "chart wind plans", EMMA))
    assert "fewer than 5 companies are not shown" in answer
    assert slack.standin.calls_to("files.getUploadURLExternal") == []


def test_anyone_gets_the_public_participants_chart_in_english(slack: SlackHarness) -> None:
    answer = reply_text(slack.command("/covenant", "chart wind participants", EMMA))
    assert "is in your DM" in answer
    alt = shown_image(slack.standin, EMMA)["alt_text"]
    assert alt.startswith("Participants over time — Renewable Energy Agreement")
    assert "participants: " in alt and "Public figures" in alt


def test_the_status_and_the_secretariats_home_carry_show_chart(slack: SlackHarness) -> None:
    status = slack.command("/covenant", "status wind", EMMA)
    assert "show_chart" in button_ids(status.args["blocks"])
    url = click(slack, status, "show_chart", EMMA)
    # The button asks for plans; Emma is no secretariat, so she gets the public answer: nothing to chart.
    assert "fewer than 5 companies" in reply_text(slack.wait_response(url))
    assert slack.standin.calls_to("files.getUploadURLExternal") == []
    slack.event({"type": "app_home_opened", "user": SANNE, "tab": "home", "channel": "DHOME00001"})
    home = slack.standin.wait_for("views.publish")[0]
    assert "show_chart" in button_ids(home.args["view"]["blocks"])
    click(slack, home, "show_chart", SANNE)
    assert shown_image(slack.standin, SANNE)["slack_file"]["id"] in slack.standin.files


def test_without_files_write_the_asker_is_told_and_nothing_is_posted(slack: SlackHarness) -> None:
    standin = slack.standin
    standin.scopes.discard("files:write")
    standin.expected_refusals.add("missing_scope")
    answer = reply_text(slack.command("/covenant", "grafiek wind deelnemers", SANNE))
    assert "De grafiek kon niet worden verstuurd" in answer and "Er is niets geplaatst" in answer
    assert image_posts(standin, SANNE) == []
    assert not any(known["completed"] for known in standin.files.values())


def test_a_refused_image_message_takes_the_file_away_again(slack: SlackHarness) -> None:
    standin = slack.standin

    def refuse_images(method: str, args: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        if method == "chat.postMessage" and "image" in str(args.get("blocks")):
            return 200, {}, {"ok": False, "error": "fatal_error"}
        return None

    standin.fault = refuse_images
    answer = reply_text(slack.command("/covenant", "chart wind participants", EMMA))
    assert "could not be sent" in answer and "Nothing was posted" in answer
    [deleted] = standin.wait_for("files.delete")
    assert deleted.ok
    assert standin.messages.get(dm_id(EMMA), []) == []


def test_forged_button_values_get_what_the_presser_may_see(slack: SlackHarness) -> None:
    status = slack.command("/covenant", "status wind", EMMA)
    # Emma forges the secretariat's chart: she gets the public outcome chart's answer, no secretariat figures.
    url = click(slack, status, "show_chart", EMMA, value="chart:wind:outcomes")
    slack.wait_response(url)
    for post in image_posts(slack.standin, EMMA):
        assert "Secretariat view" not in str(post.args)
    # Nonsense values: a usage answer, nothing uploaded.
    before = len(slack.standin.calls_to("files.getUploadURLExternal"))
    for forged in ("chart:wind:everything", "chart::plans", "x" * 300, "chart:no-such-covenant:plans"):
        url = click(slack, status, "show_chart", EMMA, value=forged)
        assert reply_text(slack.wait_response(url))
    assert len(slack.standin.calls_to("files.getUploadURLExternal")) == before
