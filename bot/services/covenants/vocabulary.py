"""The names people use in questions: covenants, groups and organisations found in free text.

Understanding is local: the question's words (minus function words) are compared window by window with every
known name (Dutch and English names, aliases, short forms) using rapidfuzz, so "textielconvenant", "de werkgroep
leefbaar loon" or "Windkracht" are found, and a typo such as "textil" still is.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import OrganisationKind
from bot.db.models import Covenant, CovenantAlias, Organisation, WorkingGroup
from bot.parsing.text import normalise
from bot.services.covenants.organisations import short_name
from bot.services.fingerprints import database_key, fingerprint


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one string (keeps long word lists readable)."""
    return frozenset(text.split())


# Function words of both languages: never part of a name people mean.
STOPWORDS = word_set(
    """de het een van en in op bij aan voor met over naar er is zijn was wat wie welke hoe hoeveel wanneer waar
    mijn onze ons jouw je jij ik we wij u uw dit dat die deze nog al ook maar of dan te om tot uit door
    the a an of and in on at to for with about from is are was were what who which how many much when where
    my our your you i we me us this that these those still yet also but or than by into there do does did"""
)
# Words that say "covenant", "group" or "company" rather than which one.
GENERIC = word_set(
    """convenant convenanten agreement agreements imvo rbc sector werkgroep werkgroepen taakgroep stuurgroep
    working task steering group groups groep groepen bv nv demo"""
)
_COMPOUND = "convenant"


def words(text: str) -> list[str]:
    """The question as normalised words, compounds split: 'het Textielconvenant?' -> ['het', 'textiel', 'convenant']."""
    found: list[str] = []
    for word in normalise(text).split():
        if word.endswith(_COMPOUND) and len(word) > len(_COMPOUND) + 3:
            found += [word.removesuffix(_COMPOUND), _COMPOUND]
        else:
            found.append(word)
    return found


def content(tokens: list[str]) -> list[str]:
    """Only the words that can be part of a name."""
    return [t for t in tokens if t not in STOPWORDS and t not in GENERIC]


def _key(name: str) -> str:
    return " ".join(content(words(name)))


def _cutoff(window: str) -> float:
    # Short words must match exactly; longer ones may differ by about one letter.
    if len(window) <= 4:
        return 100.0
    return 88.0 if len(window) < 8 else 85.0


@dataclass(frozen=True)
class Hit:
    """One name found: ``kind`` covenant|group|organisation, the entity id, and where it was in the question."""

    kind: str
    id: int
    score: float
    start: int
    length: int

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class Entities:
    """The best covenant, group and organisation named in a question (None where nothing was found)."""

    covenant_id: int | None = None
    group_id: int | None = None
    organisation_id: int | None = None


class Vocabulary:
    """Every name the bot knows, indexed by the number of words, with the covenant each group belongs to."""

    def __init__(self) -> None:
        self._keys: dict[int, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
        self.group_covenant: dict[int, int] = {}

    def add(self, kind: str, entity_id: int, name: str) -> None:
        key = _key(name)
        if not key:
            return
        entries = self._keys[len(key.split())][key]
        if (kind, entity_id) not in entries:
            entries.append((kind, entity_id))

    @classmethod
    def load(cls, session: Session) -> Vocabulary:
        """Build the vocabulary from the database (covenants with aliases, groups, organisations)."""
        vocabulary = cls()
        covenant_words: set[str] = set()
        for covenant in session.scalars(select(Covenant).options(selectinload(Covenant.aliases))):
            for name in (covenant.slug, covenant.name_nl, covenant.name_en, *(a.alias for a in covenant.aliases)):
                vocabulary.add("covenant", covenant.id, name)
                covenant_words |= set(_key(name).split())
        for group in session.scalars(select(WorkingGroup)):
            vocabulary.group_covenant[group.id] = group.covenant_id
            for name in filter(None, (group.name, group.name_en)):
                vocabulary.add("group", group.id, name)
                # "Werkgroep Due Diligence Metaal" is also "due diligence" (its covenant is said elsewhere).
                theme = [w for w in _key(name).split() if w not in covenant_words]
                if theme and sum(len(w) for w in theme) >= 6:
                    vocabulary.add("group", group.id, " ".join(theme))
        organisations = list(session.scalars(select(Organisation)))
        first_words = Counter(_key(short_name(o.name)).split()[0] for o in organisations if _key(short_name(o.name)))
        for organisation in organisations:
            vocabulary.add("organisation", organisation.id, organisation.name)
            vocabulary.add("organisation", organisation.id, short_name(organisation.name))
            first = _key(short_name(organisation.name)).split()[:1]
            # A company is often called by its first word ("Windkracht") when that word is distinctive.
            if (
                organisation.kind == OrganisationKind.COMPANY
                and first
                and len(first[0]) >= 5
                and first_words[first[0]] == 1
                and first[0] not in covenant_words
            ):
                vocabulary.add("organisation", organisation.id, first[0])
        return vocabulary

    def hits(self, question: str) -> list[Hit]:
        """Every name found in ``question``, longest and closest first."""
        tokens = content(words(question))
        found: list[Hit] = []
        for size, keys in self._keys.items():
            names = list(keys)
            for start in range(len(tokens) - size + 1):
                window = " ".join(tokens[start : start + size])
                for name, score, _ in process.extract(
                    window, names, scorer=fuzz.ratio, score_cutoff=_cutoff(window), limit=5
                ):
                    found += [Hit(kind, entity_id, score, start, size) for kind, entity_id in keys[name]]
        return sorted(found, key=lambda h: (-h.length, -h.score, h.start))

    def find(self, question: str) -> Entities:
        """The best covenant, group and organisation in ``question``.

        Words that belong to a longer name are not read again as a shorter one ("due diligence metaal" is a
        group, not also the covenant "metaal"); a group found implies its covenant when none is named apart.
        """
        taken: list[Hit] = []
        best: dict[str, Hit] = {}
        for hit in self.hits(question):
            if any(hit.start < other.end and other.start < hit.end and other.kind != hit.kind for other in taken):
                continue
            if hit.kind not in best:
                best[hit.kind] = hit
                taken.append(hit)
        covenant = best["covenant"].id if "covenant" in best else None
        group = best["group"].id if "group" in best else None
        if group is not None and covenant is not None and self.group_covenant.get(group) != covenant:
            # Two groups may share a theme: prefer the one in the covenant the question names.
            same = [h for h in self.hits(question) if h.kind == "group" and self.group_covenant.get(h.id) == covenant]
            group = same[0].id if same else group
        if covenant is None and group is not None:
            covenant = self.group_covenant.get(group)
        organisation = best["organisation"].id if "organisation" in best else None
        return Entities(covenant_id=covenant, group_id=group, organisation_id=organisation)


_cached: dict[str, tuple[tuple[Any, ...], Vocabulary]] = {}
_cache_lock = threading.Lock()


def vocabulary_for(session: Session) -> Vocabulary:
    """The vocabulary of the session's database, built again only when its names may have changed.

    Building it reads every organisation (thousands of rows); most questions then cost one small query.
    """
    key = database_key(session)
    names = fingerprint(session, Covenant, CovenantAlias, Organisation, WorkingGroup)
    with _cache_lock:
        cached = _cached.get(key)
    if cached is not None and cached[0] == names:
        return cached[1]
    vocabulary = Vocabulary.load(session)
    with _cache_lock:
        _cached[key] = (names, vocabulary)
    return vocabulary
