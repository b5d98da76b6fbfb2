"""Held-out phrasings: questions the routing rules were NOT tuned on, to measure how well they generalise.

Written before the routing table grew (issue "As strict as Slack", part 2, item 19) and never used to tune
it since: a phrasing that misses here is fixed by a better rule found from other examples, not by adding
these words. The test prints the hit rate and asserts a floor.
"""

from __future__ import annotations

from bot.commands.intents import detect
from bot.db.engine import SessionFactory
from bot.services.covenants.vocabulary import Vocabulary, words

FLOOR = 0.6

HOLDOUT_NL = [
    ("welke deadlines heb ik nog openstaan?", "mine"),
    ("heb ik nog actiepunten openstaan?", "mine"),
    ("moet ik nog ergens op reageren?", "mine"),
    ("wat zijn mijn taken?", "mine"),
    ("wat is er besloten in de stuurgroep metaal?", "decided"),
    ("welke besluiten heeft de werkgroep leefbaar loon genomen?", "decided"),
    ("welke afspraken zijn er gemaakt in het laatste overleg van de stuurgroep hernieuwbare energie?", "decided"),
    ("wat komt er volgende week op me af?", "upcoming"),
    ("wat staat er volgende week op de agenda?", "upcoming"),
    ("hoeveel partijen hebben het goudconvenant ondertekend?", "companies"),
    ("wanneer is de volgende bijeenkomst van de taakgroep grondstoffen?", "meetings"),
    ("hoe gaat het met het convenant verzekeringssector?", "status"),
    ("welke werkgroepen zijn er bij hernieuwbare energie?", "groups"),
    ("hoeveel bedrijven hebben hun plan van aanpak nog niet ingeleverd bij metaal?", "plans"),
    ("wie moet ik bellen bij het secretariaat van metaal?", "contact"),
    ("in welke convenanten zit Staalwerk Twente?", "company"),
    ("geef me een overzicht van alle convenanten", "list"),
    ("waarmee kun je me helpen?", "help"),
    ("kun je voortaan Nederlands praten?", "lang"),
]
HOLDOUT_EN = [
    ("what's on my plate?", "mine"),
    ("any open action items for me?", "mine"),
    ("which meetings do I still have to RSVP to?", "mine"),
    ("do I have anything overdue?", "mine"),
    ("what did the metals steering group decide last time?", "decided"),
    ("what decisions were made in the living wage working group?", "decided"),
    ("anything happening next week?", "upcoming"),
    ("what's coming up next week?", "upcoming"),
    ("how many signatories did the pension funds agreement have?", "companies"),
    ("when is the next due diligence call?", "meetings"),
    ("what's the current state of the forestry agreement", "status"),
    ("which groups are there in the metals agreement?", "groups"),
    ("how many action plans have been assessed for renewable energy?", "plans"),
    ("who should I talk to at the secretariat?", "contact"),
    ("show me Koperhuis Gieterij", "company"),
    ("show me all agreements that are still running", "list"),
    ("what can you do?", "help"),
    ("reply in english from now on", "lang"),
]


def test_the_holdout_is_large_enough_and_half_dutch() -> None:
    assert len(HOLDOUT_NL + HOLDOUT_EN) >= 30
    assert abs(len(HOLDOUT_NL) - len(HOLDOUT_EN)) <= 2


def test_held_out_phrasings_reach_their_intent_often_enough(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        vocabulary = Vocabulary.load(session)
        results = [
            (question, want, detect(words(question), vocabulary.find(question)).kind)
            for question, want in HOLDOUT_NL + HOLDOUT_EN
        ]
    misses = [f"  {question!r}: got {got}, want {want}" for question, want, got in results if got != want]
    rate = 1 - len(misses) / len(results)
    print(f"\nheld-out hit rate: {rate:.0%} ({len(results) - len(misses)}/{len(results)})")
    print("\n".join(misses))
    assert rate >= FLOOR, "\n".join(misses)
