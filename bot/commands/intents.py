"""What a question asks, from its words alone (Dutch or English keywords; no external AI).

Pure: the normalised words and the names found in them (``Entities``) in, an :class:`Intent` out. The order of
the rules is the order of precedence: "wanneer vergadert de werkgroep leefbaar loon" is about meetings although
it names a group, "hoeveel plannen zijn te laat bij metaal" about plans although it names a covenant.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.enums import CovenantPhase
from bot.services.covenants.vocabulary import Entities

# Intents, in the order the rules try them.
LANG, WHOAMI, CONTACT, HELP = "lang", "whoami", "contact", "help"
MEETINGS, PLANS, COMPANIES, GROUPS = "meetings", "plans", "companies", "groups"
COMPANY, LIST, STATUS, UNKNOWN = "company", "list", "status", "unknown"
MINE, DECIDED, UPCOMING = "mine", "decided", "upcoming"
LEGAL, PROJECTS = "legal", "projects"
COMMITTED = "committed"

_TO_ENGLISH = (" in english", " speak english", " english please", " in het engels", " engels graag")
_TO_DUTCH = (
    " in dutch",
    " speak dutch",
    " dutch please",
    " in het nederlands",
    " nederlands graag",
    " spreek nederlands",
)
_WHOAMI = (" wie ben ik", " who am i", " whoami", " mijn rol", " my role", " ken je mij", " do you know me")
_CONTACT_WORDS = {"contactpersoon", "contactpersonen", "aanspreekpunt", "contact", "contacts"}
_SECRETARIAT_WORDS = {"secretariaat", "secretariat"}
_ASKING_WHO = {"wie", "who"}
_HELP_WORDS = {"help", "hulp", "commands", "commandos"}
# The law around the covenants: "what is the CSDDD?", "wat is de stand van de wetgeving?", "wat is de IMVO-wet?".
_LEGAL_WORDS = {"csddd", "cs3d", "wetgeving", "legislation", "wetsvoorstel", "initiatiefwet", "omnibus", "directive"}
_LEGAL_WORDS |= {"law", "laws", "wet", "wetten", "legal", "juridisch", "juridische", "35761"}
_HELP_PHRASES = (" wat kun je", " wat kan je", " what can you", " wat kan ik vragen", " what can i ask")
_MEETING_STEMS = ("vergader", "meeting", "bijeenkomst", "overleg", "agenda")
_MEETING_WORDS = {"meet", "meets", "vergadert", "samenkomen"}
_WHEN_WORDS = {"wanneer", "when"}
_PLAN_STEMS = ("plan", "aanpak", "overdue", "achterstal", "ingediend", "ingeleverd", "submitted", "beoordeel", "assess")
_PLAN_PHRASES = (" te laat", " too late", " late ")
_NOT_PLAN = {"planning", "planned", "gepland"}
_COMPANIES_WORDS = {
    "bedrijven",
    "companies",
    "deelnemers",
    "participants",
    "deelnemende",
    "leden",
    "members",
    "partijen",
    "parties",
    "ondertekenaars",
    "signatories",
    "aangesloten",
    "joined",
}
_COMPANIES_PHRASES = (
    " doen mee",
    " doet mee",
    " deden mee",
    " deed mee",
    " take part",
    " taking part",
    " takes part",
    " took part",
    " zijn lid",
)
_GROUP_STEMS = ("werkgroep", "taakgroep", "stuurgroep")
_GROUP_WORDS = {"groups", "groepen", "group", "groep"}
_STEERING = ("stuurgroep", " steering")
_LIST_WORDS = {"convenanten", "covenants", "agreements", "initiatieven", "initiatives"}
_LIST_MARKERS = {"lijst", "list", "overzicht", "overview", "alle", "all", "welke", "which"}
_MINE = {"mijn", "my", "ons", "onze", "our"}
# "My open items": someone speaking of themselves and of what waits for them.
_MYSELF = {"mijn", "my", "mine", "ik", "i", "me", "mij"}
_OPEN_ITEM_STEMS = ("deadline", "actiepunt", "openstaa", "outstanding", "todo", "rsvp", "uitnodiging", "invitation")
_OPEN_ITEM_WORDS = {"open", "items", "item", "punten", "taken", "taak", "tasks", "task", "lijstje", "answered"}
_OPEN_ITEM_PHRASES = (
    " moet ik nog",
    " nog doen",
    " te doen",
    " to do ",
    " have to do",
    " need to do",
    " still have to",
    " nog beantwoorden",
    " nog antwoorden",
)
_NEXT_WEEK = (" volgende week", " komende week", " next week", " coming week", " week ahead")
_DECIDED_STEMS = ("beslo", "besluit", "decid", "decision", "afgesproken", "overeengekomen")
_DECIDED_WORDS = {"agreed"}
# "Which projects does metaal run?", "hoe staat het project Mijnregio X?": collective projects.
_PROJECT_STEMS = ("project",)
# "The outcome of the last meeting" asks for decisions; "the outcome of the assessment" does not.
_OUTCOME_WORDS = {"uitkomst", "outcome", "resultaat", "result"}
# "What did <organisation> commit to?": a charter signatory's commitments.
_COMMITTED_STEMS = ("commit", "toegezegd", "toezeg", "beloofd", "belooft", "pledge")
_SIGNED_STEMS = ("ondertek", "getekend", "tekende", "signed", "sign")
_HOW_MANY_OR_WHO = {"hoeveel", "many", "wie", "who", "welke", "which"}
_PHASE_WORDS = {
    "lopend": CovenantPhase.IMPLEMENTING,
    "lopende": CovenantPhase.IMPLEMENTING,
    "running": CovenantPhase.IMPLEMENTING,
    "current": CovenantPhase.IMPLEMENTING,
    "actieve": CovenantPhase.IMPLEMENTING,
    "active": CovenantPhase.IMPLEMENTING,
    "afgelopen": CovenantPhase.ENDED,
    "beeindigde": CovenantPhase.ENDED,
    "ended": CovenantPhase.ENDED,
    "finished": CovenantPhase.ENDED,
    "onderhandeling": CovenantPhase.NEGOTIATING,
    "negotiating": CovenantPhase.NEGOTIATING,
    "negotiated": CovenantPhase.NEGOTIATING,
    "evaluatie": CovenantPhase.EVALUATING,
    "evaluating": CovenantPhase.EVALUATING,
}
# Words only one language uses, to answer a question in the language it was asked in.
_DUTCH = {
    "wat",
    "wie",
    "welke",
    "hoeveel",
    "wanneer",
    "waar",
    "hoe",
    "het",
    "de",
    "een",
    "van",
    "zijn",
    "mijn",
    "bij",
    "ik",
    "heeft",
    "doen",
    "mee",
    "staat",
    "er",
    "te",
    "laat",
    "vergadert",
    "bedrijven",
    "plannen",
    "moet",
    "nog",
    "volgende",
    "besloten",
    "openstaande",
    "wetgeving",
    "wet",
}
_ENGLISH = {
    "what",
    "who",
    "which",
    "how",
    "many",
    "when",
    "where",
    "the",
    "of",
    "are",
    "my",
    "at",
    "does",
    "do",
    "meet",
    "joined",
    "companies",
    "plans",
    "agreement",
    "about",
    "please",
    "am",
    "next",
    "still",
    "decided",
    "signed",
    "show",
    "law",
    "legislation",
}


@dataclass(frozen=True)
class Intent:
    """What to answer: ``kind`` (one of the constants above) and what else the words said."""

    kind: str
    phase: CovenantPhase | None = None
    language: str | None = None
    mine: bool = False
    steering: bool = False


def question_language(words: list[str]) -> str | None:
    """'nl' or 'en' when the question's words clearly say so, else None."""
    dutch = sum(1 for w in words if w in _DUTCH)
    english = sum(1 for w in words if w in _ENGLISH)
    if dutch > english:
        return "nl"
    if english > dutch:
        return "en"
    return None


def _has_stem(words: list[str], stems: tuple[str, ...], unless: set[str] | None = None) -> bool:
    return any(w.startswith(stems) and w not in (unless or set()) for w in words)


def detect(words: list[str], found: Entities) -> Intent:
    """The intent of a question given its normalised ``words`` and the names ``found`` in it."""
    text = " " + " ".join(words) + " "
    token_set = set(words)
    mine = bool(token_set & _MINE)
    if any(p in text for p in _TO_ENGLISH):
        return Intent(LANG, language="en")
    if any(p in text for p in _TO_DUTCH):
        return Intent(LANG, language="nl")
    if any(p in text for p in _WHOAMI):
        return Intent(WHOAMI)
    if token_set & _CONTACT_WORDS or (token_set & _SECRETARIAT_WORDS and token_set & _ASKING_WHO):
        return Intent(CONTACT)
    if token_set & _LEGAL_WORDS:
        return Intent(LEGAL)
    named = found.covenant_id is not None or found.group_id is not None or found.organisation_id is not None
    if not named and (token_set & _HELP_WORDS or any(p in text for p in _HELP_PHRASES)):
        return Intent(HELP)
    steering = any(s in text for s in _STEERING)
    if any(p in text for p in _NEXT_WEEK):
        return Intent(UPCOMING)
    meeting_words = _has_stem(words, _MEETING_STEMS) or bool(token_set & _MEETING_WORDS)
    if (
        _has_stem(words, _DECIDED_STEMS)
        or token_set & _DECIDED_WORDS
        or (token_set & _OUTCOME_WORDS and (meeting_words or found.group_id is not None))
    ):
        return Intent(DECIDED, steering=steering)
    if words in (["mijn"], ["mine"]) or (
        token_set & _MYSELF
        and (
            _has_stem(words, _OPEN_ITEM_STEMS)
            or token_set & _OPEN_ITEM_WORDS
            or any(p in text for p in _OPEN_ITEM_PHRASES)
        )
    ):
        return Intent(MINE)
    if _has_stem(words, _PROJECT_STEMS):
        return Intent(PROJECTS)
    if _has_stem(words, _COMMITTED_STEMS) and (found.organisation_id is not None or mine):
        return Intent(COMMITTED, mine=mine)
    if (
        _has_stem(words, _MEETING_STEMS)
        or token_set & _MEETING_WORDS
        or (token_set & _WHEN_WORDS and found.group_id is not None)
    ):
        return Intent(MEETINGS, mine=mine, steering=steering)
    if _has_stem(words, _PLAN_STEMS, unless=_NOT_PLAN) or any(p in text for p in _PLAN_PHRASES):
        return Intent(PLANS, mine=mine)
    signed = _has_stem(words, _SIGNED_STEMS) and bool(token_set & _HOW_MANY_OR_WHO)
    if token_set & _COMPANIES_WORDS or any(p in text for p in _COMPANIES_PHRASES) or signed:
        if found.organisation_id is not None and found.covenant_id is None:
            return Intent(COMPANY)
        return Intent(COMPANIES)
    if _has_stem(words, _GROUP_STEMS) or token_set & _GROUP_WORDS:
        return Intent(GROUPS, mine=mine, steering=steering)
    if found.organisation_id is not None:
        return Intent(COMPANY)
    phase = next((_PHASE_WORDS[w] for w in words if w in _PHASE_WORDS), None)
    if found.covenant_id is None and (token_set & _LIST_WORDS or (phase and token_set & _LIST_MARKERS)):
        return Intent(LIST, phase=phase)
    if found.covenant_id is not None:
        return Intent(STATUS)
    if found.group_id is not None:
        return Intent(GROUPS)
    if token_set & _HELP_WORDS:
        return Intent(HELP)
    return Intent(UNKNOWN)
