"""``/covenant chart <covenant> [plans|outcomes|participants|targets]`` (``grafiek``) and the **Show chart** button:
a PNG of the covenant's figures, sent to the asker's DM with the bot and shown there with an image block.

Where it goes: the DM, so that only the asker sees it (a file shared in a channel is visible to everyone there, and
an image block shows only a file shared where it is posted). What it shows: public figures, or the secretariat's
view for the covenant's secretariat, decided from the database on every request (a button's value only names the
covenant and the kind; whoever presses it gets what they may see).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import t
from bot.interaction import Ask, Outcome, Upload
from bot.render import charts as render
from bot.render.blocks import Reply
from bot.services.covenants import charts, covenants
from bot.services.covenants.charts import KIND_WORDS, ChartKind
from bot.services.errors import UsageError

if TYPE_CHECKING:
    from bot.db.models import Covenant
    from bot.parsing.text import CommandText

WORDS = {"chart", "charts", "grafiek", "grafieken"}


def chart_answer(ask: Ask, covenant: Covenant, kind: ChartKind) -> Outcome:
    """The chart as a picture in the asker's DM; the answer where they asked says so (or, empty, why not)."""
    lang = ask.lang
    secretariat = ask.viewer.is_secretariat(covenant.id)
    data = charts.chart_data(ask.session, covenant, kind, ask.today, secretariat=secretariat)
    if data.empty:
        return Outcome.of(Reply(text=render.text_answer(data, lang)))
    image = render.render_chart(data, lang)
    kind_word = t(lang, f"charts.kind_{kind.value}")
    sent = Reply(text=t(lang, "charts.sent", kind=kind_word, covenant=covenant.name(lang)))
    failed = Reply(text=t(lang, "charts.failed", reason=t(lang, "charts.failed_upload")))
    upload = Upload(image.filename, image.title, image.png, image_alt=image.alt_text)
    return Outcome(reply=sent, upload=upload, if_failed=failed)


def parse(ask: Ask, rest: str) -> tuple[Covenant, ChartKind]:
    """``<covenant> [kind]``: the kind is the last word when it names one (default: plans)."""
    words = rest.split()
    if not words:
        raise UsageError("charts.usage")
    kind = ChartKind.PLANS
    if len(words) > 1 and words[-1].lower() in KIND_WORDS:
        kind = KIND_WORDS[words[-1].lower()]
        words = words[:-1]
    return covenants.resolve(ask.session, " ".join(words)), kind


def run(ask: Ask, command: CommandText) -> Outcome:
    """``/covenant chart <covenant> [kind]``."""
    covenant, kind = parse(ask, command.rest)
    return chart_answer(ask, covenant, kind)


def press(ask: Ask, value: str) -> Outcome:
    """**Show chart** (value ``chart:<slug>:<kind>``): the value is only a question; the covenant is looked up
    again and the viewer's rights come from the database (a forged value gets a usage answer, or public figures)."""
    _, _, rest = value.partition("chart:")
    slug, _, word = rest.partition(":")
    kind = KIND_WORDS.get(word.lower())
    if not slug or kind is None:
        raise UsageError("charts.usage")
    return chart_answer(ask, covenants.resolve(ask.session, slug), kind)
