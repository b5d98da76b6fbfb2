"""Targets and their measurements as text: a covenant's status section, the ``/covenant targets`` listing and
the answer to ``/covenant measure``. Values are formatted by unit in the reader's language."""

from __future__ import annotations

from bot.db.models import Covenant
from bot.i18n import t
from bot.render.blocks import Block, Reply, clip, context, divider, escape, header, lines_to_sections, section
from bot.render.time import plain_date
from bot.services.covenants.target_entry import Entered
from bot.services.covenants.targets import TargetFigures

TREND_ARROWS = {"up": "↑", "down": "↓", "flat": "→"}
# The status shows this many targets (each a line); the rest are named by `/covenant targets`.
STATUS_TARGETS = 15
LISTING_TARGETS = 40
NAME_CHARS = 120


def value_text(value: float, unit: str, lang: str) -> str:
    """``41.5`` percent -> '41.5%' (en) / '41,5%' (nl); counts without decimals when whole."""
    number = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}".rstrip("0").rstrip(".")
    if lang == "nl":
        number = number.replace(".", ",")
    return f"{number}%" if unit == "percent" else number


def target_line(figures: TargetFigures, lang: str, *, details: bool = False) -> str:
    """One target: name, latest value with its cycle and trend arrow, the target value and date."""
    name = escape(clip(figures.name(lang), NAME_CHARS))
    latest = figures.latest
    if latest is None:
        now = t(lang, "targets.not_measured")
    else:
        now = f"*{value_text(latest.value, figures.unit, lang)}* ({latest.cycle})"
        if figures.trend is not None:
            now += f" {TREND_ARROWS[figures.trend]}"
    goal = value_text(figures.target_value, figures.unit, lang)
    if figures.target_date is not None:
        goal = t(lang, "targets.goal_by", goal=goal, date=plain_date(figures.target_date, lang))
    else:
        goal = t(lang, "targets.goal", goal=goal)
    line = f"• *{name}* — {now} · {goal}"
    if figures.suppressed and (latest is None or max(figures.suppressed) > latest.cycle):
        line += " " + t(lang, "targets.small_numbers", minimum=5)
    if details:
        how = t(lang, "targets.entered") if figures.entered else t(lang, f"targets.derived_by.{figures.derivation}")
        badge = t(lang, "targets.public") if figures.public else t(lang, "targets.private")
        line += f"\n    `{figures.key}` · {how} · {badge}"
    return line


def status_blocks(figures: list[TargetFigures], lang: str) -> list[Block]:
    """The public targets in a covenant's status (nothing when it has none): within Block Kit's limits."""
    if not figures:
        return []
    lines = [f"*{t(lang, 'targets.title')}*"] + [target_line(f, lang) for f in figures[:STATUS_TARGETS]]
    blocks = [divider(), *lines_to_sections(lines, budget=2)]
    if len(figures) > STATUS_TARGETS:
        blocks.append(context(t(lang, "targets.more", count=len(figures) - STATUS_TARGETS)))
    return blocks


def listing(covenant: Covenant, figures: list[TargetFigures], lang: str, *, secretariat: bool) -> Reply:
    """``/covenant targets``: every target the reader may see, with its key and how it is measured."""
    title = t(lang, "targets.listing_title", covenant=covenant.name(lang))
    blocks: list[Block] = [header(title)]
    if not figures:
        blocks.append(section(t(lang, "targets.none")))
    else:
        lines = [target_line(f, lang, details=True) for f in figures[:LISTING_TARGETS]]
        blocks += lines_to_sections(lines, budget=6)
        if len(figures) > LISTING_TARGETS:
            blocks.append(context(t(lang, "targets.more_listing", count=len(figures) - LISTING_TARGETS)))
    note = "targets.secretariat_note" if secretariat else "targets.public_note"
    blocks.append(context(t(lang, note, covenant=covenant.slug)))
    return Reply(text=title, blocks=blocks)


def measured(entered: Entered, lang: str) -> Reply:
    """The answer to ``/covenant measure``: what was recorded, and the target's line as it is now."""
    figures = entered.target
    values = {
        "target": escape(figures.name(lang)),
        "value": value_text(entered.value, figures.unit, lang),
        "date": plain_date(entered.on, lang),
    }
    if entered.previous is None:
        text = t(lang, "targets.measured", **values)
    else:
        text = t(lang, "targets.corrected", previous=value_text(entered.previous, figures.unit, lang), **values)
    return Reply(text=text, blocks=[section(text), section(target_line(figures, lang, details=True))])
