"""Enumerations of the covenant domain, stored by value."""

from __future__ import annotations

import enum


class CovenantKind(enum.StrEnum):
    COVENANT = "covenant"
    PROGRAMME = "programme"
    CHARTER = "charter"
    PLATFORM = "platform"
    PROJECT = "project"


class CovenantPhase(enum.StrEnum):
    EXPLORING = "exploring"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    IMPLEMENTING = "implementing"
    EVALUATING = "evaluating"
    ENDED = "ended"


class OrganisationKind(enum.StrEnum):
    COMPANY = "company"
    TRADE_ASSOCIATION = "trade_association"
    UNION = "union"
    NGO = "ngo"
    GOVERNMENT = "government"
    SECRETARIAT = "secretariat"
    OTHER = "other"


class ParticipationType(enum.StrEnum):
    PARTY = "party"
    ADHERING_COMPANY = "adhering_company"
    SUPPORTER = "supporter"
    OBSERVER = "observer"
    # A charter's signatory (the signing details are in CharterSignatory).
    SIGNATORY = "signatory"


class RoleKind(enum.StrEnum):
    SECRETARIAT = "secretariat"
    STEERING_GROUP = "steering_group"
    WORKING_GROUP_CHAIR = "working_group_chair"
    COMPANY_CONTACT = "company_contact"
    MEMBER = "member"


class ContactRoute(enum.StrEnum):
    """How a person is reached: by Slack DM, by email, or both."""

    SLACK = "slack"
    EMAIL = "email"
    BOTH = "both"


class GroupKind(enum.StrEnum):
    WORKING_GROUP = "working_group"
    TASK_GROUP = "task_group"
    STEERING_GROUP = "steering_group"


class MeetingKind(enum.StrEnum):
    WORKING_GROUP = "working_group"
    STEERING_GROUP = "steering_group"
    GENERAL_ASSEMBLY = "general_assembly"
    ASSESSMENT = "assessment"


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RsvpAnswer(enum.StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class MinutesStatus(enum.StrEnum):
    DRAFT = "draft"
    CIRCULATED = "circulated"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


class AssessmentOutcome(enum.StrEnum):
    MEETS = "meets"
    ON_TRACK = "on_track"
    LAGGING = "lagging"


class DeadlineKind(enum.StrEnum):
    ACTION_PLAN = "action_plan"
    ASSESSMENT = "assessment"
    ACTION_ITEM = "action_item"
    MINUTES = "minutes"
    CUSTOM = "custom"
    PROJECT_MILESTONE = "project_milestone"
    # A charter signatory's yearly progress update on one commitment.
    COMMITMENT_UPDATE = "commitment_update"
    # A cohort participant's milestone (bot.services.cohorts): reminded to that company's contacts.
    MILESTONE = "milestone"


class CommitmentKind(enum.StrEnum):
    """What a charter signatory commits to contribute."""

    INTERNSHIPS = "internships"
    COACHING = "coaching"
    FREE_SERVICES = "free_services"
    HIRING = "hiring"
    OTHER = "other"


class DeadlineStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    WAIVED = "waived"


class DeliveryStatus(enum.StrEnum):
    PLANNED = "planned"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
