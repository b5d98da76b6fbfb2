"""Block Kit for the asker's own record: whoami, secretariat contacts, language."""

from __future__ import annotations

from bot.db.enums import ContactRoute, RoleKind
from bot.db.models import Covenant, Person, WorkingGroup
from bot.i18n import t
from bot.render.blocks import Block, Reply, context, escape, fields_section, header, lines_to_sections, section
from bot.render.sections import group_name
from bot.services.people.access import Viewer


def _mention(person: Person) -> str:
    return f"<@{person.slack_user_id}>" if person.slack_user_id else escape(person.name)


def _language_line(viewer: Viewer) -> str:
    lang = viewer.language
    source = t(lang, "account.language_chosen" if viewer.language_chosen else "account.language_from_slack")
    return f"{t(lang, f'language.{lang}')} ({source})"


def _visibility(viewer: Viewer, names: dict[int, str]) -> str:
    lang = viewer.language
    runs = [names[c] for c in viewer.covenants_with(RoleKind.SECRETARIAT) if c in names]
    contact_of = [names[c] for c in viewer.covenants_with(RoleKind.COMPANY_CONTACT) if c in names]
    parts = []
    if runs:
        parts.append(t(lang, "account.sees_all_companies", covenants=", ".join(runs)))
    if contact_of and viewer.organisation_name:
        parts.append(
            t(
                lang,
                "account.sees_own_company",
                organisation=escape(viewer.organisation_name),
                covenants=", ".join(contact_of),
            )
        )
    return " ".join(parts) if parts else t(lang, "account.sees_aggregates")


def whoami(
    viewer: Viewer,
    mine: list[Covenant],
    groups: list[WorkingGroup],
    contacts: dict[int, list[Person]],
    *,
    route: ContactRoute = ContactRoute.SLACK,
    email: str | None = None,
) -> Reply:
    """Who the bot thinks the asker is, how reminders reach them, what they may see, and whom to ask."""
    lang = viewer.language
    title = t(lang, "account.whoami_title")
    blocks: list[Block] = [header(title)]
    if viewer.person_id is None or not viewer.is_linked:
        blocks.append(section(t(lang, "home.unknown_user")))
    fields = [
        f"*{t(lang, 'account.name')}*\n{escape(viewer.name or '')}" if viewer.name else "",
        f"*{t(lang, 'account.organisation')}*\n{escape(viewer.organisation_name or t(lang, 'common.none'))}",
        f"*{t(lang, 'account.language')}*\n{_language_line(viewer)}",
        f"*{t(lang, 'account.timezone')}*\n{escape(viewer.timezone)}",
        f"*{t(lang, 'account.reach')}*\n{t(lang, f'account.route_{route.value}')}"
        + (f" · {escape(email)}" if email else ""),
    ]
    blocks.append(fields_section([f for f in fields if f]))
    names = {c.id: c.name(lang) for c in mine}
    if viewer.roles:
        lines = [f"*{t(lang, 'account.roles')}*"]
        for covenant in mine:
            kinds = viewer.roles.get(covenant.id)
            if kinds:
                labels = ", ".join(t(lang, f"role.{k.value}") for k in RoleKind if k in kinds)
                lines.append(f"• *{escape(covenant.name(lang))}*: {labels}")
        blocks += lines_to_sections(lines, budget=2)
    if groups:
        lines = [f"*{t(lang, 'account.groups')}*"]
        lines += [f"• {escape(group_name(g, lang))} (`{g.covenant.slug}`)" for g in groups[:30]]
        blocks += lines_to_sections(lines, budget=2)
    contact_lines = [
        f"• *{escape(c.name(lang))}*: " + ", ".join(_mention(p) for p in contacts[c.id])
        for c in mine
        if contacts.get(c.id)
    ]
    if contact_lines:
        blocks += lines_to_sections([f"*{t(lang, 'account.contacts')}*", *contact_lines], budget=2)
    blocks.append(context(":lock: " + _visibility(viewer, names)))
    blocks.append(context(t(lang, "account.lang_hint")))
    return Reply(text=title, blocks=blocks)


def contacts(wanted: list[Covenant], people: dict[int, list[Person]], lang: str, linked: bool) -> Reply:
    """Whom to ask at the secretariat: names for the asker's own covenants, the secretariat's name otherwise."""
    title = t(lang, "account.contacts_title")
    blocks: list[Block] = [header(title)]
    if not wanted:
        blocks.append(section(t(lang, "account.contacts_none" if linked else "home.unknown_user")))
        blocks.append(context(t(lang, "account.contacts_hint")))
        return Reply(text=title, blocks=blocks)
    lines = []
    for covenant in wanted:
        name = escape(covenant.name(lang))
        secretariat = escape(covenant.secretariat or t(lang, "account.unknown_secretariat"))
        if covenant.id in people:
            found = people[covenant.id]
            named = ", ".join(_mention(p) for p in found) if found else t(lang, "account.nobody_recorded")
            lines.append(f"• *{name}* ({secretariat}): {named}")
        else:
            lines.append(f"• *{name}*: {secretariat} — _{t(lang, 'account.names_for_participants')}_")
        if covenant.secretariat_channel:
            lines[-1] += f" · <#{covenant.secretariat_channel}>"
    blocks += lines_to_sections(lines, budget=5)
    return Reply(text=title, blocks=blocks)


def language_now(viewer: Viewer) -> Reply:
    """The language the bot answers in, where it comes from, and how to change it."""
    text = t(viewer.language, "account.language_now", language=_language_line(viewer))
    return Reply(text=text, blocks=[section(text), context(t(viewer.language, "account.lang_hint"))])


def language_set(lang: str, automatic: bool) -> Reply:
    """Confirmation, in the language now in force."""
    key = "account.language_auto" if automatic else "account.language_set"
    text = ":white_check_mark: " + t(lang, key, language=t(lang, f"language.{lang}"))
    return Reply(text=text, blocks=[section(text)])


def route_now(route: ContactRoute, lang: str) -> Reply:
    """How the person's reminders reach them, and how to change it."""
    text = t(lang, "account.route_now", route=t(lang, f"account.route_{route.value}"))
    return Reply(text=text, blocks=[section(text)])


def route_set(route: ContactRoute, *, changed: bool, lang: str) -> Reply:
    """Confirmation of a chosen route (or that it was chosen already)."""
    key = "account.route_set" if changed else "account.route_unchanged"
    text = ":white_check_mark: " + t(lang, key, route=t(lang, f"account.route_{route.value}"))
    return Reply(text=text, blocks=[section(text)])
