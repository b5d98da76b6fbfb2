"""``/covenant context``: the law around the covenants as public facts (issue 18, part 5), from data, in both
languages, through signed requests, questions and the console; what may still change is marked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.commands.intents import LEGAL, STATUS, detect
from bot.db.engine import SessionFactory
from bot.entry.console.session import run
from bot.services.covenants import legal_context
from bot.services.covenants.vocabulary import Vocabulary, words
from bot.slack_standin import Call
from config.settings import Settings
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text

EMMA = person("emma").slack_user_id  # English Slack locale, no role
SANNE = person("sanne").slack_user_id  # Dutch, secretariat

ENGLISH_FACTS = (
    "Directive (EU) 2024/1760",
    "Directive (EU) 2025/794",
    "26 July 2027",
    "Omnibus I agreement",
    "more than 5,000 employees and €1.5 billion turnover",
    "transposition by 26 July 2028, application from July 2029",
    "Parliamentary paper 35761",
    "still pending",
)
DUTCH_FACTS = (
    "Richtlijn (EU) 2024/1760",
    "Richtlijn (EU) 2025/794",
    "Omnibus I-akkoord",
    "meer dan 5.000 werknemers en € 1,5 miljard omzet",
    "omzetting uiterlijk 26 juli 2028, toepassing vanaf juli 2029",
    "Kamerstuk 35761",
    "nog in behandeling",
)


def _section_of(call: Call, reference: str) -> str:
    """The text of the one section block that names ``reference``."""
    (found,) = [
        block["text"]["text"]
        for block in call.args["blocks"]
        if block["type"] == "section" and reference in block["text"]["text"]
    ]
    return str(found)


def _ask(slack: SlackHarness, user: str, text: str) -> str:
    slack.standin.reset()
    slack.event({"type": "app_mention", "user": user, "text": f"<@UBOTCOVENANT> {text}", "channel": "C1", "ts": "1"})
    return reply_text(slack.standin.wait_for("chat.postEphemeral")[0])


def test_context_in_english_gives_each_law_and_marks_what_may_change(slack: SlackHarness) -> None:
    call = slack.command("/covenant", "context", EMMA)
    text = reply_text(call)
    assert "The legal context: due diligence law" in text
    for fact in ENGLISH_FACTS:
        assert fact in text, fact
    assert "_(may change)_" in _section_of(call, "Directive (EU) 2024/1760")
    assert "_(may change)_" in _section_of(call, "agreement of December 2025")
    assert "_(may change)_" in _section_of(call, "Parliamentary paper 35761")
    assert "may change" not in _section_of(call, "Directive (EU) 2025/794")  # adopted and in force
    assert "As checked on 1 December 2026." in text and "not legal advice" in text


def test_context_in_dutch_and_by_its_dutch_word(slack: SlackHarness) -> None:
    for word in ("context", "wetgeving"):
        call = slack.command("/covenant", word, SANNE)
        text = reply_text(call)
        assert "De wetgeving: gepaste zorgvuldigheid" in text
        for fact in DUTCH_FACTS:
            assert fact in text, fact
        assert "_(kan nog veranderen)_" in _section_of(call, "Kamerstuk 35761")
        assert "Stand van 1 december 2026." in text and "geen juridisch advies" in text
        assert "Directive (EU)" not in text


def test_context_with_words_after_it_shows_its_usage(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "context textiel", EMMA))
    assert "`/covenant context` needs nothing after it" in text
    assert "2024/1760" not in text
    dutch = reply_text(slack.command("/covenant", "wetgeving nu", SANNE))
    assert "Achter `/covenant wetgeving` hoeft niets" in dutch


@pytest.mark.parametrize(("user", "line"), [(EMMA, "/covenant context`* — the legal context"), (SANNE, "de wetgeving")])
def test_help_mentions_the_context(slack: SlackHarness, user: str, line: str) -> None:
    text = reply_text(slack.command("/covenant", "help", user))
    assert line in text


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("what is the CSDDD?", "The legal context: due diligence law"),
        ("which law applies to due diligence?", "The legal context: due diligence law"),
        ("wat is de stand van de wetgeving?", "De wetgeving: gepaste zorgvuldigheid"),
        ("wat is de IMVO-wet?", "De wetgeving: gepaste zorgvuldigheid"),
        ("wetgeving in Nederland?", "De wetgeving: gepaste zorgvuldigheid"),
        ("hoe staat het met het initiatiefwetsvoorstel 35761?", "De wetgeving: gepaste zorgvuldigheid"),
    ],
)
def test_questions_about_the_law_get_the_context_in_their_language(
    slack: SlackHarness, question: str, title: str
) -> None:
    # Emma's Slack locale is English: a Dutch question is still answered in Dutch.
    text = _ask(slack, EMMA, question)
    assert title in text and "35761" in text


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("what is the CSDDD?", LEGAL),
        ("wat is de stand van de wetgeving?", LEGAL),
        ("wat is de IMVO-wet?", LEGAL),
        ("what does the omnibus change?", LEGAL),
        # Other questions keep their route.
        ("wat is de status van het textielconvenant?", STATUS),
        ("wat is de stand van het metaalconvenant?", STATUS),
    ],
)
def test_the_question_route(session_factory: SessionFactory, question: str, intent: str) -> None:
    with session_factory() as session:
        assert _detected(session, question) == intent


def _detected(session: Session, question: str) -> str:
    return detect(words(question), Vocabulary.load(session).find(question)).kind


def test_the_console_shows_the_context(tmp_path: Path) -> None:
    out = io.StringIO()
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    assert run(settings, demo=True, as_person="emma", stdin=io.StringIO("/covenant context\n"), out=out) == 0
    assert "Directive (EU) 2024/1760" in out.getvalue() and "may change" in out.getvalue()


def test_the_shipped_facts_are_data_with_a_flag_each() -> None:
    shipped = legal_context.legal_context()
    assert [fact.key for fact in shipped.facts] == ["csddd", "stop-the-clock", "omnibus-i", "bill-35761"]
    assert {fact.key: fact.may_change for fact in shipped.facts} == {
        "csddd": True,
        "stop-the-clock": False,
        "omnibus-i": True,
        "bill-35761": True,
    }
    source = legal_context.LEGAL_CONTEXT_FILE.read_text(encoding="utf-8")
    assert source.count("# source:") == len(shipped.facts)


def test_a_changed_file_changes_the_facts(tmp_path: Path) -> None:
    path = tmp_path / "legal.yml"
    path.write_text(
        "as_of: 2027-01-15\nitems:\n  - {key: x, title_nl: T, title_en: T, reference_nl: R, reference_en: R,"
        " nl: tekst, en: text, may_change: false}\n",
        encoding="utf-8",
    )
    read = legal_context.read_legal_context(path)
    assert read.as_of.isoformat() == "2027-01-15" and read.facts[0].text("nl") == "tekst"
    assert not read.has_changing_facts


@pytest.mark.parametrize(
    "content",
    [
        "items: []\n",
        "as_of: 2027-01-15\nitems:\n  - {key: x, title_nl: T}\n",
        "as_of: 2027-01-15\nitems:\n  - {key: x, title_nl: T, title_en: T, reference_nl: R, reference_en: R,"
        " nl: a, en: b, may_change: maybe}\n",
    ],
)
def test_a_malformed_file_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "legal.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError):
        legal_context.read_legal_context(path)


def test_everyone_gets_the_same_public_context(slack: SlackHarness) -> None:
    """Public facts only: secretaries, company contacts and someone unknown to the bot read the same reply in
    their language."""
    for users in (
        (EMMA, person("tom").slack_user_id, "UNKNOWN001"),
        (SANNE, person("pieter").slack_user_id, person("fatima").slack_user_id),
    ):
        replies = [slack.command("/covenant", "context", user).args["blocks"] for user in users]
        assert all(reply == replies[0] for reply in replies)
