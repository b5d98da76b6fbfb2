"""Test data beyond the demo seed: confidential markers to detect leaks, minutes, and a very large covenant."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.db.enums import (
    DeadlineKind,
    MeetingKind,
    MinutesStatus,
    OrganisationKind,
    ParticipationType,
    RoleKind,
)
from bot.db.models import (
    ActionPlan,
    Covenant,
    Deadline,
    Meeting,
    Minutes,
    Organisation,
    Participation,
    Person,
    Role,
    WorkingGroup,
    WorkingGroupMember,
)
from bot.services.plans import deadlines
from tests.support.demo import NOW, person

# Unique strings planted in Windkracht's confidential data: any of them in a reply is a leak.
NOTES_MARKER = "LEAKNOTES7f3a"
DEADLINE_MARKER = "LEAKDEADLINE91c2"
MEETING_MARKER = "LEAKMEETING4b8e"
MARKERS = (NOTES_MARKER, DEADLINE_MARKER, MEETING_MARKER)
# The planted objects' ids start here, far from every other row's: a forged id names one planted object
# only (tests/e2e/test_forged_values.py), not by chance also a deadline or minutes the presser may see.
HIDDEN_IDS = 900_001


def covenant(session: Session, slug: str) -> Covenant:
    found = session.scalar(select(Covenant).where(Covenant.slug == slug))
    assert found is not None, slug
    return found


def organisation(session: Session, prefix: str) -> Organisation:
    found = session.scalar(select(Organisation).where(Organisation.name.like(f"{prefix}%")))
    assert found is not None, prefix
    return found


def group(session: Session, name: str) -> WorkingGroup:
    found = session.scalar(select(WorkingGroup).where(WorkingGroup.name == name))
    assert found is not None, name
    return found


def add_minutes(
    session: Session,
    meeting: Meeting,
    status: MinutesStatus,
    when: datetime,
    summary: str = "Besproken.",
    id: int | None = None,
) -> Minutes:
    minutes = Minutes(id=id, meeting_id=meeting.id, occurrence_start=when, status=status, summary=summary)
    if status == MinutesStatus.APPROVED:
        minutes.approved_at = when + timedelta(days=14)
        minutes.approved_by = "UDEMOSEC01"
    session.add(minutes)
    session.flush()
    return minutes


def plant_confidential(factory: SessionFactory) -> None:
    """Windkracht (hernieuwbare-energie) gets a marked assessment note, an open deadline and an upcoming
    assessment meeting (with draft and approved minutes) that only its contacts and the secretariat may see."""
    with factory() as session:
        windkracht = organisation(session, "Windkracht")
        energy = covenant(session, "hernieuwbare-energie")
        plan = session.scalar(
            select(ActionPlan).where(ActionPlan.organisation_id == windkracht.id).order_by(ActionPlan.cycle_year.desc())
        )
        assert plan is not None
        plan.assessment_notes = f"{NOTES_MARKER}: {plan.assessment_notes}"
        session.add(
            Deadline(
                id=HIDDEN_IDS,
                covenant_id=energy.id,
                kind=DeadlineKind.CUSTOM,
                title=f"{DEADLINE_MARKER} aanvullende ketenkaart",
                organisation_id=windkracht.id,
                owner_person_id=None,
                due_on=NOW.date() + timedelta(days=3),
            )
        )
        living_wage = group(session, "Werkgroep Leefbaar Loon")
        assessment = Meeting(
            id=HIDDEN_IDS + 1,
            uid="test-assessment-windkracht",
            working_group_id=living_wage.id,
            kind=MeetingKind.ASSESSMENT,
            title=f"Beoordelingsgesprek {MEETING_MARKER}",
            starts_at=NOW + timedelta(days=1),
            ends_at=NOW + timedelta(days=1, hours=1),
            organisation_id=windkracht.id,
        )
        past = Meeting(
            id=HIDDEN_IDS + 2,
            uid="test-assessment-windkracht-past",
            working_group_id=living_wage.id,
            kind=MeetingKind.ASSESSMENT,
            title=f"Beoordelingsgesprek vorig jaar {MEETING_MARKER}",
            starts_at=NOW - timedelta(days=20),
            ends_at=NOW - timedelta(days=20, hours=-1),
            organisation_id=windkracht.id,
        )
        session.add_all([assessment, past])
        session.flush()
        add_minutes(session, past, MinutesStatus.APPROVED, past.starts_at, id=HIDDEN_IDS + 3)
        add_minutes(
            session, assessment, MinutesStatus.DRAFT, assessment.starts_at - timedelta(days=1), id=HIDDEN_IDS + 4
        )
        session.commit()


@dataclass(frozen=True)
class BigCovenant:
    slug: str
    companies: int
    meetings: int


def make_big_covenant(factory: SessionFactory, companies: int = 2000, meetings: int = 200) -> BigCovenant:
    """A covenant run by Sanne with ``companies`` companies (long names, overdue plans, deadlines) and
    ``meetings`` meetings in 20 groups, and minutes awaiting approval."""
    today: date = NOW.date()
    with factory() as session:
        big = Covenant(
            slug="grootconvenant",
            name_nl="Convenant Zeer Grote Sector " + "X" * 60,
            name_en="Very Large Sector Agreement " + "Y" * 60,
            phase=covenant(session, "metaal").phase,
            signed_on=date(2024, 1, 1),
            secretariat="SER",
        )
        session.add(big)
        session.flush()
        sanne = session.scalar(select(Person).where(Person.slack_user_id == person("sanne").slack_user_id))
        assert sanne is not None
        session.add(Role(person_id=sanne.id, covenant_id=big.id, kind=RoleKind.SECRETARIAT))
        long = "Internationale Handelsonderneming en Groothandel in Duurzame Grondstoffen"
        session.execute(
            insert(Organisation),
            [
                {
                    "name": f"{long} {i:04d} BV (demo)",
                    "kind": OrganisationKind.COMPANY,
                    "fictional": True,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for i in range(companies)
            ],
        )
        ids = list(session.scalars(select(Organisation.id).where(Organisation.name.like(f"{long}%"))))
        reason = "Vertrokken na herhaaldelijk achterblijven bij de beoordeling van het plan van aanpak " * 3
        session.execute(
            insert(Participation),
            [
                {
                    "organisation_id": oid,
                    "covenant_id": big.id,
                    "type": ParticipationType.ADHERING_COMPANY,
                    "joined_on": date(2024, 1, 1) + timedelta(days=n % 300),
                    "left_on": date(2025, 6, 1) if n % 10 == 0 else None,
                    "left_reason": reason if n % 10 == 0 else None,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for n, oid in enumerate(ids)
            ],
        )
        session.execute(
            insert(ActionPlan),
            [
                {
                    "organisation_id": oid,
                    "covenant_id": big.id,
                    "cycle_year": today.year,
                    "due_on": today - timedelta(days=10 + n % 50),
                    "submitted_on": None if n % 3 else today,
                    "submitted_confirmed": False,
                    "assessment_notes": f"{NOTES_MARKER} notes {n}",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for n, oid in enumerate(ids)
            ],
        )
        session.execute(
            insert(Deadline),
            [
                {
                    "covenant_id": big.id,
                    "kind": DeadlineKind.ACTION_PLAN,
                    "title": f"{DEADLINE_MARKER} {n}",
                    "organisation_id": oid,
                    "due_on": today + timedelta(days=n % 90),
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for n, oid in enumerate(ids)
            ],
        )
        groups = []
        for g in range(20):
            wg = WorkingGroup(
                covenant_id=big.id,
                name=(f"Werkgroep Thema {g:02d} " + "lange naam " * 20)[:200],
                calendar_token=secrets.token_urlsafe(16),
                channel_id=f"CBIG{g:06d}",
            )
            session.add(wg)
            groups.append(wg)
        session.flush()
        session.add(WorkingGroupMember(group_id=groups[0].id, person_id=sanne.id, is_chair=True))
        created = []
        for m in range(meetings):
            starts = NOW + timedelta(days=1 + m // 20, hours=m % 8)
            meeting = Meeting(
                uid=f"big-{m}",
                working_group_id=groups[m % 20].id,
                # As long as the columns allow (PostgreSQL enforces VARCHAR lengths, SQLite does not).
                title=(f"Vergadering {m} " + "met een zeer lange titel " * 8)[:200],
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                rrule="FREQ=WEEKLY" if m % 4 == 0 else None,
                location="Zaal " + "A" * 495,
                agenda="punt\n" * 200,
            )
            session.add(meeting)
            created.append(meeting)
        session.flush()
        for m, meeting in enumerate(created[:120]):
            status = MinutesStatus.APPROVED if m % 2 else MinutesStatus.CIRCULATED
            add_minutes(session, meeting, status, meeting.starts_at - timedelta(days=30))
        session.commit()
    return BigCovenant("grootconvenant", companies, meetings)


def add_overdue_companies(factory: SessionFactory, slug: str, count: int) -> None:
    """``count`` new companies in covenant ``slug``, each with an overdue plan this cycle."""
    with factory() as session:
        target = covenant(session, slug)
        for n in range(count):
            company = Organisation(name=f"Achterblijver {n:03d} BV (demo)", kind=OrganisationKind.COMPANY)
            session.add(company)
            session.flush()
            session.add(
                Participation(
                    organisation_id=company.id,
                    covenant_id=target.id,
                    type=ParticipationType.ADHERING_COMPANY,
                    joined_on=date(2024, 1, 1),
                )
            )
            session.add(
                ActionPlan(
                    organisation_id=company.id,
                    covenant_id=target.id,
                    cycle_year=NOW.year,
                    due_on=NOW.date() - timedelta(days=5 + n),
                )
            )
        session.commit()


def add_company_deadlines(factory: SessionFactory, prefix: str, slug: str, count: int) -> None:
    """``count`` open deadlines of the organisation whose name starts with ``prefix``."""
    with factory() as session:
        target, company = covenant(session, slug), organisation(session, prefix)
        for n in range(count):
            session.add(
                Deadline(
                    covenant_id=target.id,
                    kind=DeadlineKind.CUSTOM,
                    title=f"Eigen deadline {n:02d}",
                    organisation_id=company.id,
                    due_on=NOW.date() + timedelta(days=n + 1),
                )
            )
        session.commit()


def windkracht_deadline(session_factory: SessionFactory, due: date, title: str = "Jaarrapportage 2026") -> int:
    with session_factory() as session:
        covenant = session.scalar(select(Covenant).where(Covenant.slug == "hernieuwbare-energie"))
        company = session.scalar(select(Organisation).where(Organisation.name.like("Windkracht%")))
        assert covenant and company
        deadline = deadlines.create(
            session,
            covenant_id=covenant.id,
            kind=DeadlineKind.CUSTOM,
            title=title,
            due_on=due,
            now=datetime(2026, 1, 1, tzinfo=UTC),
            actor="test",
            organisation_id=company.id,
        )
        session.commit()
        return deadline.id
