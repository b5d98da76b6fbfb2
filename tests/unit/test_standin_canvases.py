"""The stand-in's channel canvases refuse what Slack refuses, with Slack's error codes."""

from __future__ import annotations

from typing import Any

from bot.slack_standin.canvases import Canvases
from bot.slack_standin.workspace import Workspace


def _canvases() -> Canvases:
    workspace = Workspace("UBOT")
    workspace.add_channel("CIN", "in", members={"UBOT"})
    workspace.add_channel("COUT", "out")
    return Canvases(workspace)


def _md(text: str) -> dict[str, Any]:
    return {"type": "markdown", "markdown": text}


def test_one_canvas_per_channel_and_the_bot_must_be_in_it() -> None:
    canvases = _canvases()
    assert canvases.create({"channel_id": "CIN", "document_content": _md("# A\none\n## B\ntwo")})["ok"]
    assert canvases.create({"channel_id": "CIN"})["error"] == "channel_canvas_already_exists"
    assert canvases.create({"channel_id": "COUT"})["error"] == "not_in_channel"
    assert canvases.create({"channel_id": "CNONE"})["error"] == "channel_not_found"
    assert canvases.create({"channel_id": "CIN", "document_content": {"type": "html"}})["error"] == "invalid_arguments"


def test_sections_are_looked_up_replaced_and_deleted_by_id() -> None:
    canvases = _canvases()
    canvas_id = canvases.create({"channel_id": "CIN", "document_content": _md("# Title\n## Alpha\na\n## Beta\nb")})[
        "canvas_id"
    ]
    found = canvases.lookup({"canvas_id": canvas_id, "criteria": {"section_types": ["h2"], "contains_text": "beta"}})
    assert found["ok"] and len(found["sections"]) == 1
    beta = found["sections"][0]["id"]
    assert beta.startswith("temp:C:")
    replaced = canvases.edit(
        {
            "canvas_id": canvas_id,
            "changes": [{"operation": "replace", "section_id": beta, "document_content": _md("## Beta\nnew")}],
        }
    )
    assert replaced["ok"]
    assert canvases.markdown("CIN") == "# Title\n## Alpha\na\n## Beta\nnew"
    assert beta not in str(canvases.of_channel("CIN"))  # a replaced section is a new one: look it up again
    beta = canvases.lookup({"canvas_id": canvas_id, "criteria": {"contains_text": "new"}})["sections"][0]["id"]
    gone = canvases.edit({"canvas_id": canvas_id, "changes": [{"operation": "delete", "section_id": beta}]})
    assert gone["ok"] and "Beta" not in (canvases.markdown("CIN") or "")
    again = canvases.edit({"canvas_id": canvas_id, "changes": [{"operation": "delete", "section_id": beta}]})
    assert again["error"] == "canvas_editing_failed"


def test_edit_refuses_bad_shapes_unknown_canvases_two_changes_and_a_plan_without_canvases() -> None:
    canvases = _canvases()
    canvas_id = canvases.create({"channel_id": "CIN", "document_content": _md("# T")})["canvas_id"]
    end = {"operation": "insert_at_end", "document_content": _md("## X")}
    assert canvases.edit({"canvas_id": "FNOPE", "changes": [end]})["error"] == "canvas_not_found"
    assert canvases.edit({"canvas_id": canvas_id, "changes": [end, end]})["error"] == "invalid_arguments"
    assert canvases.edit({"canvas_id": canvas_id, "changes": [{"operation": "move"}]})["error"] == "invalid_arguments"
    assert canvases.edit({"canvas_id": canvas_id, "changes": [{"operation": "delete"}]})["error"] == "invalid_arguments"
    assert (
        canvases.lookup({"canvas_id": canvas_id, "criteria": {"section_types": ["h9"]}})["error"] == "invalid_arguments"
    )
    canvases.enabled = False
    assert canvases.edit({"canvas_id": canvas_id, "changes": [end]})["error"] == "canvas_disabled_user_team"
    assert canvases.create({"channel_id": "CIN"})["error"] == "team_tier_cannot_create_channel_canvases"
