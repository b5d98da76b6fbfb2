"""/project's subcommands typed without arguments answer with their own usage, in the reader's language; questions
about projects are understood in Dutch and English."""

from __future__ import annotations

import pytest

from bot.commands import intents, project
from bot.services.covenants.vocabulary import Entities, words
from bot.services.projects.projects import slug_for
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text

ANSWERED_ALONE = {"list", "lijst", "overzicht"}
NEEDS_ARGUMENTS = sorted(set(project.SUBCOMMANDS) - ANSWERED_ALONE)


def test_every_subcommand_is_checked() -> None:
    assert set(NEEDS_ARGUMENTS) | ANSWERED_ALONE == set(project.SUBCOMMANDS)


@pytest.mark.parametrize("sub", NEEDS_ARGUMENTS)
def test_a_subcommand_without_arguments_shows_its_own_usage(slack: SlackHarness, sub: str) -> None:
    text = reply_text(slack.command("/project", sub, person("tom").slack_user_id))
    assert f"`/project {sub} " in text, text
    assert "Traceback" not in text


def test_the_usage_is_in_dutch_for_a_dutch_reader(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/project", "mijlpaal", person("sanne").slack_user_id))
    assert "Gebruik `/project mijlpaal <project> <titel> <datum> [eigenaar <organisatie>] [notitie <tekst>]`" in text


def test_list_without_a_covenant_lists_every_project(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/project", "list", person("tom").slack_user_id))
    assert "Collective projects" in text and "Mining region Andes (demo)" in text


@pytest.mark.parametrize(
    "question",
    [
        "which projects does the metal covenant run?",
        "welke projecten heeft het metaalconvenant?",
        "hoe staat het project mijnregio andes?",
        "how is the project going?",
    ],
)
def test_project_questions_are_understood(question: str) -> None:
    assert intents.detect(words(question), Entities(None, None, None)).kind == intents.PROJECTS


def test_a_project_name_becomes_a_slug() -> None:
    assert slug_for("Leefbaar loon in de textielketen") == "leefbaar-loon-in-de-textielketen"
    assert slug_for("Mijnregio Área (demo)") == "mijnregio-area-demo"
    assert slug_for("!!!") == ""
