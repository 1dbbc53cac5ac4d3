"""``python -m server``: run the server, or administer it (``python -m server admin ...``)."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import shutil
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from desktop.domain.protocol import TOMBSTONE_DAYS
from server import __version__, admin
from server.audit_log import CSV_LIMIT
from server.config import (
    CONFIG_FILE_VARIABLE,
    DEFAULT_HOST,
    DEFAULT_PORT,
    ConfigError,
    Settings,
    load_settings,
    prepared_folder,
)
from server.db import make_engine, migrate
from server.metrics import MULTIPROCESS_VARIABLE
from server.prepared import PreparedCopies, team_sets, teams_now
from server.store import audit_origin

DB_HELP = "database URL, e.g. postgresql+psycopg://user@host/feltbog (default: SQLite in the user data folder)"


def _admin_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # --db is accepted before "admin", after it, or after the command.
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
    p = sub.add_parser("admin", help="manage teams, users and data", parents=[db])
    cmds = p.add_subparsers(dest="command", required=True)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = cmds.add_parser(name, help=text, parents=[db])
        return parser

    command("create-team", "create a team, e.g. 'Jobcenter Jammerbugt'").add_argument("name")
    c = command("create-user", "create a user")
    c.add_argument("username")
    c.add_argument("--full-name", required=True)
    c.add_argument("--role", choices=["consultant", "supervisor", "admin"], default="consultant")
    c.add_argument("--password", help="(prompted for when left out)")
    c.add_argument("--email")
    c.add_argument("--team", action="append", default=[], help="add to this team (name or id); repeatable")
    for name, text in (("add-member", "add a user to a team"), ("remove-member", "remove a user from a team")):
        c = command(name, text)
        c.add_argument("user")
        c.add_argument("team")
    c = command("reset-password", "set a new password (signs the user out everywhere)")
    c.add_argument("user")
    c.add_argument("--password", help="(prompted for when left out)")
    command("revoke", "revoke all of a user's devices").add_argument("user")
    c = command("set-role", "give a user another role")
    c.add_argument("user")
    c.add_argument("role", choices=list(admin.ROLES))
    command("disable", "disable a user (their tokens stop working)").add_argument("user")
    command("enable", "enable a disabled user").add_argument("user")
    command("list-users", "list users with roles and teams")
    command("list-teams", "list teams")
    c = command("backup", "copy the SQLite database while the server runs, check the copy (PostgreSQL: pg_dump)")
    c.add_argument("destination", help="a file, or a folder (ending in /) for a time-stamped file")
    c.add_argument("--keep", type=int, default=None, help="with a folder: keep only the N newest backups there")
    c = command("purge-tombstones", "drop deletes older than N days (older cursors then get 410)")
    c.add_argument("--days", type=int, default=TOMBSTONE_DAYS)
    c = command("revoke-device", "revoke one device of a user (it wipes its data on its next sync)")
    c.add_argument("user", nargs="?", help="the user (with DEVICE_NAME)")
    c.add_argument("device_name", nargs="?", help="the name it signed in with; refused when two sign-ins share it")
    c.add_argument("--id", dest="device_id", help="the sign-in's id (list-devices shows it): revoke just that one")
    command("list-devices", "list a user's signed-in devices").add_argument("user")
    c = command("audit", "read the audit log, newest first (as the web console's audit page)")
    c.add_argument("--user", help="a username or user id")
    c.add_argument("--team", help="a team name or id")
    c.add_argument("--action", help="an action, or a family ending in ':' (e.g. admin:)")
    c.add_argument("--since", type=_day_or_time, help="from this day or time (YYYY-MM-DD[THH:MM], UTC)")
    c.add_argument("--until", type=_day_or_time, help="before this day or time (YYYY-MM-DD[THH:MM], UTC)")
    c.add_argument("--limit", type=int, default=200, help=f"at most this many rows (default 200, max {CSV_LIMIT})")
    c.add_argument("--csv", action="store_true", help="CSV (as the console's export) instead of JSON lines")
    for name, text in (("export-person", "export everything stored about a person as JSON (GDPR)"),
                       ("erase-person", "anonymise a person's contacts/mentors and erase mentions (GDPR)")):
        c = command(name, text)
        c.add_argument("--name")
        c.add_argument("--email")
        c.add_argument("--phone")
        c.add_argument("--cpr", help="a CPR number written into free text (ddmmyy-xxxx, ddmmyyxxxx)")
        if name == "export-person":
            c.add_argument("--out", help="write the JSON to this file (default: standard output)")
        else:
            c.add_argument("--dry-run", action="store_true", help="only list what would change")
    c = command("merge-companies", "merge a duplicate company into another of its team (undo within 30 days)")
    c.add_argument("duplicate")
    c.add_argument("into")
    command("unmerge-company", "take back a manual merge of this company").add_argument("duplicate")
    command("duplicate-companies", "list companies of a team with the same name and address").add_argument("team")
    c = command("send-digest", "e-mail a team's weekly digest to its supervisors (needs FELTBOG_SMTP_HOST)")
    c.add_argument("--team", required=True, help="team name or id")
    c.add_argument("--week-of", type=date.fromisoformat, default=None,
                   help="a day (YYYY-MM-DD) in the week to count (default: last week)")
    c.add_argument("--to", action="append", default=[], help="send to this address instead; repeatable")
    c.add_argument("--print", action="store_true", help="only print the digest, send nothing")
    command("prepare-copies", "build the prepared first syncs that are missing or behind, now (the maintenance "
            "timer runs it nightly)")
    c = command("apply-retention", "anonymise visit notes older than N years (default FELTBOG_RETENTION_YEARS, 5)")
    c.add_argument("--visits-older-than-years", type=int, default=None)
    c.add_argument("--dry-run", action="store_true", help="only list what would change")


def _day_or_time(text: str) -> datetime:
    """A ``--since``/``--until`` value: a day (its midnight) or a time; UTC unless it names its zone."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM): {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _password(given: str | None) -> str:
    if given:
        return given
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise admin.AdminError("The passwords differ.")
    return first


PRIVACY_COMMANDS = ("revoke-device", "list-devices", "audit", "export-person", "erase-person", "apply-retention")


def _privacy(conn: Connection, args: argparse.Namespace) -> None:
    """The personal-data and device commands (server/personal_data.py, server/erasure.py, server/access.py)."""
    from server.erasure import apply_retention, erase_person
    from server.personal_data import Person, export_audited

    def dump(value: object) -> str:
        return json.dumps(value, indent=2, ensure_ascii=False, default=str)

    cmd = args.command
    if cmd == "revoke-device":
        _revoke_device(conn, args)
    elif cmd == "list-devices":
        print(dump(admin.devices(conn, args.user, include_ended=True)))
    elif cmd == "audit":
        _audit(conn, args)
    elif cmd == "export-person":
        document = export_audited(conn, Person.from_values(args.name, args.email, args.phone, args.cpr), None)
        if args.out:
            Path(args.out).write_text(dump(document), encoding="utf-8")
            print(f"wrote {len(document['records'])} record(s) to {args.out}")
        else:
            print(dump(document))
    elif cmd == "erase-person":
        person = Person.from_values(args.name, args.email, args.phone, args.cpr)
        print(dump(erase_person(conn, person, dry_run=args.dry_run)))
    elif cmd == "apply-retention":
        years = args.visits_older_than_years or args.retention_years
        print(dump(apply_retention(conn, years, dry_run=args.dry_run)))


def _revoke_device(conn: Connection, args: argparse.Namespace) -> None:
    """By ``--id``: that one sign-in. By user and name: refused when the name is not unique among live ones."""
    if args.device_id:
        if args.user or args.device_name:
            raise admin.AdminError("Give either --id or USER DEVICE_NAME, not both.")
        user_id = admin.revoke_token(conn, args.device_id)
        print(f"revoked sign-in {args.device_id} of user {user_id}")
    elif args.user and args.device_name:
        print(f"revoked {admin.revoke_device(conn, args.user, args.device_name)} token(s)")
    else:
        raise admin.AdminError("Give USER DEVICE_NAME, or --id ID (python -m server admin list-devices USER).")


def _audit(conn: Connection, args: argparse.Namespace) -> None:
    """The audit log through the console's reader (server/audit_log.py): JSON lines, or CSV with --csv."""
    from server.audit_log import AuditQuery, read_audit, to_csv

    if not 1 <= args.limit <= CSV_LIMIT:
        raise admin.AdminError(f"--limit must be between 1 and {CSV_LIMIT}.")
    query = AuditQuery(user_id=admin.find_user(conn, args.user) if args.user else None,
                       team_id=admin.find_team(conn, args.team) if args.team else None,
                       action=args.action or None, since=args.since, until=args.until)
    rows = read_audit(conn, query, args.limit)
    if args.csv:
        sys.stdout.write(to_csv(rows))
    else:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))


def cli_origin() -> dict[str, str]:
    """What the admin CLI's audit rows say about who ran it: the OS user at the terminal (and sudo's caller)."""
    try:
        os_user = getpass.getuser()
    except (OSError, KeyError):  # no name for this uid (a container without a passwd entry)
        os_user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "?"
    origin = {"via": "cli", "os_user": os_user}
    if os.environ.get("SUDO_USER"):  # run through sudo: the person behind it, as sudo itself records
        origin["sudo_user"] = os.environ["SUDO_USER"][:64]
    return origin


def run_admin(args: argparse.Namespace) -> int:
    """Carry out one admin command; prints what it did."""
    if args.command == "backup":
        return _backup(args)
    if args.command == "prepare-copies":
        return _prepare_copies(args)
    engine = make_engine(args.db)
    migrate(engine)
    try:
        with audit_origin(**cli_origin()), engine.execution_options(write=True).begin() as conn:
            admin.ensure_counters(conn)
            cmd = args.command
            if cmd == "create-team":
                print(admin.create_team(conn, args.name))
            elif cmd == "create-user":
                user_id = admin.create_user(conn, args.username, args.full_name, args.role,
                                            _password(args.password), args.email)
                for team in args.team:
                    admin.add_member(conn, user_id, team)
                print(user_id)
            elif cmd == "add-member":
                admin.add_member(conn, args.user, args.team)
            elif cmd == "remove-member":
                admin.remove_member(conn, args.user, args.team)
            elif cmd == "reset-password":
                admin.reset_password(conn, args.user, _password(args.password))
            elif cmd == "revoke":
                print(f"revoked {admin.revoke_user(conn, args.user)} token(s)")
            elif cmd == "set-role":
                admin.set_role(conn, args.user, args.role)
            elif cmd in ("disable", "enable"):
                admin.set_active(conn, args.user, cmd == "enable")
            elif cmd == "list-users":
                print(json.dumps(admin.list_users(conn), indent=2, ensure_ascii=False))
            elif cmd == "list-teams":
                print(json.dumps(admin.list_teams(conn), indent=2, ensure_ascii=False))
            elif cmd == "purge-tombstones":
                print(f"purged {admin.purge_tombstones(conn, args.days)} tombstone(s)")
            elif cmd in PRIVACY_COMMANDS:
                _privacy(conn, args)
            elif cmd in ("merge-companies", "unmerge-company", "duplicate-companies"):
                _merge(conn, args)
            elif cmd == "send-digest":
                _send_digest(conn, args)
    except admin.AdminError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if args.command in ("erase-person", "apply-retention"):
            from server.erasure import after_erasure

            folder = getattr(args, "prepared_folder", None)
            after_erasure(engine, None if folder is None else PreparedCopies(folder, args.db))
        engine.dispose()
    return 0


def _prepare_copies(args: argparse.Namespace) -> int:
    """Build, one after the other, each team set's prepared first sync that is missing or older than its data.

    Run at night (feltbog-maintenance.service), so the morning's new laptops find a copy with nothing to
    pull after it, and none of them waits for a build; the server builds on demand as well.
    """
    engine = make_engine(args.db)
    migrate(engine)
    copies = PreparedCopies(args.prepared_folder, args.db)
    failed = 0
    try:
        if not args.prepared_min_records:
            print("prepared first syncs are turned off (FELTBOG_PREPARED_MIN_RECORDS=0)")
            return 0
        for teams in team_sets(engine):
            now = teams_now(engine, teams)
            if now.records < args.prepared_min_records:
                continue
            copy = copies.usable(now)
            if copy is not None and copy.cursor >= now.cursor:
                print(f"{now.key[:8]}: up to date ({copy.records} records)")
                continue
            if not copies.start_build(now.key, now.teams, now.era, now.generation, engine):
                print(f"{now.key[:8]}: a build runs already (or failed within the last 15 minutes)")
                continue
            copies.wait()
            built = copies.usable(now)
            if built is None or (copy is not None and built.cursor <= copy.cursor):
                print(f"{now.key[:8]}: the build failed (see the log)", file=sys.stderr)
                failed += 1
            else:
                print(f"{now.key[:8]}: {built.records} records up to {built.cursor}, {built.size / 1e6:.1f} MB")
    finally:
        engine.dispose()
    return 1 if failed else 0


def _send_digest(conn: Connection, args: argparse.Namespace) -> None:
    """The weekly digest by e-mail (server/digest.py), or printed with --print."""
    from desktop.domain.digest import last_week
    from server.digest import MailSettings, digest_message, send_digest

    day = args.week_of or date.today()
    monday = day - timedelta(days=day.weekday()) if args.week_of else last_week(day)
    if args.print:
        message = digest_message(conn, args.team, monday, "", args.to)
        body = message.get_body(("plain",))
        assert body is not None  # digest_message always writes the plain text first
        print(body.get_content(), end="")
        return
    message = send_digest(conn, args.team, monday, MailSettings.from_environment(), args.to)
    print(f"sent '{message['Subject']}' to {message['To']}")


def _backup(args: argparse.Namespace) -> int:
    from server.backup import BackupError, backup

    if args.keep is not None and args.keep < 1:
        print("error: --keep must be at least 1", file=sys.stderr)
        return 2
    try:
        result = backup(args.db, args.destination, keep=args.keep)
    except (BackupError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _merge(conn: Connection, args: argparse.Namespace) -> None:
    """Manual company merges by an administrator (any team)."""
    from server import manual_merge
    from server.tables import Team

    teams = set(conn.execute(select(Team.id)).scalars())
    try:
        if args.command == "merge-companies":
            result = manual_merge.merge_companies(conn, None, "admin", teams, args.duplicate, args.into)
        elif args.command == "unmerge-company":
            result = manual_merge.undo_merge(conn, None, "admin", teams, args.duplicate)
        else:
            result = {"groups": manual_merge.candidates(conn, admin.find_team(conn, args.team))}
    except manual_merge.MergeRefused as refused:
        raise admin.AdminError(refused.message) from None
    print(json.dumps(result, indent=2, ensure_ascii=False))


def uvicorn_limits(forwarded_allow_ips: str) -> dict[str, Any]:
    """What one connection may hold: uvicorn's own limits (docs/deploy.md has nginx's in front of them).

    Only the listed proxies may name the client in ``X-Forwarded-For``; from any
    other address the header is ignored, so a client cannot choose the address
    the login limits count. The body of a request must arrive within
    ``Settings.body_timeout_seconds`` (the app's BodyLimit); slow headers are
    nginx's to cut off (``client_header_timeout``).
    """
    return {
        "proxy_headers": bool(forwarded_allow_ips),
        "forwarded_allow_ips": forwarded_allow_ips or None,
        "timeout_keep_alive": 5,  # an idle kept-alive connection is closed after 5 s
        "h11_max_incomplete_event_size": 16 * 1024,  # request line and headers: 16 KiB at most
        "limit_concurrency": 1000,  # more connections at once get 503 instead of exhausting the process
        "backlog": 2048,
        "timeout_graceful_shutdown": 30,
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m server``: the options override the settings (``FELTBOG_*``, server/config.py)."""
    parser = argparse.ArgumentParser(prog="python -m server", description="Feltbog sync server")
    parser.add_argument("--config", default=None, metavar="FILE",
                        help=f"settings file of FELTBOG_NAME=value lines (default: ${CONFIG_FILE_VARIABLE}); "
                             "the environment wins over it")
    parser.add_argument("--db", default=None, help=DB_HELP + "; better FELTBOG_SERVER_DB, which `ps` does not show")
    parser.add_argument("--host", default=None, help=f"default {DEFAULT_HOST} (FELTBOG_HOST)")
    parser.add_argument("--port", type=int, default=None, help=f"default {DEFAULT_PORT} (FELTBOG_PORT)")
    parser.add_argument("--workers", type=int, default=None, help="uvicorn processes, default 1 (FELTBOG_WORKERS)")
    parser.add_argument("--forwarded-allow-ips", default=None,
                        help="the reverse proxies whose X-Forwarded-For names the client (comma-separated; "
                             "default 127.0.0.1, nginx on the same host; '' trusts nobody; "
                             "FELTBOG_FORWARDED_ALLOW_IPS); see docs/deploy.md")
    sub = parser.add_subparsers(dest="mode")
    _admin_parser(sub)
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, database_url=args.db, host=args.host, port=args.port,
                                 workers=args.workers, forwarded_allow_ips=args.forwarded_allow_ips)
    except ConfigError as exc:
        print(f"Invalid settings:\n{exc}", file=sys.stderr)
        return 2
    if args.mode == "admin":
        args.db, args.retention_years = settings.database_url, settings.retention_years
        args.prepared_folder = prepared_folder(settings)
        args.prepared_min_records = settings.prepared_min_records
        if "database_url" not in settings.model_fields_set:  # no --db, FELTBOG_SERVER_DB or settings file
            default_file = Path(settings.database_url.removeprefix("sqlite:///"))
            if not default_file.is_file():
                # Never a fresh private database the server does not use: the change would be lost unseen.
                print(f"error: no database given. Name the server's database with --db URL, FELTBOG_SERVER_DB or "
                      f"a settings file (FELTBOG_CONFIG_FILE, e.g. /etc/feltbog/feltbog-server.env); "
                      f"the default SQLite file {default_file} does not exist.", file=sys.stderr)
                return 2
            print(f"note: no database given (--db, FELTBOG_SERVER_DB or FELTBOG_CONFIG_FILE): using the existing "
                  f"SQLite file {default_file}", file=sys.stderr)
        return run_admin(args)
    return serve(settings, args.config)


def serve(settings: Settings, config_file: str | None) -> int:
    """Migrate, then run uvicorn with the server's JSON log; the workers read the same settings."""
    import uvicorn

    from server import logs

    logs.configure(settings.log_level, settings.log_format)
    engine = make_engine(settings.database_url)
    migrate(engine)
    with engine.execution_options(write=True).begin() as conn:
        admin.ensure_counters(conn)
    engine.dispose()
    # The workers build their own Settings from the environment: hand them what the options changed.
    os.environ["FELTBOG_SERVER_DB"] = settings.database_url
    os.environ["FELTBOG_FORWARDED_ALLOW_IPS"] = settings.forwarded_allow_ips
    if config_file:
        os.environ[CONFIG_FILE_VARIABLE] = str(Path(config_file).resolve())
    own_metrics_folder = None
    if settings.workers > 1 and not os.environ.get(MULTIPROCESS_VARIABLE):
        # Every worker writes its metrics here; /metrics in any of them reports the sum (server/metrics.py).
        own_metrics_folder = os.environ[MULTIPROCESS_VARIABLE] = tempfile.mkdtemp(prefix="feltbog-metrics-")
    logging.getLogger("server").info("starting", extra={
        "host": settings.host, "port": settings.port, "workers": settings.workers,
        "database": settings.database_url.split("://")[0], "version": __version__})
    try:
        uvicorn.run("server.app:app_from_environment", factory=True, host=settings.host, port=settings.port,
                    workers=settings.workers, log_config=logs.logging_config(settings.log_level, settings.log_format),
                    access_log=False, **uvicorn_limits(settings.forwarded_allow_ips))
    finally:
        if own_metrics_folder:
            shutil.rmtree(own_metrics_folder, ignore_errors=True)
    return 0
