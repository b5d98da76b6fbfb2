"""Block Kit for charters: ``/charter`` replies, the charter section of ``/covenant status`` and the Home tab's
"your commitments". Who signed and what they committed to is public; progress notes are shown only where the
service handed them over (``CommitmentProgress.updates`` is None for everyone else)."""

from __future__ import annotations

from bot.db.models import CharterSignatory, Commitment, CommitmentUpdate, Covenant
from bot.i18n import t, tn
from bot.render.blocks import Block, Reply, clip, context, divider, escape, header, lines_to_sections, section
from bot.render.time import date_token
from bot.services.charters.progress import CommitmentProgress, MyCommitments
from bot.services.charters.signatories import CharterOverview

# Signatories listed in the status (the rest are counted; /charter signatories lists more), and how much of each:
# within the sections' budget whatever the charter's size, so the "and N more" line is never cut off.
STATUS_SIGNATORIES = 10
STATUS_COMMITMENTS = 3
LIST_SIGNATORIES = 25
LIST_COMMITMENTS = 10


def help_reply(lang: str) -> Reply:
    """The forms of ``/charter``."""
    title = t(lang, "charter.help_title")
    return Reply(text=title, blocks=[header(title), section(t(lang, "charter.help").strip())])


def _signed_by(signatory: CharterSignatory, lang: str) -> str:
    if not signatory.signed_by_name:
        return ""
    who = escape(signatory.signed_by_name)
    if signatory.signed_by_role:
        who += f", {escape(signatory.signed_by_role)}"
    return " " + t(lang, "charter.signed_by", who=who)


def signatory_line(signatory: CharterSignatory, lang: str) -> str:
    """``• *Org* — signed 5 Dec 2026 by Ann, CEO``."""
    signed = date_token(signatory.signed_on, signatory.covenant.timezone, lang)
    return (
        f"• *{escape(clip(signatory.organisation.name, 120))}* — "
        f"{t(lang, 'charter.signed_on', date=signed)}{_signed_by(signatory, lang)}"
    )


def commitment_line(commitment: Commitment, tz: str, lang: str, width: int = 300) -> str:
    """``2. Internships: Ten places a year (target 10, by 31 Dec 2027)``."""
    kind = t(lang, f"commitment_kind.{commitment.kind.value}")
    line = f"{commitment.number}. _{kind}_: {escape(clip(commitment.text, width))}"
    extras = []
    if commitment.target_number is not None:
        extras.append(t(lang, "charter.target_number", number=commitment.target_number))
    if commitment.target_on is not None:
        extras.append(t(lang, "charter.target_on", date=date_token(commitment.target_on, tz, lang)))
    return line + (f" ({', '.join(extras)})" if extras else "")


def aggregate_line(overview: CharterOverview, lang: str) -> str:
    """``3 of 5 commitments reported on in 2026``."""
    return tn(lang, "charter.reported", overview.commitments, reported=overview.reported, year=overview.year)


def status_blocks(overview: CharterOverview, lang: str) -> list[Block]:
    """The charter's section of ``/covenant status``: signatories with their commitments, progress in aggregate."""
    tz = overview.charter.timezone
    head = f"*{tn(lang, 'charter.signatories_count', len(overview.signatories))}* · {aggregate_line(overview, lang)}"
    lines = [head]
    for signatory in overview.signatories[:STATUS_SIGNATORIES]:
        lines.append(signatory_line(signatory, lang))
        lines += [f"    {commitment_line(c, tz, lang, 100)}" for c in signatory.commitments[:STATUS_COMMITMENTS]]
        if len(signatory.commitments) > STATUS_COMMITMENTS:
            lines.append("    " + t(lang, "common_nav.more", count=len(signatory.commitments) - STATUS_COMMITMENTS))
    if not overview.signatories:
        lines.append(t(lang, "charter.no_signatories"))
    blocks = [divider(), *lines_to_sections(lines, budget=3)]
    hidden = len(overview.signatories) - STATUS_SIGNATORIES
    if hidden > 0:
        blocks.append(context(tn(lang, "charter.more_signatories", hidden, slug=overview.charter.slug)))
    return blocks


def signatory_list(overview: CharterOverview, lang: str) -> Reply:
    """``/charter signatories``: who signed, with what they committed to (public), within one message."""
    charter = overview.charter
    title = t(lang, "charter.signatories_title", charter=charter.name(lang))
    tz = charter.timezone
    lines = []
    for signatory in overview.signatories[:LIST_SIGNATORIES]:
        lines.append(signatory_line(signatory, lang))
        lines += [f"    {commitment_line(c, tz, lang, 200)}" for c in signatory.commitments[:LIST_COMMITMENTS]]
        if len(signatory.commitments) > LIST_COMMITMENTS:
            lines.append("    " + t(lang, "common_nav.more", count=len(signatory.commitments) - LIST_COMMITMENTS))
    head = f"*{tn(lang, 'charter.signatories_count', len(overview.signatories))}* · {aggregate_line(overview, lang)}"
    blocks = [header(title), section(head)]
    blocks += lines_to_sections(lines, budget=40) if lines else [section(t(lang, "charter.no_signatories"))]
    hidden = len(overview.signatories) - LIST_SIGNATORIES
    if hidden > 0:
        blocks.append(context(tn(lang, "charter.more_listed", hidden)))
    fallback = title + "\n" + "\n".join(s.organisation.name for s in overview.signatories)
    return Reply(text=fallback, blocks=blocks)


def _update_line(update: CommitmentUpdate, tz: str, lang: str) -> str:
    achieved = f" ({t(lang, 'charter.achieved', number=update.achieved)})" if update.achieved is not None else ""
    when = date_token(update.reported_on, tz, lang)
    return f"        ↳ {when}: {escape(clip(update.text, 500))}{achieved} — {escape(update.reported_by)}"


def commitments_reply(
    charter: Covenant, signatory: CharterSignatory, found: list[CommitmentProgress], lang: str
) -> Reply:
    """One signatory's commitments; their progress notes when the reader may see them (marked confidential)."""
    tz = charter.timezone
    title = t(lang, "charter.commitments_title", organisation=signatory.organisation.name, charter=charter.name(lang))
    lines = [signatory_line(signatory, lang)]
    confidential = any(item.updates is not None for item in found)
    for item in found:
        lines.append(f"    {commitment_line(item.commitment, tz, lang)}")
        if item.updates is not None:
            lines += [_update_line(u, tz, lang) for u in item.updates[-3:]]
            if item.next_due is not None:
                lines.append("        " + t(lang, "charter.next_due", date=date_token(item.next_due, tz, lang)))
    if not found:
        lines.append(t(lang, "charter.no_commitments"))
    blocks = [header(title), *lines_to_sections(lines, budget=40)]
    if confidential:
        blocks.append(context(t(lang, "charter.confidential_note")))
    return Reply(text=title, blocks=blocks)


def signed(signatory: CharterSignatory, new: bool, lang: str) -> Reply:
    """The answer to ``/charter sign``."""
    key = "charter.signed_new" if new else "charter.signed_corrected"
    text = t(lang, key, organisation=escape(signatory.organisation.name), charter=escape(signatory.covenant.name(lang)))
    return Reply(text=text, blocks=[section(f":white_check_mark: {text}\n{signatory_line(signatory, lang)}")])


def committed(charter: Covenant, commitment: Commitment, organisation: str, lang: str) -> Reply:
    """The answer to ``/charter commit``."""
    text = t(lang, "charter.committed", organisation=escape(organisation), number=commitment.number)
    body = f":white_check_mark: {text}\n{commitment_line(commitment, charter.timezone, lang)}"
    return Reply(text=text, blocks=[section(body), context(t(lang, "charter.committed_hint"))])


def progress_recorded(charter: Covenant, commitment: Commitment, organisation: str, lang: str) -> Reply:
    """The answer to ``/charter progress`` (to the person who recorded it)."""
    text = t(lang, "charter.progress_recorded", organisation=escape(organisation), number=commitment.number)
    return Reply(
        text=text, blocks=[section(f":white_check_mark: {text}"), context(t(lang, "charter.confidential_note"))]
    )


def home_blocks(found: list[MyCommitments], lang: str) -> list[Block]:
    """The Home tab's "your commitments": the viewer's own organisation's commitments, with when the next update
    is due (theirs only)."""
    blocks: list[Block] = []
    for mine in found:
        tz = mine.charter.timezone
        title = t(
            lang,
            "charter.home_title",
            organisation=escape(mine.organisation_name),
            charter=escape(mine.charter.name(lang)),
        )
        lines = [f":lock: *{title}*"]
        for item in mine.commitments[:10]:
            line = f"• {commitment_line(item.commitment, tz, lang)}"
            if item.updates:
                line += " — " + t(lang, "charter.last_update", date=date_token(item.updates[-1].reported_on, tz, lang))
            if item.next_due is not None:
                line += " — " + t(lang, "charter.next_due", date=date_token(item.next_due, tz, lang))
            lines.append(line)
        if not mine.commitments:
            lines.append(t(lang, "charter.no_commitments"))
        blocks += [divider(), *lines_to_sections(lines, budget=1)]
    return blocks[:8]
