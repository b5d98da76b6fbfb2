"""The charter pieces that need no Slack: when an update falls due, the commitment words, the question rules."""

from __future__ import annotations

from datetime import date

from bot.commands import intents
from bot.commands.charter import KIND_WORDS
from bot.db.enums import CommitmentKind
from bot.services.charters.signatories import anniversary, first_update_due
from bot.services.covenants.vocabulary import Entities, words


def test_the_first_update_is_due_on_the_first_anniversary_after_today() -> None:
    assert first_update_due(date(2026, 12, 5), date(2026, 12, 5)) == date(2027, 12, 5)
    assert first_update_due(date(2025, 12, 5), date(2026, 11, 23)) == date(2026, 12, 5)
    assert first_update_due(date(2025, 3, 1), date(2026, 11, 23)) == date(2027, 3, 1)
    assert first_update_due(date(2020, 6, 1), date(2026, 6, 1)) == date(2027, 6, 1)


def test_a_leap_day_signing_is_remembered_on_28_february() -> None:
    assert anniversary(date(2024, 2, 29), 2027) == date(2027, 2, 28)
    assert anniversary(date(2024, 2, 29), 2028) == date(2028, 2, 29)


def test_every_kind_of_commitment_has_a_dutch_and_an_english_word() -> None:
    assert set(KIND_WORDS.values()) == set(CommitmentKind)
    for english, dutch, kind in (
        ("internships", "stages", CommitmentKind.INTERNSHIPS),
        ("hiring", "werving", CommitmentKind.HIRING),
        ("free_services", "diensten", CommitmentKind.FREE_SERVICES),
        ("other", "overig", CommitmentKind.OTHER),
    ):
        assert KIND_WORDS[english] == KIND_WORDS[dutch] == kind


def test_what_an_organisation_committed_to_is_its_own_intent() -> None:
    organisation = Entities(organisation_id=7)
    assert intents.detect(words("what did Atelier commit to?"), organisation).kind == intents.COMMITTED
    assert intents.detect(words("wat heeft Atelier toegezegd?"), organisation).kind == intents.COMMITTED
    assert intents.detect(words("wat zijn mijn toezeggingen?"), Entities()).kind == intents.COMMITTED
    # Who signed a charter stays the participants' question (answered with the signatories for a charter).
    charter = Entities(covenant_id=3)
    assert intents.detect(words("wie heeft het charter ondertekend?"), charter).kind == intents.COMPANIES
