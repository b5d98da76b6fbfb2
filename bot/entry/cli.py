"""The ``covenant-bot`` command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from config.settings import Settings, SettingsError, load_settings

T = TypeVar("T")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="covenant-bot", description="Slack bot for IMVO/RBC covenants.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    console = commands.add_parser("console", help="run the bot in this terminal, no Slack workspace needed")
    console.add_argument("--demo", action="store_true", help="use a fresh database with public and demo data")
    console.add_argument("--as", dest="as_person", metavar="PERSON", help="act as this demo person")
    console.add_argument(
        "--charts",
        metavar="DIR",
        type=Path,
        help="where charts the bot sends are written (default ~/covenant-bot-charts)",
    )

    commands.add_parser(
        "socket", help="connect to Slack in Socket Mode, scheduler included (SLACK_APP_TOKEN, SLACK_BOT_TOKEN)"
    )
    commands.add_parser("scheduler", help="send reminders and digests (the Procfile's clock process)")
    sweep = commands.add_parser("sweep", help="run one reminder sweep now and print what it did")
    sweep.add_argument("--until-idle", action="store_true", help="sweep again until nothing is due or claimed")
    sweep.add_argument("--lease", type=float, default=300.0, metavar="SECONDS", help="claim lease (default 300)")
    sweep.add_argument("--max-seconds", type=float, default=600.0, help="stop --until-idle after this long")
    sweep.add_argument("--batch", type=int, default=200, help="deliveries claimed at a time (default 200)")
    sweep.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="Web API timeout (default 10)")
    serve = commands.add_parser("serve", help="local HTTP server for trying HTTP mode (production: gunicorn)")
    serve.add_argument("--port", type=int, help="port (default: PORT)")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply the migrations")
    db_commands.add_parser("current", help="show the migration the database is at")

    seed = commands.add_parser("seed", help="load the public covenant list (idempotent)")
    seed.add_argument("--demo", action="store_true", help="also load the fictional demo data")

    from bot.services.imports import KINDS, file_formats

    load = commands.add_parser(
        "import",
        help="load organisations, contacts or deadlines from a CSV file (all rows or none)",
        description="Check every row of FILE.csv, then insert or update them all in one transaction. When any row "
        "is wrong nothing is written and each problem is reported by row and column (exit code 1). Importing the "
        "same file again changes nothing.",
        epilog=file_formats(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    load.add_argument("what", choices=list(KINDS), help="what the file holds")
    load.add_argument("file", metavar="FILE.csv", help="the CSV file")
    load.add_argument("--dry-run", action="store_true", help="check and count what would change; write nothing")

    admin = commands.add_parser("admin", help="make or unmake secretariat members (the first one of a new install)")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    for action, says in (("grant", "make someone a secretariat member"), ("revoke", "take that role away")):
        change = admin_commands.add_parser(action, help=f"{says} of a covenant")
        change.add_argument(
            "who",
            metavar="SLACK_ID|EMAIL",
            help="their Slack member id (U…), or their email address (linked to their Slack user when they first "
            "use the bot)",
        )
        change.add_argument("role", choices=["secretariat"], help="the role")
        change.add_argument("covenant", metavar="COVENANT", help="the covenant's slug or name")
        if action == "grant":
            change.add_argument("--name", help="their name, when the bot does not know them yet (a Slack id needs one)")
    listing = admin_commands.add_parser(
        "list", help="the secretariat members of every covenant: covenant, Slack id, email, name (tab-separated)"
    )
    listing.add_argument("--covenant", metavar="X", help="only this covenant's (slug or name)")

    privacy = commands.add_parser("privacy", help="one person's data (AVG/GDPR): export, erase; the retention policy")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True, metavar="ACTION")
    person_help = "a Slack id (U…), an email address or person:<id>"
    show = privacy_commands.add_parser("export", help="everything the bot holds about one person: JSON and a summary")
    show.add_argument("person", metavar="PERSON", help=person_help)
    show.add_argument(
        "--out", metavar="DIR", help="write <person>.json and <person>.md into DIR (default: JSON to stdout)"
    )
    show.add_argument("--lang", choices=["nl", "en"], help="the summary's language (default: BOT_LANGUAGE)")
    erase = privacy_commands.add_parser("erase", help="remove or pseudonymise one person's data everywhere")
    erase.add_argument("person", metavar="PERSON", help=person_help)
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    retention = privacy_commands.add_parser("retention", help="apply config/retention.yml now")
    retention.add_argument("--dry-run", action="store_true", help="list what would be removed; remove nothing")

    export = commands.add_parser("export", help="write deadlines as CSV, in the columns `import deadlines` reads")
    export.add_argument("what", choices=["deadlines"], help="what to export")
    export.add_argument("--covenant", metavar="X", help="only this covenant's deadlines (slug or name)")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    report = commands.add_parser(
        "report", help="the annual report pack of a covenant: an Excel workbook and a Markdown summary beside it"
    )
    report.add_argument("covenant", metavar="COVENANT", help="the covenant's slug or name")
    report.add_argument("--cycle", type=int, required=True, metavar="YEAR", help="the cycle year, e.g. 2026")
    report.add_argument("--output", "-o", default="report.xlsx", metavar="FILE.xlsx", help="default report.xlsx")
    report.add_argument("--public", action="store_true", help="the pack for publishing: aggregates only")
    report.add_argument("--lang", choices=["nl", "en"], help="default: the covenant's language, else BOT_LANGUAGE")
    return parser


def _db(settings: Settings, action: str) -> int:
    from bot.db.engine import make_engine
    from bot.db.migrate import current_revision, upgrade

    engine = make_engine(settings.database_url)
    if action == "upgrade":
        upgrade(engine)
        print(f"database at {current_revision(engine)}: {engine.url.render_as_string(hide_password=True)}")
    else:
        print(current_revision(engine) or "not migrated")
    return 0


def _seed(settings: Settings, demo: bool) -> int:
    from bot.clock import SystemClock
    from bot.db.engine import make_engine, make_session_factory
    from bot.services.administration import seed

    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        count = seed.load_public(session)
        print(f"{count} covenants and initiatives loaded")
        if demo:
            now = SystemClock().now()
            seed.load_demo(session, now.date(), now)
            print("demo data loaded")
    return 0


def _sweep(settings: Settings, until_idle: bool, lease: float, max_seconds: float, batch: int, timeout: float) -> int:
    import time
    from datetime import timedelta

    from bot.app import build_sweeper
    from bot.delivery import store

    settings.require("SLACK_BOT_TOKEN")
    sweeper = build_sweeper(settings)
    sweeper.lease = timedelta(seconds=lease)
    sweeper.batch = batch
    # urllib takes a float; slack_sdk annotates int.
    sweeper.client.timeout = timeout  # type: ignore[assignment]
    deadline = time.monotonic() + max_seconds
    while True:
        result = sweeper.run_once()
        print(f"sweep: {result}", flush=True)
        if not until_idle:
            return 0
        with sweeper.session_factory() as session:
            busy = store.outstanding(session, sweeper.clock.now())
        if result.claimed == 0 and not busy:
            return 0
        if time.monotonic() > deadline:
            print("covenant-bot: still busy after --max-seconds", file=sys.stderr)
            return 1
        if result.claimed == 0:
            time.sleep(0.2)


def _progress_bar(rows: Sequence[T], /) -> Iterable[T]:
    """A progress bar on stderr while rows are written, shown only to a person watching a terminal."""
    from tqdm import tqdm

    return tqdm(rows, desc="importing", unit="row", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False)


def _import(settings: Settings, what: str, file: str, dry_run: bool) -> int:
    from bot.clock import SystemClock
    from bot.db.engine import make_engine, make_session_factory
    from bot.services.imports import import_csv

    try:
        data = Path(file).read_bytes()
    except OSError as error:
        print(f"covenant-bot: cannot read {file}: {error.strerror or error}", file=sys.stderr)
        return 2
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        report = import_csv(
            session, what, data, source=file, now=SystemClock().now(), dry_run=dry_run, progress=_progress_bar
        )
    for problem in report.errors:
        print(problem, file=sys.stderr)
    print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def _export(settings: Settings, covenant_name: str | None, output: str | None) -> int:
    from bot.db.engine import make_engine, make_session_factory
    from bot.services.administration import exports
    from bot.services.imports import resolve_covenant

    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        covenant = None
        if covenant_name is not None:
            found = resolve_covenant(session, covenant_name)
            if isinstance(found, str):
                print(f"covenant-bot: {found}", file=sys.stderr)
                return 2
            covenant = found
        if output is None:
            exports.export_deadlines(session, sys.stdout, covenant)
            return 0
        target = Path(output)
        # Written beside the target and renamed over it: a failed export never leaves half a file.
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with open(descriptor, "w", encoding="utf-8", newline="") as handle:
                count = exports.export_deadlines(session, handle, covenant)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    print(f"{count} deadlines written to {output}", file=sys.stderr)
    return 0


def _report(settings: Settings, args: argparse.Namespace) -> int:
    """``report``: write FILE.xlsx and FILE.md (same stem) for the secretariat, or with --public for publishing."""
    from bot.clock import SystemClock
    from bot.commands.report import report_charts
    from bot.db.engine import make_engine, make_session_factory
    from bot.render import report_summary, report_workbook
    from bot.services.imports import resolve_covenant
    from bot.services.reports.figures import Audience
    from bot.services.reports.pack import gather

    target = Path(args.output)
    if target.suffix.lower() != ".xlsx":
        print("covenant-bot: --output must name an .xlsx file", file=sys.stderr)
        return 2
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        found = resolve_covenant(session, args.covenant)
        if isinstance(found, str):
            print(f"covenant-bot: {found}", file=sys.stderr)
            return 2
        audience = Audience.PUBLIC if args.public else Audience.SECRETARIAT
        pack = gather(session, found, args.cycle, audience, SystemClock().now())
        lang = args.lang or pack.language or settings.bot_language
        charts = report_charts(session, found, pack, lang)
    summary = target.with_suffix(".md")
    files = {
        target: report_workbook.workbook(pack, lang),
        summary: report_summary.markdown(pack, lang, target.name, charts).encode("utf-8"),
    }
    files.update({target.parent / chart.filename: chart.png for chart in charts})
    for path, content in files.items():
        # Written beside the target and renamed over it: a failed write never leaves half a file.
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with open(descriptor, "wb") as handle:
                handle.write(content)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    print("\n".join(str(path) for path in files))
    return 0


def _admin(settings: Settings, args: argparse.Namespace) -> int:
    """``admin grant|revoke|list``: one line per change or member; a mistake is one line and exit code 2."""
    from bot.clock import SystemClock
    from bot.db.engine import make_engine, make_session_factory
    from bot.services.administration import operators
    from bot.services.imports import resolve_covenant

    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        covenant = None
        if getattr(args, "covenant", None) is not None:
            found = resolve_covenant(session, args.covenant)
            if isinstance(found, str):
                print(f"covenant-bot: {found}", file=sys.stderr)
                return 2
            covenant = found
        if args.admin_command == "list":
            for member in operators.members(session, covenant):
                person = member.person
                print(f"{member.covenant.slug}\t{person.slack_user_id or '-'}\t{person.email or '-'}\t{person.name}")
            return 0
        if covenant is None:  # argparse makes it required for grant and revoke
            return 2
        now = SystemClock().now()
        try:
            if args.admin_command == "grant":
                changed = operators.grant(session, args.who, covenant, now, args.name)
                done, unchanged = "is now a secretariat member of", "was already a secretariat member of"
            else:
                changed = operators.revoke(session, args.who, covenant, now)
                done, unchanged = "is no longer a secretariat member of", "was no secretariat member of"
        except operators.OperatorError as error:
            print(f"covenant-bot: {error}", file=sys.stderr)
            return 2
        print(f"{args.who.strip()} {done if changed else unchanged} {covenant.slug}")
        if args.admin_command == "revoke" and not operators.members(session, covenant):
            print(f"covenant-bot: {covenant.slug} has no secretariat member now", file=sys.stderr)
    return 0


def _privacy(settings: Settings, args: argparse.Namespace) -> int:
    """``privacy export|erase|retention``; an unknown person is one line and exit code 2."""
    from bot.clock import SystemClock
    from bot.db.engine import make_engine, make_session_factory
    from bot.i18n import t
    from bot.render import privacy as render
    from bot.services.administration import operators
    from bot.services.privacy import erase, export, retention, subjects

    factory = make_session_factory(make_engine(settings.database_url))
    now = SystemClock().now()
    if args.privacy_command == "retention":
        try:
            rules = retention.load_policy()
        except retention.RetentionPolicyError as error:
            print(f"covenant-bot: {error}", file=sys.stderr)
            return 2
        with factory() as session:
            outcomes = retention.apply(session, rules, now, dry_run=args.dry_run)
        print("\n".join(retention.report(rules, outcomes, args.dry_run)))
        return 0
    with factory() as session:
        try:
            subject = subjects.resolve(session, args.person)
        except subjects.UnknownPerson as error:
            print(f"covenant-bot: {error}", file=sys.stderr)
            return 2
        if args.privacy_command == "export":
            data = export.export(session, subject, now)
            lang = args.lang or settings.bot_language
            data["summary"] = render.summary(data, lang)
            if args.out is None:
                sys.stdout.write(render.as_json(data))
                return 0
            folder = Path(args.out)
            folder.mkdir(parents=True, exist_ok=True)
            stem = "privacy-" + "".join(ch if ch.isalnum() else "-" for ch in args.person.strip())
            (folder / f"{stem}.json").write_text(render.as_json(data), encoding="utf-8")
            (folder / f"{stem}.md").write_text(render.summary(data, lang), encoding="utf-8")
            print(f"{len(data['records'])} records written to {folder / stem}.json and .md", file=sys.stderr)
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                print("covenant-bot: erase asks for confirmation: run it in a terminal or add --yes", file=sys.stderr)
                return 2
            answer = input(f"Erase every trace of {args.person}? This cannot be undone. Type 'erase': ")
            if answer.strip() != "erase":
                print("covenant-bot: not erased", file=sys.stderr)
                return 1
        done = erase.erase(session, subject, t(settings.bot_language, "privacy.pseudonym"), now, operators.OPERATOR)
        print(erase.describe(done))
    return 0


def _data_command(settings: Settings, args: argparse.Namespace) -> int:
    """Run a data command (import, export, admin, privacy, report); an unreadable database is one line, exit code 2."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        if args.command == "import":
            return _import(settings, args.what, args.file, args.dry_run)
        if args.command == "admin":
            return _admin(settings, args)
        if args.command == "privacy":
            return _privacy(settings, args)
        if args.command == "report":
            return _report(settings, args)
        return _export(settings, args.covenant, args.output)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(f"covenant-bot: database error: {reason} (is it migrated? covenant-bot db upgrade)", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"covenant-bot: {error}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (2 for a usage or settings error)."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        logging.basicConfig(
            level=logging.WARNING if args.command == "console" else settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        if settings.log_level != "DEBUG":
            logging.getLogger("alembic").setLevel(logging.WARNING)
        if args.command == "console":
            from bot.entry.console.session import run

            return run(
                settings,
                demo=args.demo,
                as_person=args.as_person,
                stdin=sys.stdin,
                out=sys.stdout,
                charts_dir=args.charts,
            )
        if args.command == "socket":
            from bot.entry import socket_mode

            socket_mode.run(settings)
            return 0
        if args.command == "scheduler":
            from bot.app import build_sweeper
            from bot.scheduler import run_blocking

            settings.require("SLACK_BOT_TOKEN")
            run_blocking(build_sweeper(settings))
            return 0
        if args.command == "sweep":
            return _sweep(settings, args.until_idle, args.lease, args.max_seconds, args.batch, args.timeout)
        if args.command == "serve":
            from bot.entry.web import build

            build(settings).run(host="127.0.0.1", port=args.port or settings.port)
            return 0
        if args.command == "db":
            return _db(settings, args.db_command)
        if args.command == "seed":
            return _seed(settings, args.demo)
        if args.command in ("import", "export", "admin", "privacy", "report"):
            return _data_command(settings, args)
    except SettingsError as error:
        print(f"covenant-bot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
