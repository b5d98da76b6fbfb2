"""A covenant made for the report pack's tests, with every figure of the pack known in advance."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

import openpyxl
from sqlalchemy import select

from bot.db.engine import SessionFactory
from bot.db.enums import (
    AssessmentOutcome,
    CovenantPhase,
    DeadlineKind,
    DeadlineStatus,
    DeliveryStatus,
    MeetingKind,
    MeetingStatus,
    MinutesStatus,
    OrganisationKind,
    ParticipationType,
    RoleKind,
    RsvpAnswer,
)
from bot.db.models import (
    ActionItem,
    ActionPlan,
    AuditEntry,
    Covenant,
    Deadline,
    Decision,
    Meeting,
    Minutes,
    Organisation,
    Participation,
    Person,
    ReminderDelivery,
    Role,
    Rsvp,
    WorkingGroup,
)
from bot.db.models.targets import Target, TargetMeasurement
from tests.support.demo import person

SLUG = "rapport-test"
# The two lagging companies: a category of fewer than five, which the public pack must not show on its own.
SMALL_CATEGORY = ("Zeldzaam Staal BV", "Eenling Metaal BV")
NOTES = "INTERNENOTITIE3c1d"
ASSESSMENT_TITLE = "Beoordelingsgesprek GEHEIMTITEL88a"
ASSESSMENT_DECISION = "GEHEIMBESLUIT51f0"
ASSESSMENT_TASK = "GEHEIMACTIE7e22"
PRIVATE_TARGET = "Interne doelGEHEIM40b"
MARKERS = (*SMALL_CATEGORY, NOTES, PRIVATE_TARGET, ASSESSMENT_TITLE, ASSESSMENT_DECISION, ASSESSMENT_TASK)


@dataclass(frozen=True)
class Planted:
    covenant_id: int
    secretariat: str  # Slack id of its secretariat member (Tom, English)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def plant(factory: SessionFactory) -> Planted:
    """The covenant: 14 companies (one joined and one left in 2026), 12 plans of 2026, meetings, minutes,
    decisions, action items, reminders and presses; Tom is its secretariat."""
    with factory() as session:
        covenant = Covenant(
            slug=SLUG, name_nl="Testconvenant Rapportage", name_en="Report Test Agreement", phase=CovenantPhase.SIGNED
        )
        session.add(covenant)
        session.flush()
        names = [f"Bedrijf {letter} BV" for letter in "ABCDEFGHIJ"] + list(SMALL_CATEGORY)
        companies = [Organisation(name=name, kind=OrganisationKind.COMPANY, fictional=True) for name in names]
        joined = Organisation(name="Nieuwkomer BV", kind=OrganisationKind.COMPANY, fictional=True)
        leaver = Organisation(name="Vertrekker BV", kind=OrganisationKind.COMPANY, fictional=True)
        session.add_all([*companies, joined, leaver])
        session.flush()
        for org in companies:
            session.add(
                Participation(
                    organisation_id=org.id,
                    covenant_id=covenant.id,
                    type=ParticipationType.PARTY,
                    joined_on=date(2020, 1, 1),
                )
            )
        session.add(
            Participation(
                organisation_id=joined.id,
                covenant_id=covenant.id,
                type=ParticipationType.ADHERING_COMPANY,
                joined_on=date(2026, 3, 1),
            )
        )
        session.add(
            Participation(
                organisation_id=leaver.id,
                covenant_id=covenant.id,
                type=ParticipationType.PARTY,
                joined_on=date(2020, 1, 1),
                left_on=date(2026, 6, 30),
                left_reason="Overgenomen",
            )
        )
        outcomes = [AssessmentOutcome.MEETS] * 5 + [AssessmentOutcome.ON_TRACK] * 3
        # A..G on time, the other five late; A..H assessed meeting or on track, the small category lagging.
        for index, org in enumerate(companies):
            submitted = date(2026, 5, 20) if index < 7 else date(2026, 6, 10)
            outcome = outcomes[index] if index < 8 else AssessmentOutcome.LAGGING if index >= 10 else None
            session.add(
                ActionPlan(
                    organisation_id=org.id,
                    covenant_id=covenant.id,
                    cycle_year=2026,
                    due_on=date(2026, 6, 1),
                    submitted_on=submitted,
                    assessment_outcome=outcome,
                    assessed_on=date(2026, 9, 1) if outcome else None,
                    assessment_notes=NOTES,
                )
            )
        for org in (joined, leaver):
            session.add(
                ActionPlan(organisation_id=org.id, covenant_id=covenant.id, cycle_year=2026, due_on=date(2026, 7, 1))
            )
        tom = session.scalar(select(Person).where(Person.slack_user_id == person("tom").slack_user_id))
        assert tom is not None
        session.add(Role(person_id=tom.id, covenant_id=covenant.id, kind=RoleKind.SECRETARIAT))
        group = WorkingGroup(
            covenant_id=covenant.id,
            name="Werkgroep Rapport",
            name_en="Report working group",
            calendar_token="rapport-test-token",
        )
        session.add(group)
        session.flush()

        def meeting(title: str, day: date, **extra: object) -> Meeting:
            found = Meeting(
                uid=f"rapport-{title}",
                working_group_id=group.id,
                title=title,
                starts_at=_at(day),
                ends_at=_at(day, 11),
                **extra,
            )
            session.add(found)
            session.flush()
            return found

        march = meeting("Maartoverleg", date(2026, 3, 10))
        september = meeting("Septemberoverleg", date(2026, 9, 15))
        meeting("Afgelast overleg", date(2026, 4, 1), status=MeetingStatus.CANCELLED)
        meeting("Decemberoverleg", date(2026, 12, 15))
        meeting("Vorig jaar", date(2025, 6, 1))
        assessment = meeting(
            ASSESSMENT_TITLE, date(2026, 10, 1), kind=MeetingKind.ASSESSMENT, organisation_id=companies[10].id
        )
        for index, answer in enumerate([RsvpAnswer.YES] * 3 + [RsvpAnswer.NO]):
            session.add(
                Rsvp(meeting_id=march.id, occurrence_start=march.starts_at, slack_user_id=f"UR{index}", answer=answer)
            )
        for index, answer in enumerate([RsvpAnswer.YES, RsvpAnswer.YES, RsvpAnswer.MAYBE]):
            session.add(
                Rsvp(
                    meeting_id=september.id,
                    occurrence_start=september.starts_at,
                    slack_user_id=f"UR{index}",
                    answer=answer,
                )
            )

        def minutes(of: Meeting, approved: date, decisions: list[str], items: list[tuple[str, date, datetime | None]]):
            record = Minutes(
                meeting_id=of.id,
                occurrence_start=of.starts_at,
                status=MinutesStatus.APPROVED,
                approved_at=_at(approved),
                approved_by=person("emma").slack_user_id,
            )
            session.add(record)
            session.flush()
            for position, text in enumerate(decisions):
                session.add(Decision(minutes_id=record.id, position=position, text=text))
            for position, (task, due, done_at) in enumerate(items):
                deadline = Deadline(
                    covenant_id=covenant.id,
                    kind=DeadlineKind.ACTION_ITEM,
                    title=task,
                    due_on=due,
                    owner_slack_id=person("emma").slack_user_id,
                    status=DeadlineStatus.DONE if done_at else DeadlineStatus.OPEN,
                    done_at=done_at,
                )
                session.add(deadline)
                session.flush()
                session.add(
                    ActionItem(
                        minutes_id=record.id,
                        position=position,
                        task=task,
                        due_on=due,
                        owner_slack_id=deadline.owner_slack_id,
                        deadline_id=deadline.id,
                    )
                )
            session.flush()
            return record

        minutes(
            march,
            date(2026, 3, 20),
            ["Besluit een", "Besluit twee"],
            [("Taak op tijd", date(2026, 4, 1), _at(date(2026, 3, 30))), ("Taak te laat", date(2026, 5, 1), None)],
        )
        minutes(
            september,
            date(2026, 9, 25),
            ["Besluit drie"],
            [("Taak open", date(2026, 12, 31), None), ("Taak laat af", date(2026, 9, 20), _at(date(2026, 10, 1)))],
        )
        minutes(assessment, date(2026, 10, 5), [ASSESSMENT_DECISION], [(ASSESSMENT_TASK, date(2026, 10, 15), None)])
        item = session.scalar(select(Deadline).where(Deadline.title == "Taak te laat"))
        assert item is not None
        sent = _at(date(2026, 4, 28))
        for key, recipient, status in (
            ("a", "UR0", DeliveryStatus.SENT),
            ("b", "UR1", DeliveryStatus.SENT),
            ("c", "person:1", DeliveryStatus.SENT),
            ("d", "UR2", DeliveryStatus.FAILED),
        ):
            session.add(
                ReminderDelivery(
                    dedupe_key=f"rapport-{key}",
                    deadline_id=item.id,
                    rule="before",
                    recipient=recipient,
                    planned_for=sent,
                    sent_at=sent if status == DeliveryStatus.SENT else None,
                    status=status,
                )
            )
        session.add(
            ReminderDelivery(
                dedupe_key="rapport-m",
                meeting_id=march.id,
                occurrence_start=march.starts_at,
                rule="meeting",
                recipient="CRAPPORT1",
                planned_for=_at(date(2026, 3, 9)),
                sent_at=_at(date(2026, 3, 9)),
                status=DeliveryStatus.SENT,
            )
        )
        session.add(
            ReminderDelivery(
                dedupe_key="rapport-old",
                deadline_id=item.id,
                rule="old",
                recipient="UR0",
                planned_for=_at(date(2025, 4, 28)),
                sent_at=_at(date(2025, 4, 28)),
                status=DeliveryStatus.SENT,
            )
        )
        plan = session.scalar(select(ActionPlan).where(ActionPlan.covenant_id == covenant.id))
        assert plan is not None
        for action, entity, entity_id in (
            ("reminder.snoozed", "deadline", item.id),
            ("reminder.not_for_me", "deadline", item.id),
            ("plan.submitted", "action_plan", plan.id),
        ):
            session.add(
                AuditEntry(at=_at(date(2026, 4, 29)), actor="UR0", action=action, entity=entity, entity_id=entity_id)
            )
        for key, name, public, measured in (
            ("market", "Marktdekking", True, 62.5),
            ("inner", PRIVATE_TARGET, False, 3),
        ):
            target = Target(
                covenant_id=covenant.id,
                key=key,
                name_nl=name,
                name_en=name,
                unit="percent",
                target_value=80,
                target_date=date(2028, 12, 31),
                public=public,
            )
            session.add(target)
            session.flush()
            for day, value in ((date(2025, 12, 1), 50.0), (date(2026, 11, 1), measured)):
                session.add(
                    TargetMeasurement(
                        target_id=target.id, measured_on=day, cycle=day.year, value=value, entered_at=_at(day)
                    )
                )
        session.commit()
        return Planted(covenant.id, person("tom").slack_user_id)


def sheets(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet of a workbook: its rows of values, the header row first."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def rows_of(table: list[tuple[object, ...]]) -> list[dict[str, object]]:
    """A sheet's rows as dicts by column heading."""
    header = [str(cell) for cell in table[0]]
    return [dict(zip(header, row, strict=True)) for row in table[1:]]


def every_cell(found: dict[str, list[tuple[object, ...]]], *, leaving: str = "") -> str:
    """The text of every cell of every sheet (but ``leaving``), for looking for markers."""
    return "\n".join(str(cell) for name, rows in found.items() if name != leaving for row in rows for cell in row)
