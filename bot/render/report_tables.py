"""The annual report pack as tables: one per sheet, headings and values in the reader's language.

Shared by the workbook writer (:mod:`bot.render.report_workbook`); the public pack gets no company-level table
and no lists behind the counts (:class:`~bot.services.reports.figures.ReportPack` holds None for them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.i18n import t
from bot.services.reports.figures import ActionState, CycleFigures, ReportPack
from bot.services.small_numbers import MINIMUM, Bucket

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Table:
    """One sheet: its name and column headings (already translated) and its rows."""

    sheet: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def value(lang: str, key: str) -> str:
    """A stored value (a kind, a state, a route) as the reader says it."""
    return t(lang, f"report.value.{key}")


def outcome_label(bucket: Bucket, lang: str) -> str:
    """'fully meets', or 'fully meets + on track' for a merged category."""
    label = t(lang, f"outcome.{bucket.keys[0]}")
    for key in bucket.keys[1:]:
        label = t(lang, "report.merged", first=label, second=t(lang, f"outcome.{key}"))
    return label


def outcomes_text(cycle: CycleFigures, lang: str) -> str:
    """The cycle's outcomes on one line, or why they are not shown."""
    if cycle.outcomes is None:
        return t(lang, "report.suppressed", minimum=MINIMUM)
    return ", ".join(f"{outcome_label(bucket, lang)}: {bucket.count}" for bucket in cycle.outcomes)


def _yes_no(flag: bool | None, lang: str) -> str | None:
    return None if flag is None else t(lang, "report.yes" if flag else "report.no")


def _table(lang: str, sheet: str, columns: list[str], rows: list[tuple[Cell, ...]]) -> Table:
    return Table(
        t(lang, f"report.sheet.{sheet}"), tuple(t(lang, f"report.column.{column}") for column in columns), tuple(rows)
    )


def _about(pack: ReportPack, lang: str) -> Table:
    audience = pack.audience.value
    p = pack.participants
    span = pack.period
    figures: list[tuple[Cell, ...]] = [
        (t(lang, "report.column.covenant"), pack.name(lang)),
        (t(lang, "report.column.cycle"), span.cycle),
        (t(lang, "report.column.audience"), value(lang, audience)),
        (t(lang, "report.column.generated"), pack.generated_at.replace(tzinfo=None, microsecond=0)),
        (t(lang, "report.figure.participants_start", date=span.first_day.isoformat()), p.at_start),
        (t(lang, "report.figure.participants_joined", cycle=span.cycle), p.joined),
        (t(lang, "report.figure.participants_left", cycle=span.cycle), p.left),
        (t(lang, "report.figure.participants_end", date=span.last_day.isoformat()), p.at_end),
        (t(lang, "report.figure.assessment_meetings"), pack.meetings.assessment_meetings),
        (t(lang, f"report.audience_{audience}", minimum=MINIMUM), None),
    ]
    return _table(lang, "about", ["item", "value"], figures)


def tables(pack: ReportPack, lang: str) -> list[Table]:
    """Every sheet of the pack, in order."""
    found = [_about(pack, lang)]
    found.append(
        _table(
            lang,
            "participants",
            ["organisation", "kind", "participation", "joined", "left", "reason"],
            [
                (
                    row.organisation,
                    t(lang, f"orgkind_one.{row.kind}"),
                    t(lang, f"participation.{row.type}"),
                    row.joined_on,
                    row.left_on,
                    row.left_reason,
                )
                for row in pack.participants.rows
            ],
        )
    )
    cycles = pack.plans.cycles
    found.append(
        _table(
            lang,
            "plans",
            ["cycle", "plans", "submitted", "on_time", "late", "overdue", "assessed"],
            [(c.cycle, c.total, c.submitted, c.on_time, c.late, c.overdue, c.assessed) for c in cycles],
        )
    )
    outcome_rows: list[tuple[Cell, ...]] = []
    for cycle in cycles:
        if cycle.outcomes is None:
            if cycle.assessed:
                outcome_rows.append((cycle.cycle, t(lang, "report.suppressed", minimum=MINIMUM), None))
            continue
        outcome_rows += [(cycle.cycle, outcome_label(b, lang), b.count) for b in cycle.outcomes]
    found.append(_table(lang, "outcomes", ["cycle", "outcome", "companies"], outcome_rows))
    if pack.plans.companies is not None:
        found.append(
            _table(
                lang,
                "companies",
                ["organisation", "due", "submitted_on", "on_time", "outcome", "assessed_on"],
                [
                    (
                        row.organisation,
                        row.due_on,
                        row.submitted_on,
                        _yes_no(row.on_time, lang),
                        t(lang, f"outcome.{row.outcome}") if row.outcome else None,
                        row.assessed_on,
                    )
                    for row in pack.plans.companies
                ],
            )
        )
    target_columns = ["target", "unit", "target_value", "target_date", "measured_on", "measured", "source"]
    if pack.secretariat:
        target_columns.insert(4, "public")
    target_rows: list[tuple[Cell, ...]] = []
    for target in pack.targets:
        cells: list[Cell] = [
            target.name(lang),
            target.unit,
            target.target_value,
            target.target_date,
            target.measured_on,
            target.value,
            value(lang, target.source) if target.source else None,
        ]
        if pack.secretariat:
            cells.insert(4, _yes_no(target.public, lang))
        target_rows.append(tuple(cells))
    found.append(_table(lang, "targets", target_columns, target_rows))
    found += _activity(pack, lang)
    return found


def _activity(pack: ReportPack, lang: str) -> list[Table]:
    meetings, records, items = pack.meetings, pack.records, pack.action_items
    found = [
        _table(
            lang,
            "meetings",
            ["group", "held", "rsvp_yes", "rsvp_no", "rsvp_maybe", "average_yes"],
            [
                (g.group.in_(lang), g.held, g.yes, g.no, g.maybe, round(g.yes / g.held, 1) if g.held else None)
                for g in meetings.by_group
            ]
            + (
                [(t(lang, "report.figure.assessment_meetings"), meetings.assessment_meetings, None, None, None, None)]
                if meetings.assessment_meetings
                else []
            ),
        )
    ]
    if meetings.rows is not None:
        found.append(
            _table(
                lang,
                "sittings",
                ["date", "group", "meeting_kind", "meeting", "rsvp_yes", "rsvp_no", "rsvp_maybe", "minutes_status"],
                [
                    (
                        r.on,
                        r.group.in_(lang),
                        value(lang, r.kind),
                        r.title,
                        r.yes,
                        r.no,
                        r.maybe,
                        value(lang, r.minutes) if r.minutes else None,
                    )
                    for r in meetings.rows
                ],
            )
        )
    decisions = {count.group: count.count for count in records.decisions_by_group}
    found.append(
        _table(
            lang,
            "minutes",
            ["group", "minutes_approved", "decisions"],
            [(c.group.in_(lang), c.count, decisions.get(c.group, 0)) for c in records.minutes_by_group],
        )
    )
    if records.minutes is not None:
        found.append(
            _table(
                lang,
                "minutes_list",
                ["date", "group", "meeting", "version", "approved_on"],
                [(m.on, m.group.in_(lang), m.meeting, m.version, m.approved_on) for m in records.minutes],
            )
        )
    if records.decisions is not None:
        found.append(
            _table(
                lang,
                "decisions",
                ["date", "group", "meeting", "decision"],
                [(d.on, d.group.in_(lang), d.meeting, d.text) for d in records.decisions],
            )
        )
    states = list(ActionState)
    found.append(
        _table(
            lang,
            "action_items",
            ["group", "open", "late_open", "done", "done_late"],
            [(g.group.in_(lang), *(g.counts.get(state, 0) for state in states)) for g in items.by_group],
        )
    )
    if items.rows is not None:
        found.append(
            _table(
                lang,
                "action_items_list",
                ["due", "group", "task", "owner", "state"],
                [(i.due_on, i.group.in_(lang), i.task, i.owner, value(lang, i.state.value)) for i in items.rows],
            )
        )
    reminders = pack.reminders
    found.append(
        _table(
            lang,
            "reminders",
            ["reminder_kind", "route", "sent", "failed"],
            [(value(lang, r.kind), value(lang, r.route), r.sent, r.failed) for r in reminders.sent],
        )
    )
    found.append(
        _table(
            lang,
            "reactions",
            ["reminder_kind", "action", "presses"],
            [(value(lang, r.kind), value(lang, r.action), r.count) for r in reminders.reactions],
        )
    )
    return found
