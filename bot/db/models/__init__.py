"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from bot.db.models.acked_work import AckedWork
from bot.db.models.base import Base, Timestamped
from bot.db.models.canvases import CanvasNotice, ChannelCanvas
from bot.db.models.charters import CharterSignatory, Commitment, CommitmentUpdate
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
from bot.db.models.links import LinkKey, UsedLink
from bot.db.models.meetings import Meeting, MeetingException, Rsvp, WorkingGroup, WorkingGroupMember
from bot.db.models.minutes import ActionItem, Decision, Minutes, MinutesContribution
from bot.db.models.plans import ActionPlan, Deadline
from bot.db.models.projects import Project, ProjectParty, ProjectUpdate
from bot.db.models.targets import Target, TargetMeasurement

__all__ = [
    "AckedWork",
    "ActionItem",
    "ActionPlan",
    "AuditEntry",
    "Base",
    "CanvasNotice",
    "ChannelCanvas",
    "CharterSignatory",
    "Cohort",
    "CohortMaterial",
    "CohortMilestone",
    "CohortParticipant",
    "Commitment",
    "CommitmentUpdate",
    "Covenant",
    "CovenantAlias",
    "CovenantFact",
    "Deadline",
    "Decision",
    "LinkKey",
    "Meeting",
    "MeetingException",
    "MilestoneCheckin",
    "Minutes",
    "MinutesContribution",
    "Organisation",
    "Participation",
    "Person",
    "ProcessedEvent",
    "Project",
    "ProjectParty",
    "ProjectUpdate",
    "ReminderDelivery",
    "Role",
    "Rsvp",
    "SlackProfile",
    "Target",
    "TargetMeasurement",
    "Timestamped",
    "UsedLink",
    "WorkingGroup",
    "WorkingGroupMember",
]
