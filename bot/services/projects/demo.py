"""The demo's collective projects (config/seed/demo.yml ``projects:``), loaded once with the rest of the demo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import CovenantKind, CovenantPhase, DeadlineKind, DeadlineStatus, RoleKind
from bot.db.models import Covenant, Deadline, Organisation, Person, Project, ProjectUpdate, Role, WorkingGroup
from bot.services.projects.projects import record_party


def load(
    session: Session,
    entries: list[dict[str, Any]],
    covenants: dict[str, Covenant],
    organisations: dict[str, Organisation],
    people: dict[str, Person],
    groups: dict[str, WorkingGroup],
    day: Callable[[Any], date | None],
) -> None:
    """Insert each demo project that is not there yet (by slug); ``day`` reads "+6d"-style dates."""
    for entry in entries:
        if session.scalar(select(Covenant.id).where(Covenant.slug == entry["slug"])) is not None:
            continue
        parent = covenants[entry["covenant"]]
        row = Covenant(
            slug=entry["slug"],
            kind=CovenantKind.PROJECT,
            name_nl=entry["name_nl"],
            name_en=entry["name_en"],
            phase=CovenantPhase.IMPLEMENTING,
            timezone=parent.timezone,
            secretariat=parent.secretariat,
            facilitator=parent.facilitator,
            secretariat_channel=parent.secretariat_channel,
            language=parent.language,
        )
        session.add(row)
        session.flush()
        lead = organisations[entry["lead"]] if entry.get("lead") else None
        group = groups.get(entry["group"]) if entry.get("group") else None
        project = Project(
            covenant_id=row.id,
            parent_covenant_id=parent.id,
            lead_organisation_id=lead.id if lead else None,
            working_group_id=group.id if group else None,
        )
        session.add(project)
        session.flush()
        if entry.get("coordinator"):
            session.add(Role(person_id=people[entry["coordinator"]].id, covenant_id=row.id, kind=RoleKind.SECRETARIAT))
        for party in entry.get("parties", []):
            record_party(session, project, organisations[party["organisation"]], party.get("role") or "")
        for milestone in entry.get("milestones", []):
            due = day(milestone["due"])
            assert due is not None
            owner = organisations[milestone["owner"]] if milestone.get("owner") else None
            deadline = Deadline(
                covenant_id=row.id,
                kind=DeadlineKind.PROJECT_MILESTONE,
                title=milestone["title"],
                due_on=due,
                organisation_id=owner.id if owner else None,
                status=DeadlineStatus.OPEN,
            )
            session.add(deadline)
            if milestone.get("note"):
                session.flush()
                on = day("+0d")
                assert on is not None
                session.add(
                    ProjectUpdate(
                        project_id=project.id, milestone_id=deadline.id, on=on, text=milestone["note"], internal=True
                    )
                )
        for update in entry.get("updates", []):
            on = day(update["date"])
            assert on is not None
            session.add(ProjectUpdate(project_id=project.id, on=on, text=update["text"], internal=update["internal"]))
    session.flush()
