"""Entering a measurement of a target (``/covenant measure``): the covenant's secretariat only, audited.

Every check runs before anything is written: an unknown target, a derived one, a value out of range or a day in
the future is a UsageError and leaves the database as it was.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.db.models import Covenant, Target
from bot.services import locking
from bot.services.administration import audit
from bot.services.canvases import canvas_owed
from bot.services.covenants import targets
from bot.services.errors import UsageError
from bot.services.people.access import Viewer

# 80, 80%, 80,5, 80.5 %, 1.250 is not accepted (ambiguous): one decimal separator, digits around it.
_VALUE = re.compile(r"^(?P<number>[0-9]{1,9}(?:[.,][0-9]{1,4})?) ?(?P<percent>%?)$")


@dataclass(frozen=True)
class Entered:
    """A measurement just entered: the value before on that day (None: none) and the target's figures now."""

    covenant: Covenant
    target: targets.TargetFigures
    value: float
    on: date
    previous: float | None


def parse_value(word: str) -> tuple[float, bool] | None:
    """``80`` / ``80%`` / ``80,5`` -> (80.5, typed with %); None for anything else."""
    match = _VALUE.match(word.strip())
    if match is None:
        return None
    value = float(match["number"].replace(",", "."))
    return (value, bool(match["percent"])) if math.isfinite(value) else None


def require_target(session: Session, covenant: Covenant, key: str, lang: str) -> Target:
    """The covenant's target ``key``; UsageError naming the keys there are otherwise."""
    target = targets.find_target(session, covenant, key)
    if target is None:
        keys = ", ".join(f"`{t.key}`" for t in targets.targets_of(session, covenant, include_private=True))
        raise UsageError("targets.unknown", target=key[:64], covenant=covenant.name(lang), keys=keys or "—")
    return target


def measure(
    session: Session, actor: Viewer, covenant: Covenant, key: str, typed: str, on: date, today: date, now: datetime
) -> Entered:
    """Record ``typed`` as the value of target ``key`` on ``on``; committed with its audit row."""
    if not actor.may_administer(covenant.id):
        raise UsageError("admin.not_secretariat", covenant=covenant.name(actor.language))
    target = require_target(session, covenant, key, actor.language)
    name = target.name_nl if actor.language == "nl" else target.name_en
    if target.derivation is not None:
        raise UsageError("targets.derived", target=name, derivation=target.derivation)
    parsed = parse_value(typed)
    if parsed is None:
        raise UsageError("targets.bad_value", value=typed[:40])
    value, with_percent = parsed
    if with_percent and target.unit != "percent":
        raise UsageError("targets.not_percent", target=name)
    if target.unit == "percent" and value > 100:
        raise UsageError("targets.over_100", value=typed[:40])
    if on > today:
        raise UsageError("targets.future", date=on.isoformat())
    locking.serialise(session, "covenant_target", target.id)
    session.expire(target, ["measurements"])  # as they are now, after anyone entering one at the same moment
    before = next((m.value for m in target.measurements if m.measured_on == on), None)
    targets.record(session, target, value, on, actor.slack_user_id, now)
    audit.record(
        session,
        at=now,
        actor=actor.slack_user_id,
        action="target.measure",
        entity="covenant_target",
        entity_id=target.id,
        detail={"covenant": covenant.slug, "target": target.key, "on": on.isoformat(), "from": before, "to": value},
    )
    # The secretariat's dashboard canvas shows the new figure at the next sweep (the first one too).
    canvas_owed.owe(session, covenant.secretariat_channel, now)
    session.commit()
    figures = targets.figures(session, covenant, target, today)
    return Entered(covenant=covenant, target=figures, value=value, on=on, previous=before)
