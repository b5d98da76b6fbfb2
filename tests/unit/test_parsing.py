"""Reading what people type: mentions in both forms, dates, names without quotes; and the progress bar."""

from __future__ import annotations

from datetime import date

import pytest

from bot.parsing.text import parse_date, split_command, split_two, take_user
from bot.render.sections import progress_bar
from bot.services.covenants.vocabulary import words
from bot.services.errors import UsageError

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "user", "name", "rest"),
    [
        ("<@U012ABCDEF|pieter> Windkracht contact", "U012ABCDEF", "pieter", "Windkracht contact"),
        ("<@U012ABCDEF> Windkracht", "U012ABCDEF", None, "Windkracht"),
        ("Windkracht <@W012ABCDEF|Pieter Bakker> contact", "W012ABCDEF", "Pieter Bakker", "Windkracht contact"),
        ("U012ABCDEF Windkracht", "U012ABCDEF", None, "Windkracht"),
    ],
)
def test_users_are_read_in_every_form_slack_sends(text: str, user: str, name: str | None, rest: str) -> None:
    assert take_user(text) == (user, name, rest)


def test_no_user_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as error:
        take_user("Windkracht contact")
    assert error.value.key == "admin.link.no_user"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("2026-11-01", date(2026, 11, 1)),
        ("1-11-2026", date(2026, 11, 1)),
        ("01/11/2026", date(2026, 11, 1)),
        ("vandaag", TODAY),
        ("yesterday", date(2026, 11, 22)),
        ("metaal", None),
        ("2026", None),
    ],
)
def test_dates(word: str, expected: date | None) -> None:
    assert parse_date(word, TODAY) == expected


def test_an_impossible_date_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        parse_date("2026-02-30", TODAY)


def test_split_command_unescapes_what_slack_escaped() -> None:
    command = split_command('add-org "Wind &amp; Zon BV" company')
    assert command.sub == "add-org" and command.args == ["Wind & Zon BV", "company"]


def test_split_two_takes_the_fewest_trailing_words_that_fit() -> None:
    known_first = {"windkracht energie bv", "windkracht"}
    known_second = {"hernieuwbare energie", "metaal"}

    def first(name: str) -> str:
        if name.lower() not in known_first:
            raise UsageError("organisation.unknown", name=name)
        return name

    def second(name: str) -> str:
        if name.lower() not in known_second:
            raise UsageError("covenant.unknown", name=name)
        return name

    assert split_two(["Windkracht", "Energie", "BV", "metaal"], first, second) == ("Windkracht Energie BV", "metaal")
    assert split_two(["Windkracht", "hernieuwbare", "energie"], first, second) == ("Windkracht", "hernieuwbare energie")
    with pytest.raises(UsageError) as error:
        split_two(["Nergens", "metaal"], first, second)
    assert error.value.key == "organisation.unknown"


def test_progress_bar() -> None:
    assert progress_bar(3, 4) == "`████████░░` 75%"
    assert progress_bar(0, 0) == "`░░░░░░░░░░` 0%"
    assert progress_bar(2000, 2000) == "`██████████` 100%"


def test_question_words_split_covenant_compounds() -> None:
    assert words("Wat is de status van het Textielconvenant?") == [
        "wat",
        "is",
        "de",
        "status",
        "van",
        "het",
        "textiel",
        "convenant",
    ]
