"""The minutes flow in the console: thread replies, the form, the shortcut and the export, typed as lines."""

from __future__ import annotations

import io
from pathlib import Path

from bot.entry.console.session import run
from config.settings import Settings


def test_console_collects_replies_saves_the_form_and_prints_the_export(tmp_path: Path) -> None:
    lines = [
        "!reply too early",  # nothing posted in a channel yet
        "!advance 3d",  # the demo's weekly metals call (two days ahead) has ended
        "!as emma",
        "!reply We share the smelter template on Friday.",
        "!edit We share the smelter template on Thursday.",
        "!say #CDEMOWG002 The template is on the drive.",
        "!shortcut",
        "!as tom",
        "/minutes add metals",
        '!submit summary="Round of updates." actions="@Emma — share the template — someday"',
        '!submit summary="Round of updates." actions="@Emma — share the template — in 1 week"',
        "!submit nosuchfield=1",
        "/minutes export metals",
    ]
    out = io.StringIO()
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    assert run(settings, demo=True, as_person="tom", stdin=io.StringIO("\n".join(lines) + "\n"), out=out) == 0
    text = out.getvalue()
    assert "(the bot has not posted in a channel yet)" in text
    assert "--- message in CDEMOWG002 ---" in text and "Metals due diligence working group" in text
    assert "reacted :memo:" in text
    assert "Added to the draft minutes" in text
    assert "We share the smelter template on Thursday." in text  # the form shows the edited reply
    assert "(the form was not accepted) [actions] Line 1" in text
    assert "Saved the minutes" in text
    assert "(the form has no field nosuchfield)" in text
    assert "--- file minutes-metals-due-diligence-working-group-weekly-call-" in text
    assert "- **Emma Clarke (demo)** — share the template — due" in text
    assert "Traceback" not in text


def test_console_prints_the_group_canvas_after_an_approval(tmp_path: Path) -> None:
    lines = [
        "!canvas #CDEMOWG002",  # nothing approved yet: no canvas
        "!advance 3d",
        "!as tom",
        "/minutes add metals",
        '!submit summary="Round of updates." actions="@Emma — share the template — in 1 week"',
        "!click 4",  # Circulate
        "!as emma",
        "!click 6",  # Approve
        "!canvas #CDEMOWG002",
    ]
    out = io.StringIO()
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    assert run(settings, demo=True, as_person="tom", stdin=io.StringIO("\n".join(lines) + "\n"), out=out) == 0
    text = out.getvalue()
    assert "(#CDEMOWG002 has no canvas yet)" in text
    canvas = text.split("# Metals due diligence working group: the record", 1)[1]
    assert "## Latest approved minutes" in canvas and "Round of updates." in canvas
    assert "## Open action items\n- share the template (owner <@UDEMOCOM05>" in canvas
    assert "Traceback" not in text
