"""The App Home tab: who you are and the covenants you take part in."""

from __future__ import annotations

from typing import Any

from bot.db.models import Covenant
from bot.i18n import t
from bot.render.blocks import (
    MAX_VIEW_BLOCKS,
    Block,
    context,
    divider,
    escape,
    header,
    lines_to_sections,
    section,
)
from bot.services.access import Viewer


def home_view(viewer: Viewer, mine: list[Covenant], everything: list[Covenant]) -> dict[str, Any]:
    """The Home tab view for ``viewer``."""
    lang = viewer.language
    blocks: list[Block] = [header(t(lang, "home.title"))]
    if viewer.person_id is None:
        blocks.append(section(t(lang, "home.unknown_user")))
    else:
        organisation = f" ({escape(viewer.organisation_name)})" if viewer.organisation_name else ""
        blocks.append(section(t(lang, "home.you", name=escape(viewer.name or ""), organisation=organisation)))
    blocks += [divider(), section(f"*{t(lang, 'home.your_covenants')}*")]
    if mine:
        blocks += lines_to_sections(
            [f"• *{escape(c.name(lang))}* (`{c.slug}`) — {t(lang, f'phase.{c.phase.value}')}" for c in mine],
            20,
        )
    else:
        blocks.append(section(t(lang, "home.no_covenants")))
    blocks += [divider(), section(f"*{t(lang, 'home.all_covenants')}*")]
    blocks += lines_to_sections([f"• {escape(c.name(lang))} (`{c.slug}`)" for c in everything], 20)
    blocks.append(context(t(lang, "help.mention")))
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
