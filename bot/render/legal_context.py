"""Block Kit for ``/covenant context``: the law around the covenants, what may still change marked."""

from __future__ import annotations

from bot.i18n import t
from bot.render.blocks import Reply, context, escape, header, section
from bot.render.time import plain_date
from bot.services.covenants.legal_context import LegalContext


def legal_context_reply(legal: LegalContext, lang: str) -> Reply:
    """Each law or agreement with its reference and what it says; ``may change`` beside what is not final, and the
    day the facts were last checked."""
    title = t(lang, "legal.title")
    marker = t(lang, "legal.may_change")
    blocks = [header(title), section(t(lang, "legal.intro"))]
    for fact in legal.facts:
        line = f"*{escape(fact.title(lang))}* — {escape(fact.reference(lang))}\n{escape(fact.text(lang))}"
        if fact.may_change:
            line += f" _({marker})_"
        blocks.append(section(line))
    notes = [t(lang, "legal.as_of", date=plain_date(legal.as_of, lang))]
    if legal.has_changing_facts:
        notes.append(t(lang, "legal.may_change_note"))
    blocks.append(context(*notes))
    fallback = [title] + [
        f"{fact.title(lang)} ({fact.reference(lang)})" + (f" — {marker}" if fact.may_change else "")
        for fact in legal.facts
    ]
    return Reply(text="\n".join(fallback), blocks=blocks)
