"""Covenant names as people type them: slugs, Dutch/English names, aliases and misspellings."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.services.covenants import covenants
from bot.services.errors import UsageError


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("textiel", "textiel"),
        ("kleding", "textiel"),
        ("textile", "textiel"),
        ("garments", "textiel"),
        ("Textil", "textiel"),
        ("textielconvenant", "textiel"),
        ("Convenant Duurzame Kleding en Textiel", "textiel"),
        ("metaal", "metaal"),
        ("metals", "metaal"),
        ("Metalen", "metaal"),
        ("metaalsector", "metaal"),
        ("goud", "goud"),
        ("gold", "goud"),
        ("banken", "banken"),
        ("banking", "banken"),
        ("wind", "hernieuwbare-energie"),
        ("hernieuwbare energie", "hernieuwbare-energie"),
        ("Renewable Energy Agreement", "hernieuwbare-energie"),
        ("pensioenfondsen", "pensioenfondsen"),
        ("pension funds", "pensioenfondsen"),
        ("natuursteen", "natuursteen"),
        ("trustone", "natuursteen"),
        ("bosbouw", "bosbouw"),
        ("forestry", "bosbouw"),
        ("verzekeraars", "verzekeraars"),
        ("insurance", "verzekeraars"),
        ("voedingsmiddelen", "voedingsmiddelen"),
        ("sierteelt", "sierteelt"),
        ("floriculture", "sierteelt"),
        ("klimaatakkoord", "klimaatakkoord"),
    ],
)
def test_names_people_use_find_the_covenant(session_factory: SessionFactory, typed: str, slug: str) -> None:
    with session_factory() as session:
        assert covenants.resolve(session, typed).slug == slug


@pytest.mark.parametrize("typed", ["ruimtevaart", "xyz", "zzzzzzzz"])
def test_unknown_names_raise_a_usage_error(session_factory: SessionFactory, typed: str) -> None:
    with session_factory() as session, pytest.raises(UsageError) as error:
        covenants.resolve(session, typed)
    assert error.value.key == "covenant.unknown"


def test_status_counts_current_participants_and_leavers(session_factory: SessionFactory) -> None:
    from datetime import date

    with session_factory() as session:
        _check_status(session, date(2026, 11, 23))


def _check_status(session: Session, today: object) -> None:
    from datetime import date

    assert isinstance(today, date)
    status = covenants.status(session, covenants.resolve(session, "textiel"), today)
    assert status.companies == 0 and status.left == 2
    energy = covenants.status(session, covenants.resolve(session, "hernieuwbare-energie"), today)
    assert energy.companies >= 4
    assert any(fact.uncertain for fact in covenants.resolve(session, "banken").facts)
