"""A subcommand typed without its arguments answers with its own usage: the example names the command as typed,
so it can be copied (``/plan due`` once answered with an example of ``/covenant company``)."""

from __future__ import annotations

import pytest

from bot.commands import covenant, meeting, meeting_groups, minutes, plan
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text

# Subcommands that answer without arguments (a list, the asker's own data, help) or open a form.
ANSWERED_ALONE = {
    "/plan": {"overdue", "achterstallig"},
    "/covenant": {*covenant.HELP_WORDS, "list", "lijst", "overzicht", "groups", "groepen", "werkgroepen"}
    | {"whoami", "wiebenik", "me", "ik", "contact", "contacts", "contactpersoon", "secretariat", "secretariaat"}
    | {"lang", "language", "taal", "mine", "mijn"}
    | covenant.CONTEXT_WORDS,
    "/meeting": {*meeting.HELP_WORDS, "schedule", "plan", "new", "nieuw", "inplannen"}
    | {"next", "volgende", "list", "lijst", "groups", "groepen"},
    "/minutes": minutes.HELP_WORDS | minutes.ADD_WORDS | minutes.LIST_WORDS,
}
NEEDS_ARGUMENTS = {
    "/plan": ["due", "deadline", "submitted", "ingediend", "assessed", "beoordeeld", "status", "channel", "kanaal"],
    "/covenant": sorted(set(covenant.SUBCOMMANDS) - ANSWERED_ALONE["/covenant"]),
    "/meeting": sorted(set(meeting._SUBCOMMANDS) - ANSWERED_ALONE["/meeting"])
    + [f"group {action}" for action in meeting_groups._ACTIONS]
    + [f"groep {action}" for action in ("toevoegen", "leden", "kanaal", "taal", "toon")],
    "/minutes": sorted(minutes.SHOW_WORDS | minutes.EXPORT_WORDS | minutes.SEARCH_WORDS),
}


def test_every_subcommand_is_checked() -> None:
    plan_words = {"due", "deadline", "submitted", "ingediend", "assessed", "beoordeeld", "overdue"}
    plan_words |= {"achterstallig", "status", "channel", "kanaal"}
    assert set(NEEDS_ARGUMENTS["/plan"]) | ANSWERED_ALONE["/plan"] == plan_words
    assert plan_words == set(plan.SUBCOMMANDS)
    assert set(NEEDS_ARGUMENTS["/covenant"]) | ANSWERED_ALONE["/covenant"] == set(covenant.SUBCOMMANDS)
    assert {w for w in NEEDS_ARGUMENTS["/meeting"] if " " not in w} | ANSWERED_ALONE["/meeting"] >= set(
        meeting._SUBCOMMANDS
    )


CASES = [(command, sub) for command, subs in NEEDS_ARGUMENTS.items() for sub in subs]


@pytest.mark.parametrize(("command", "sub"), CASES, ids=[f"{c} {s}" for c, s in CASES])
def test_a_subcommand_without_arguments_shows_its_own_usage(slack: SlackHarness, command: str, sub: str) -> None:
    # Tom runs the metals secretariat (English Slack locale), so secretariat-only subcommands answer him too.
    text = reply_text(slack.command(command, sub, person("tom").slack_user_id))
    assert f"`{command} {sub} " in text, text
    assert "Traceback" not in text


def test_the_usage_is_in_dutch_for_a_dutch_reader(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/plan", "deadline", person("sanne").slack_user_id))
    assert "Gebruik `/plan deadline <bedrijf> [convenant] [datum]`" in text
    assert "/covenant company" not in text
