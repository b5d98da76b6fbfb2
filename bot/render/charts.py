"""A chart as a PNG picture (matplotlib, Agg backend) with an alt text that states its figures, and the same figures
as a text answer. Pure: takes :class:`~bot.services.covenants.charts.ChartData`, returns bytes and text.

matplotlib is imported inside :func:`render_png`, so starting the app or the console does not pay for it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from bot.i18n import t
from bot.services.covenants.charts import SMALL, ChartData, ChartKind, Series

MAX_ALT = 2000  # Slack's image block: alt_text at most 2000 characters
_LOCALE = {"nl": "nl_NL", "en": "en_GB"}
_COLOURS = ("#1f5f8b", "#e07b39", "#7a9e3b", "#8c6bb1", "#c44e52")


@dataclass(frozen=True)
class ChartImage:
    """A drawn chart: the PNG, its file name, its title (caption) and the alt text that states the figures."""

    png: bytes
    filename: str
    title: str
    alt_text: str


def series_label(series: Series, lang: str) -> str:
    """A series' label in ``lang``: its own name, or its catalog keys joined with " + " (merged outcome groups)."""
    if series.names is not None:
        return series.names[1] if lang == "en" else series.names[0]
    return " + ".join(t(lang, key) for key in series.keys)


def point_label(point: date | int, lang: str) -> str:
    if isinstance(point, date):
        return str(format_date(point, format="d MMM y", locale=_LOCALE.get(lang, "en_GB")))
    return str(point)


def title(data: ChartData, lang: str) -> str:
    kind_title = t(lang, f"charts.title_{data.kind.value}", year=data.cycle_year or "")
    return t(lang, "charts.caption", title=kind_title, covenant=data.name(lang))


def _value(value: float | None, lang: str) -> str:
    if value is None:
        return t(lang, "charts.no_value")
    return f"{value:g}"


def figure_lines(data: ChartData, lang: str, *, every: int = 1) -> list[str]:
    """The chart's figures, one line per series ("handed in: 5 Jan 2026 0, 12 Jan 2026 3, …"); with ``every`` > 1
    only every n-th point and the last (to keep an alt text short)."""
    if data.empty:
        kind = t(lang, f"charts.kind_{data.kind.value}")
        return [t(lang, "charts.empty", covenant=data.name(lang), kind=kind)]
    lines = []
    for panel in data.panels or (data,):
        keep = [i for i in range(len(panel.points)) if i % every == 0 or i == len(panel.points) - 1]
        for series in panel.series:
            figures = ", ".join(
                f"{point_label(panel.points[i], lang)} {_value(series.values[i], lang)}{series.unit}" for i in keep
            )
            target = (
                f" ({t(lang, 'charts.target')} {series.target:g}{series.unit})" if series.target is not None else ""
            )
            lines.append(f"{series_label(series, lang)}{target}: {figures}")
    return lines


def notes(data: ChartData, lang: str) -> list[str]:
    found = [t(lang, key, small=SMALL) for key in data.notes]
    found.append(t(lang, "charts.note_secretariat" if data.secretariat else "charts.note_public"))
    return found


def alt_text(data: ChartData, lang: str) -> str:
    """The chart in words, within Slack's 2000 characters: the title, the figures (thinned out where there are many
    points, always with the last), the notes."""
    every = 1
    while True:
        parts = [title(data, lang), *figure_lines(data, lang, every=every), *notes(data, lang)]
        text = " ".join(part if part.endswith(".") else part + "." for part in parts)
        if len(text) <= MAX_ALT or every > len(data.points):
            return text[:MAX_ALT]
        every += 1


def text_answer(data: ChartData, lang: str) -> str:
    """The same figures as a text answer (mrkdwn): the title, a line per series, the notes."""
    return "\n".join(
        [f"*{title(data, lang)}*", *(f"• {line}" for line in figure_lines(data, lang)), *notes(data, lang)]
    )


def filename(data: ChartData) -> str:
    suffix = f"-{data.cycle_year}" if data.kind == ChartKind.PLANS and data.cycle_year else ""
    return f"chart-{data.slug}-{data.kind.value}{suffix}.png"


def render_png(data: ChartData, lang: str) -> bytes:
    """The chart drawn as a PNG (about 1000 x 560 pixels)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    panels = data.panels or (data,)
    figure = Figure(figsize=(10, 3.2 + 2.8 * len(panels)) if data.panels else (10, 5.6), dpi=100)
    axes_list = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
    for axes, panel in zip(axes_list, panels, strict=True):
        _draw(axes, panel, lang)
    figure.suptitle(title(data, lang), fontsize=12)
    footer = " ".join(notes(data, lang))
    figure.text(0.01, 0.01, footer, fontsize=8, color="#555555")
    # Fixed margins: tight_layout measures every text twice and took half the drawing time.
    figure.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.2 if not data.panels else 0.08, hspace=0.9)
    out = io.BytesIO()
    # A light zlib level: a third of the time of the default for a few kB more.
    figure.savefig(out, format="png", pil_kwargs={"compress_level": 1})
    return out.getvalue()


def _draw(axes: object, panel: ChartData, lang: str) -> None:
    from matplotlib.axes import Axes
    from matplotlib.ticker import MaxNLocator

    assert isinstance(axes, Axes)
    if panel.empty:
        kind = t(lang, f"charts.kind_{panel.kind.value}")
        axes.text(0.5, 0.5, t(lang, "charts.empty", covenant=panel.name(lang), kind=kind), ha="center", va="center")
        axes.set_axis_off()
        return
    positions = list(range(len(panel.points)))
    labels = [point_label(p, lang) if isinstance(p, date) else str(p) for p in panel.points]
    if panel.stacked:
        bottom = [0.0] * len(positions)
        for number, series in enumerate(panel.series):
            heights = [v or 0.0 for v in series.values]
            axes.bar(positions, heights, bottom=bottom, label=series_label(series, lang), color=_COLOURS[number % 5])
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    else:
        for number, series in enumerate(panel.series):
            points = [(x, v) for x, v in zip(positions, series.values, strict=True) if v is not None]
            axes.plot(
                [x for x, _ in points],
                [v for _, v in points],
                marker="o" if len(points) < 30 else None,
                label=series_label(series, lang),
                color=_COLOURS[number % 5],
            )
            if series.target is not None:
                axes.axhline(series.target, linestyle="--", color="#999999", label=t(lang, "charts.target"))
    step = max(1, len(positions) // 12)
    axes.set_xticks(positions[::step], labels[::step], rotation=30 if isinstance(panel.points[0], date) else 0)
    axis = {ChartKind.PLANS: "charts.axis_week", ChartKind.TARGETS: "charts.axis_measured"}.get(panel.kind)
    axes.set_xlabel(t(lang, axis or "charts.axis_year"))
    if panel.series and panel.series[0].names is not None:
        axes.set_title(series_label(panel.series[0], lang), fontsize=10)
    axes.set_ylabel(panel.series[0].unit or t(lang, "charts.axis_count"))
    axes.grid(axis="y", alpha=0.3)
    targets = [s.target for s in panel.series if s.target is not None]
    # Room above the highest of the values and the target line, so the dashed line is not on the frame.
    axes.set_ylim(bottom=0, top=max([axes.get_ylim()[1], *(value * 1.1 for value in targets)]))
    if not any(s.unit for s in panel.series):
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of companies
    axes.legend(loc="upper left", fontsize=8)


def render_chart(data: ChartData, lang: str) -> ChartImage:
    """The chart as a picture with its file name, title and alt text, labels in ``lang``."""
    return ChartImage(render_png(data, lang), filename(data), title(data, lang), alt_text(data, lang))
