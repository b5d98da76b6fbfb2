"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from bot.db.models.acked_work import AckedWork
from bot.db.models.base import Base, Timestamped
from bot.db.models.cohorts import Cohort, CohortMaterial, CohortMilestone, CohortParticipant, MilestoneCheckin
from bot.db.models.covenants import (
    Covenant,
    CovenantAlias,
    CovenantFact,
    Organisation,
    Participation,
    Person,
    Role,
    SlackProfile,
)
from bot.db.models.delivery import AuditEntry, ProcessedEvent, ReminderDelivery
from bot.db.models.meetings import Meeting, MeetingException, Rsvp, WorkingGroup, WorkingGroupMember
from bot.db.models.minutes import ActionItem, Decision, Minutes, MinutesContribution
from bot.db.models.plans import ActionPlan, Deadline

__all__ = [
    "AckedWork",
    "ActionItem",
    "ActionPlan",
    "AuditEntry",
    "Base",
    "Cohort",
    "CohortMaterial",
    "CohortMilestone",
    "CohortParticipant",
    "Covenant",
    "CovenantAlias",
    "CovenantFact",
    "Deadline",
    "Decision",
    "Meeting",
    "MeetingException",
    "MilestoneCheckin",
    "Minutes",
    "MinutesContribution",
    "Organisation",
    "Participation",
    "Person",
    "ProcessedEvent",
    "ReminderDelivery",
    "Role",
    "Rsvp",
    "SlackProfile",
    "Timestamped",
    "WorkingGroup",
    "WorkingGroupMember",
]
