"""Who is asking, and what they may see: the one place confidentiality rules are decided."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.db.enums import GroupKind, RoleKind
from bot.db.models import (
    Covenant,
    Deadline,
    Meeting,
    Minutes,
    Person,
    ReminderDelivery,
    WorkingGroup,
    WorkingGroupMember,
)
from bot.i18n import language_for
from bot.services.people import addresses
from bot.services.people.people import Profile


@dataclass(frozen=True)
class Viewer:
    """The Slack user behind a request, with their roles per covenant and their language."""

    slack_user_id: str
    language: str
    timezone: str
    person_id: int | None = None
    name: str | None = None
    organisation_id: int | None = None
    organisation_name: str | None = None
    roles: dict[int, frozenset[RoleKind]] = field(default_factory=dict)
    # True when the person chose the language with `/covenant lang` (it then beats everything else).
    language_chosen: bool = False
    # The language the Slack locale (or BOT_LANGUAGE) gives, used again after `/covenant lang auto`.
    locale_language: str | None = None
    # Working groups the person is a member of, and those they chair (ids).
    groups: frozenset[int] = frozenset()
    chaired_groups: frozenset[int] = frozenset()

    def has_role(self, covenant_id: int, kind: RoleKind) -> bool:
        return kind in self.roles.get(covenant_id, frozenset())

    def is_secretariat(self, covenant_id: int) -> bool:
        return self.has_role(covenant_id, RoleKind.SECRETARIAT)

    @property
    def is_linked(self) -> bool:
        """Known to the bot as someone acting for an organisation or holding a role."""
        return self.person_id is not None and (self.organisation_id is not None or bool(self.roles))

    def covenants_with(self, kind: RoleKind) -> list[int]:
        """The covenants (ids, sorted) in which the viewer holds role ``kind``."""
        return sorted(covenant_id for covenant_id, kinds in self.roles.items() if kind in kinds)

    def may_see_company(self, covenant_id: int, organisation_id: int) -> bool:
        """Company-specific plan and assessment data: that covenant's secretariat and the company's contacts."""
        if self.is_secretariat(covenant_id):
            return True
        return self.organisation_id == organisation_id and self.has_role(covenant_id, RoleKind.COMPANY_CONTACT)

    def may_see_project_internal(self, covenant_id: int, parent_id: int | None, party_ids: frozenset[int]) -> bool:
        """A project's parties-only updates: its coordinator (secretariat role on the project's row), the parent
        covenant's secretariat, and the contacts (on the project's row) of its party organisations."""
        if self.is_secretariat(covenant_id) or (parent_id is not None and self.is_secretariat(parent_id)):
            return True
        return self.organisation_id in party_ids and self.has_role(covenant_id, RoleKind.COMPANY_CONTACT)

    def may_see_progress_notes(self, charter_id: int, organisation_id: int) -> bool:
        """A charter signatory's progress updates (their text, figures achieved, due requests): that signatory's
        contacts and the charter's coordinator (the secretariat role on the charter). Who signed and what they
        committed to is public."""
        return self.may_see_company(charter_id, organisation_id)

    def may_see_meeting(self, covenant_id: int, organisation_id: int | None) -> bool:
        """A meeting about one company (an assessment meeting) is company data; every other meeting is not."""
        return organisation_id is None or self.may_see_company(covenant_id, organisation_id)

    def may_administer(self, covenant_id: int) -> bool:
        """Changes to a covenant's participants, roles and phase: its secretariat only."""
        return self.is_secretariat(covenant_id)

    @property
    def may_add_organisations(self) -> bool:
        """Registering a new organisation: anyone who runs the secretariat of at least one covenant."""
        return bool(self.covenants_with(RoleKind.SECRETARIAT))

    def may_manage_group(self, group: WorkingGroup) -> bool:
        """Schedule, move or cancel the group's meetings, change its members, rotate its calendar feed:
        the group's chair and the covenant's secretariat."""
        return group.id in self.chaired_groups or self.is_secretariat(group.covenant_id)

    def may_add_group(self, covenant_id: int) -> bool:
        """Create a working group in a covenant: its secretariat and its working-group chairs."""
        return self.is_secretariat(covenant_id) or self.has_role(covenant_id, RoleKind.WORKING_GROUP_CHAIR)

    def may_attend(self, group: WorkingGroup) -> bool:
        """The one rule for a group's meetings, on every surface that shows one (``/meeting next``, ``list``,
        ``ics``, Home, questions, the Attend buttons, the calendar feed's link): who may see them (time,
        agenda, video link), answer their invitations and subscribe to their calendar: the group's members,
        its chair and the covenant's secretariat."""
        return group.id in self.groups or self.may_manage_group(group)

    def may_see_group_meeting(self, meeting: Meeting, group: WorkingGroup) -> bool:
        """A group's meeting: as :meth:`may_attend`; a confidential meeting with one company (an assessment
        meeting) only that company's contacts (who attend it) and the covenant's secretariat."""
        if meeting.organisation_id is None:
            return self.may_attend(group)
        return self.may_see_company(group.covenant_id, meeting.organisation_id)

    def may_see_rsvps(self, group: WorkingGroup) -> bool:
        """Who answered an invitation (names, not counts): the group's chair and the covenant's secretariat."""
        return self.may_manage_group(group)


def public_meeting(meeting: Meeting) -> bool:
    """Filter for answers anyone may read (and share): no meeting that is about one company."""
    return meeting.organisation_id is None


def meeting_filter(viewer: Viewer | None) -> Callable[[Meeting], bool]:
    """The meetings ``viewer`` may see listed (``None``: the public, e.g. a message shared in a channel)."""
    if viewer is None:
        return public_meeting
    return lambda meeting: viewer.may_see_group_meeting(meeting, meeting.group)


def viewer_for(
    session: Session, slack_user_id: str, profile: Profile | None, default_language: str, default_tz: str
) -> Viewer:
    """Build the viewer: a language chosen in the bot wins over the Slack locale, which wins over the default.

    ``slack_user_id`` may be a person's address ``person:<id>`` (someone without Slack, following an email link).
    """
    person_id = addresses.person_id_of(slack_user_id)
    person = session.scalar(
        select(Person)
        .options(selectinload(Person.roles), joinedload(Person.organisation))
        .where(Person.id == person_id if person_id is not None else Person.slack_user_id == slack_user_id)
    )
    locale = profile.locale if profile else None
    language = language_for(locale, default_language)
    timezone = (profile.tz if profile and profile.tz else None) or default_tz
    if person is not None and person.timezone and not (profile and profile.tz):
        timezone = person.timezone
    if person is None:
        return Viewer(slack_user_id=slack_user_id, language=language, timezone=timezone, locale_language=language)
    roles: dict[int, set[RoleKind]] = {}
    for role in person.roles:
        roles.setdefault(role.covenant_id, set()).add(role.kind)
    memberships = session.execute(
        select(WorkingGroupMember.group_id, WorkingGroupMember.is_chair).where(
            WorkingGroupMember.person_id == person.id
        )
    ).all()
    return Viewer(
        slack_user_id=slack_user_id,
        language=person.language or language,
        timezone=timezone,
        person_id=person.id,
        name=person.name,
        organisation_id=person.organisation_id,
        organisation_name=person.organisation.name if person.organisation else None,
        roles={covenant_id: frozenset(kinds) for covenant_id, kinds in roles.items()},
        language_chosen=person.language is not None,
        locale_language=language,
        groups=frozenset(group_id for group_id, _ in memberships),
        chaired_groups=frozenset(group_id for group_id, is_chair in memberships if is_chair),
    )


# -- minutes -------------------------------------------------------------------------------------------
# Minutes of a working or task group: its members and the covenant's secretariat. Minutes of the
# steering group: the steering group and the secretariat. Minutes of a confidential meeting with one
# company (an assessment meeting): additionally only the secretariat and that company's contacts.


def minutes_group_ids(session: Session, viewer: Viewer) -> set[int]:
    """The groups whose minutes ``viewer`` may see."""
    if viewer.person_id is None:
        return set()
    own = set(
        session.scalars(select(WorkingGroupMember.group_id).where(WorkingGroupMember.person_id == viewer.person_id))
    )
    secretariat = [c for c, kinds in viewer.roles.items() if RoleKind.SECRETARIAT in kinds]
    steering = [c for c, kinds in viewer.roles.items() if RoleKind.STEERING_GROUP in kinds]
    if not secretariat and not steering:
        return own
    by_role = select(WorkingGroup.id).where(
        or_(
            WorkingGroup.covenant_id.in_(secretariat),
            and_(WorkingGroup.kind == GroupKind.STEERING_GROUP, WorkingGroup.covenant_id.in_(steering)),
        )
    )
    return own | set(session.scalars(by_role))


def visible_minutes_clause(session: Session, viewer: Viewer) -> ColumnElement[bool]:
    """A SQL condition on ``Meeting`` joined with ``WorkingGroup``: true where ``viewer`` may see the minutes."""
    secretariat = [c for c, kinds in viewer.roles.items() if RoleKind.SECRETARIAT in kinds]
    contact = [c for c, kinds in viewer.roles.items() if RoleKind.COMPANY_CONTACT in kinds]
    company_ok: list[ColumnElement[bool]] = [
        Meeting.organisation_id.is_(None),
        WorkingGroup.covenant_id.in_(secretariat),
    ]
    if viewer.organisation_id is not None:
        company_ok.append(
            and_(Meeting.organisation_id == viewer.organisation_id, WorkingGroup.covenant_id.in_(contact))
        )
    return and_(Meeting.working_group_id.in_(minutes_group_ids(session, viewer)), or_(*company_ok))


def may_see_minutes(session: Session, viewer: Viewer, meeting: Meeting) -> bool:
    """True when ``viewer`` may read the minutes of ``meeting`` (see the rule above)."""
    if meeting.working_group_id not in minutes_group_ids(session, viewer):
        return False
    return meeting.organisation_id is None or viewer.may_see_company(meeting.group.covenant_id, meeting.organisation_id)


def is_group_chair(session: Session, viewer: Viewer, group_id: int) -> bool:
    """True when ``viewer`` chairs the group."""
    if viewer.person_id is None:
        return False
    found = session.scalar(
        select(WorkingGroupMember.id).where(
            WorkingGroupMember.group_id == group_id,
            WorkingGroupMember.person_id == viewer.person_id,
            WorkingGroupMember.is_chair.is_(True),
        )
    )
    return found is not None


def may_approve_minutes(session: Session, viewer: Viewer, meeting: Meeting) -> bool:
    """Approving minutes: the group's chair or the covenant's secretariat."""
    return viewer.is_secretariat(meeting.group.covenant_id) or is_group_chair(session, viewer, meeting.working_group_id)


def may_write_minutes(session: Session, viewer: Viewer, meeting: Meeting, taker_id: int | None) -> bool:
    """Writing, circulating and correcting minutes: the minute-taker, the chair or the secretariat."""
    if viewer.person_id is not None and viewer.person_id == taker_id:
        return may_see_minutes(session, viewer, meeting)
    return may_approve_minutes(session, viewer, meeting)


# -- who reads what the bot sends ---------------------------------------------------------------------
# A message the bot posts in a channel is read by anyone in that channel (with Slack Connect, people of
# other organisations too), so it may carry public data only. The one exception is a covenant's private
# secretariat channel (Covenant.secretariat_channel): its readers are that covenant's secretariat. Every
# message the reminder engine sends is checked against its audience (``may_receive``), and what a digest
# lists is filtered by it, so a new kind of channel post cannot forget the rule.


def is_channel(conversation: str) -> bool:
    """A channel (public C…, private G…), not a person (U…, W…) or a DM (D…)."""
    return conversation.startswith(("C", "G"))


@dataclass(frozen=True)
class ChannelAudience:
    """Everyone who can read a message in one channel: the public, or a covenant's secretariat in its channel."""

    channel_id: str
    secretariat_of: frozenset[int] = frozenset()

    def is_secretariat(self, covenant_id: int) -> bool:
        return covenant_id in self.secretariat_of

    def may_see_company(self, covenant_id: int, organisation_id: int) -> bool:
        """One company's data: only in the covenant's secretariat channel."""
        return self.is_secretariat(covenant_id)

    def may_see_meeting(self, covenant_id: int, organisation_id: int | None) -> bool:
        """An assessment meeting (about one company) is company data; every other meeting is public."""
        return organisation_id is None or self.may_see_company(covenant_id, organisation_id)


Audience = Viewer | ChannelAudience


def channel_audience(session: Session, channel_id: str) -> ChannelAudience:
    """The readers of ``channel_id``: the secretariat of the covenants whose secretariat channel it is, else
    the public (a working group's channel too: anyone can be in it)."""
    covenant_ids = session.scalars(select(Covenant.id).where(Covenant.secretariat_channel == channel_id))
    return ChannelAudience(channel_id, frozenset(covenant_ids))


def audience_of(session: Session, conversation: str, default_language: str, default_tz: str) -> Audience:
    """Who reads what the bot sends to ``conversation``: a channel's audience, or the person of a DM."""
    if is_channel(conversation):
        return channel_audience(session, conversation)
    return viewer_for(session, conversation, None, default_language, default_tz)


def audience_filter(audience: Audience) -> Callable[[Meeting], bool]:
    """The meetings (and so the minutes) a message to ``audience`` may name."""
    return lambda meeting: audience.may_see_meeting(meeting.group.covenant_id, meeting.organisation_id)


def _subject_meeting(session: Session, delivery: ReminderDelivery) -> Meeting | None:
    """The meeting a delivery is about: its own, or that of its minutes."""
    if delivery.meeting_id is not None:
        return session.get(Meeting, delivery.meeting_id)
    if delivery.minutes_id is not None:
        minutes = session.get(Minutes, delivery.minutes_id)
        return minutes.meeting if minutes is not None else None
    return None


def may_receive(session: Session, delivery: ReminderDelivery) -> bool:
    """Whether the recipient of ``delivery`` may read what it is about, checked when it is sent (whatever
    planned it, and whatever changed since): an assessment meeting and its minutes reach only the secretariat
    and the company's contacts; the secretariat's digest and deadline notices reach a channel only when it is
    the covenant's secretariat channel. What a digest lists is filtered by ``audience_filter`` besides."""
    channel = is_channel(delivery.recipient)
    meeting = _subject_meeting(session, delivery)
    needs_audience = meeting is not None and meeting.organisation_id is not None
    if not (needs_audience or delivery.rule == "digest-secretariat" or (channel and delivery.deadline_id)):
        return True  # about nothing confidential: no need to look the audience up
    audience = audience_of(session, delivery.recipient, "nl", "UTC")
    if meeting is not None and not audience.may_see_meeting(meeting.group.covenant_id, meeting.organisation_id):
        return False
    if delivery.rule == "digest-secretariat":
        return delivery.covenant_id is not None and audience.is_secretariat(delivery.covenant_id)
    if channel and delivery.deadline_id is not None:
        # A deadline is one company's (or one person's) business: in a channel, only the secretariat's.
        deadline = session.get(Deadline, delivery.deadline_id)
        return deadline is None or audience.is_secretariat(deadline.covenant_id)
    return True
