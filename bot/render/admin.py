"""Confirmations of the secretariat's changes: what was recorded, exactly, so a mistake is seen at once."""

from __future__ import annotations

from bot.db.enums import CovenantPhase
from bot.db.models import Covenant, Organisation, Participation, Person
from bot.i18n import t
from bot.render.blocks import Reply, context, escape, section
from bot.render.time import date_token
from bot.services.administration.administration import LinkResult, UnlinkResult


def _reply(text: str, lang: str) -> Reply:
    return Reply(text=text, blocks=[section(":white_check_mark: " + text), context(t(lang, "admin.audited"))])


def linked(result: LinkResult, lang: str) -> Reply:
    """'<@U> is now company contact of X in A, B.'"""
    names = ", ".join(escape(c.name(lang)) for c in result.covenants)
    key = "admin.link.done" if result.changed else "admin.link.unchanged"
    person = result.person
    user = (
        f"<@{person.slack_user_id}>"
        if person.slack_user_id
        else f"{escape(person.name)} ({escape(person.email or '')})"
    )
    text = t(
        lang,
        key,
        user=user,
        role=t(lang, f"role.{result.role.value}"),
        organisation=escape(result.organisation.name),
        covenants=names,
    )
    if result.dropped:
        text += " " + t(lang, "admin.link.dropped", covenants=", ".join(f"`{slug}`" for slug in result.dropped))
    if person.slack_user_id is None:
        text += " " + t(lang, "admin.link.email_only")
    return _reply(text, lang)


def _who(person: Person) -> str:
    """A Slack mention, or for someone without Slack their name and address."""
    if person.slack_user_id:
        return f"<@{person.slack_user_id}>"
    return escape(f"{person.name} ({person.email})" if person.email and person.email != person.name else person.name)


def unlinked(result: UnlinkResult, lang: str) -> Reply:
    """'<@U> no longer has a role in A, B; left groups G; X has no contact left in A.'"""
    text = t(
        lang,
        "admin.unlink.done",
        user=_who(result.person),
        covenants=", ".join(escape(c.name(lang)) for c in result.covenants),
    )
    if result.groups:
        text += " " + t(lang, "admin.unlink.groups", groups=", ".join(escape(g) for g in result.groups))
    if result.uncontacted:
        organisation = result.person.organisation.name if result.person.organisation else "?"
        text += " " + t(
            lang,
            "admin.unlink.uncontacted",
            organisation=escape(organisation),
            covenants=", ".join(f"`{slug}`" for slug in result.uncontacted),
        )
    return _reply(text, lang)


def joined(organisation: Organisation, covenant: Covenant, participation: Participation, lang: str) -> Reply:
    """'X joined A on <date> (as adhering company).'"""
    assert participation.joined_on is not None
    text = t(
        lang,
        "admin.join.done",
        organisation=escape(organisation.name),
        covenant=escape(covenant.name(lang)),
        date=date_token(participation.joined_on, covenant.timezone, lang),
        type=t(lang, f"participation.{participation.type.value}"),
    )
    return _reply(text, lang)


def left(organisation: Organisation, covenant: Covenant, participation: Participation, lang: str) -> Reply:
    """'X left A on <date>: reason.'"""
    assert participation.left_on is not None
    text = t(
        lang,
        "admin.leave.done",
        organisation=escape(organisation.name),
        covenant=escape(covenant.name(lang)),
        date=date_token(participation.left_on, covenant.timezone, lang),
    )
    if participation.left_reason:
        text += " " + t(lang, "admin.leave.reason", reason=escape(participation.left_reason))
    return _reply(text, lang)


def phase_set(covenant: Covenant, before: CovenantPhase, phase: CovenantPhase, lang: str) -> Reply:
    """'A: phase implementing -> evaluating.' (or: already in that phase)."""
    values = {
        "covenant": escape(covenant.name(lang)),
        "before": t(lang, f"phase.{before.value}"),
        "phase": t(lang, f"phase.{phase.value}"),
    }
    if before == phase:
        text = t(lang, "admin.phase.unchanged", **values)
        return Reply(text=text, blocks=[section(text)])
    return _reply(t(lang, "admin.phase.done", **values), lang)


def language_set(covenant: Covenant, unchanged: bool, language: str, lang: str) -> Reply:
    """'The bot now writes in English in the secretariat channel of A.' (or: already did)."""
    values = {"covenant": escape(covenant.name(lang)), "language": t(lang, f"language.{language}")}
    if unchanged:
        text = t(lang, "admin.language.unchanged", **values)
        return Reply(text=text, blocks=[section(text)])
    return _reply(t(lang, "admin.language.done", **values), lang)


def organisation_added(organisation: Organisation, lang: str) -> Reply:
    """'X registered as <kind>.'"""
    text = t(
        lang,
        "admin.add_org.done",
        organisation=escape(organisation.name),
        kind=t(lang, f"orgkind_one.{organisation.kind.value}"),
    )
    return _reply(text, lang)
