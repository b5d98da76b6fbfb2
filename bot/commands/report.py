"""``/covenant report <covenant> [year] [public]`` (``rapport``, ``jaarrapportage``): the annual report pack as an
Excel workbook in the asker's DM.

The covenant's secretariat only: their pack holds company-level plans and assessments; with ``public``
(``openbaar``) they get the pack for publishing, aggregates only. The file is uploaded after the ack (the work of
every command runs there); when any step of the upload fails the answer says so and nothing is shared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.db.models import Covenant
from bot.i18n import t
from bot.interaction import Ask, Outcome, Upload
from bot.render import report_workbook
from bot.render.charts import ChartImage, render_chart
from bot.render.minutes import line
from bot.services.covenants import covenants
from bot.services.covenants.charts import ChartKind, chart_data
from bot.services.errors import UsageError
from bot.services.reports.figures import Audience, ReportPack
from bot.services.reports.pack import gather

if TYPE_CHECKING:
    from bot.parsing.text import CommandText

WORDS = {"report", "rapport", "jaarrapportage", "jaarrapport", "rapportage"}
PUBLIC_WORDS = {"public", "openbaar", "publiek"}
# Cycle years the pack accepts: the covenants' history and a little beyond.
FIRST_CYCLE, LAST_CYCLE = 2000, 2100


def run(ask: Ask, command: CommandText) -> Outcome:
    """Parse ``<covenant> [year] [public]`` and answer with the pack."""
    args = list(command.args)
    audience = Audience.SECRETARIAT
    if args and args[-1].lower() in PUBLIC_WORDS:
        audience = Audience.PUBLIC
        args.pop()
    cycle = ask.today.year
    if len(args) > 1 and args[-1].isdigit():
        year = int(args.pop())
        if not FIRST_CYCLE <= year <= LAST_CYCLE:
            raise UsageError("report.bad_cycle", cycle=str(year), example=ask.today.year)
        cycle = year
    if not args:
        raise UsageError("report.usage")
    covenant = covenants.resolve(ask.session, " ".join(args))
    return report_answer(ask, covenant.id, cycle, audience)


def report_answer(ask: Ask, covenant_id: int, cycle: int, audience: Audience) -> Outcome:
    """The pack of the covenant for ``cycle`` in the asker's DM, if they are its secretariat."""
    covenant = ask.session.get(Covenant, covenant_id)
    assert covenant is not None
    lang = ask.lang
    if not ask.viewer.is_secretariat(covenant.id):
        raise UsageError("report.secretariat_only", covenant=covenant.name(lang))
    pack = gather(ask.session, covenant, cycle, audience, ask.now)
    name = report_workbook.filename(pack)
    title = t(lang, "report.file_title", cycle=cycle, covenant=covenant.name(lang))
    sent = "report.sent" if audience == Audience.SECRETARIAT else "report.sent_public"
    return Outcome(
        upload=Upload(name, title, report_workbook.workbook(pack, lang)),
        reply=line(t(lang, sent, cycle=cycle, covenant=covenant.name(lang), file=name)),
        if_failed=line(t(lang, "report.upload_failed")),
    )


def report_charts(session: Session, covenant: Covenant, pack: ReportPack, lang: str) -> list[ChartImage]:
    """The summary's charts (plans, outcomes, participants, and targets when there are any) as of the cycle's last
    day or today, built from public data only unless the pack is the secretariat's."""
    day = min(pack.period.last_day, pack.generated_at.date())
    kinds = [ChartKind.PLANS, ChartKind.OUTCOMES, ChartKind.PARTICIPANTS] + (
        [ChartKind.TARGETS] if pack.targets else []
    )
    return [
        render_chart(chart_data(session, covenant, kind, day, secretariat=pack.secretariat), lang) for kind in kinds
    ]
