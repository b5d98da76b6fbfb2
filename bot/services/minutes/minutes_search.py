"""Full-text search of minutes, ranked, over only the minutes the asker may see.

Every minutes row keeps ``search_text``: the words of its document (meeting, group, summary,
attendees, decisions, action items, contributions) lower-cased, accents removed, one space apart.
Folding in Python makes "beëindigd" and "beeindigd" the same word on both databases, and English
and Dutch minutes share one word list ('simple' configuration: no stemming that would suit one
language and mangle the other).

- PostgreSQL: ``to_tsvector('simple', search_text) @@ plainto_tsquery('simple', :words)`` through a
  GIN expression index, ranked with ``ts_rank``.
- SQLite: ``search_text LIKE '% word %'`` for every word, ranked here in Python the way ``ts_rank``
  ranks (how often the words occur). Chosen over an FTS5 table because the candidate set is
  already small (only the minutes of the asker's groups: tens to hundreds of rows), FTS5 is a
  compile-time option of SQLite that not every Python build has, and a virtual table with its
  shadow tables would sit outside the ORM metadata that the migrations are checked against.

Both match whole words and need every word (plainto_tsquery ANDs them), so the same query finds
the same minutes on either database.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Float, func, literal_column, select
from sqlalchemy.orm import Session, selectinload

from bot.db.engine import is_postgresql
from bot.db.enums import MinutesStatus
from bot.db.models import Meeting, Minutes, Person, WorkingGroup
from bot.services.errors import UsageError
from bot.services.people.access import Viewer, visible_minutes_clause

MAX_CANDIDATES = 500
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, accents removed, everything but letters and digits to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", plain).strip()


def document_lines(minutes: Minutes, names: dict[str, str] | None = None) -> list[str]:
    """The searchable text of ``minutes``, one line per part (also used for result snippets)."""
    names = names or {}
    meeting = minutes.meeting
    lines = [meeting.title, meeting.group.name, meeting.group.name_en or ""]
    lines += [minutes.summary or "", minutes.attendees or ""]
    lines += [decision.text for decision in minutes.decisions]
    for item in minutes.action_items:
        owner = names.get(item.owner_slack_id or "", "")
        lines.append(f"{owner} {item.task}".strip())
    lines += [c.text for c in minutes.contributions if not c.deleted]
    return [line for part in lines for line in part.splitlines() if line.strip()]


def refresh(session: Session, minutes: Minutes) -> None:
    """Recompute ``minutes.search_text`` after its content changed."""
    ids = {item.owner_slack_id for item in minutes.action_items if item.owner_slack_id}
    names = names_of(session, ids)
    minutes.search_text = " " + " ".join(fold(line) for line in document_lines(minutes, names)) + " "


def names_of(session: Session, slack_ids: set[str]) -> dict[str, str]:
    """The names of the people behind these Slack ids (ids nobody knows are left out)."""
    if not slack_ids:
        return {}
    rows = session.execute(select(Person.slack_user_id, Person.name).where(Person.slack_user_id.in_(slack_ids)))
    return {slack_id: name for slack_id, name in rows if slack_id}


@dataclass(frozen=True)
class SearchHit:
    """One minutes found: the minutes (meeting and group loaded), its score and the best matching line."""

    minutes: Minutes
    score: float
    snippet: str


def search(session: Session, viewer: Viewer, query: str, limit: int = 10) -> list[SearchHit]:
    """The minutes ``viewer`` may see that contain every word of ``query``, best first (newest on a tie).

    Superseded versions are left out, and of one sitting only its best matching version is shown.
    UsageError ``minutes.search_empty`` when the query has no words.
    """
    words = fold(query).split()
    if not words:
        raise UsageError("minutes.search_empty")
    base = (
        select(Minutes.id)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(WorkingGroup, WorkingGroup.id == Meeting.working_group_id)
        .where(Minutes.status != MinutesStatus.SUPERSEDED, visible_minutes_clause(session, viewer))
    )
    if is_postgresql(session):
        vector = func.to_tsvector(literal_column("'simple'"), Minutes.search_text)
        tsquery = func.plainto_tsquery(literal_column("'simple'"), " ".join(words))
        rank = func.ts_rank(vector, tsquery, type_=Float)
        rows = session.execute(
            base.add_columns(rank)
            .where(vector.bool_op("@@")(tsquery))
            .order_by(rank.desc(), Minutes.occurrence_start.desc())
            .limit(MAX_CANDIDATES)
        ).all()
        scored = [(minutes_id, float(score)) for minutes_id, score in rows]
    else:
        statement = base.add_columns(Minutes.search_text)
        for word in words:
            statement = statement.where(Minutes.search_text.like(f"% {word} %"))
        rows = session.execute(statement.order_by(Minutes.occurrence_start.desc()).limit(MAX_CANDIDATES)).all()
        scored = [(minutes_id, _rank(text, words)) for minutes_id, text in rows]
    return _hits(session, scored, words, limit)


def _rank(search_text: str, words: list[str]) -> float:
    """How strongly a document matches: like ts_rank, more occurrences of the words score higher."""
    tokens = search_text.split()
    return sum(math.log1p(tokens.count(word)) for word in set(words))


def _hits(session: Session, scored: list[tuple[int, float]], words: list[str], limit: int) -> list[SearchHit]:
    by_id = {
        m.id: m
        for m in session.scalars(
            select(Minutes)
            .options(
                selectinload(Minutes.meeting).selectinload(Meeting.group),
                selectinload(Minutes.decisions),
                selectinload(Minutes.action_items),
                selectinload(Minutes.contributions),
            )
            .where(Minutes.id.in_([minutes_id for minutes_id, _ in scored]))
        )
    }
    ordered = sorted(scored, key=lambda pair: (-pair[1], -by_id[pair[0]].occurrence_start.timestamp(), pair[0]))
    hits: list[SearchHit] = []
    seen: set[tuple[int, float]] = set()
    for minutes_id, score in ordered:
        minutes = by_id[minutes_id]
        sitting = (minutes.meeting_id, minutes.occurrence_start.timestamp())
        if sitting in seen:
            continue
        seen.add(sitting)
        hits.append(SearchHit(minutes, score, snippet(document_lines(minutes), words)))
        if len(hits) == limit:
            break
    return hits


def snippet(lines: list[str], words: list[str]) -> str:
    """The line that holds the most of ``words`` (the first on a tie)."""
    wanted = set(words)
    best, best_count = "", -1
    for line in lines:
        count = len(wanted & set(fold(line).split()))
        if count > best_count:
            best, best_count = line, count
    return best
