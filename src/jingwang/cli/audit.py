"""``jingwang audit …``: verify the log (chain and signed checkpoints), show entries and
checkpoints; the key commands (keygen, export-key, checkpoint) are in :mod:`.audit_keys`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from jingwang.audit import AuditEntryInfo, latest_entries
from jingwang.audit.checkpoints import CheckpointInfo, list_checkpoints
from jingwang.audit.keys import VerifyKey, load_key, load_public_key
from jingwang.audit.report import LogVerification, Verdict, verify_log
from jingwang.cli import audit_keys
from jingwang.cli.context import CliContext, get_context
from jingwang.cli.exit_codes import ExitCode

audit_app = typer.Typer(
    help="The audit log: verify its hash chain and signed checkpoints, show entries, "
    "manage the signing key."
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
STALE_INTERVALS = 3  # a latest checkpoint older than this many intervals gets a note


def _keys(cli: CliContext, public_keys: list[Path]) -> list[VerifyKey]:
    """The keys to check signatures with: those given, else the configured key's public half."""
    if public_keys:
        return [load_public_key(path) for path in public_keys]
    path = cli.settings.resolved_audit_signing_key
    if not path.exists():
        return []
    return [load_key(path, production=False).verify_key]


@audit_app.command("verify")
def verify_cmd(
    ctx: typer.Context,
    public_keys: Annotated[
        list[Path],
        typer.Option(
            "--public-key",
            help="PEM public key to check checkpoint signatures with (repeat for rotated keys); "
            "default: the public half of the configured signing key.",
            dir_okay=False,
        ),
    ] = [],  # noqa: B006 - Typer copies list defaults
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 unless the result is 'passed'.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check every entry's hash and link, and every checkpoint's signature and head.

    Exit 0 when nothing is wrong, 1 naming the first bad entry or checkpoint.
    """
    cli = get_context(ctx)
    keys = _keys(cli, public_keys)
    stale = dt.timedelta(seconds=STALE_INTERVALS * cli.settings.audit_checkpoint_interval_seconds)
    with cli.db.session() as session:
        result = verify_log(session, keys, stale_after=stale)
    if as_json:
        cli.print_json(dataclasses.asdict(result))
    else:
        _print_verification(cli, result)
    if result.status is Verdict.FAILED or (strict and result.status is not Verdict.PASSED):
        raise typer.Exit(ExitCode.FAILURE)


def _print_verification(cli: CliContext, result: LogVerification) -> None:
    colour = {"passed": "green", "failed": "red", "unknown": "yellow"}[result.status]
    console = cli.console if result.status is not Verdict.FAILED else cli.err

    def out(line: str) -> None:
        console.print(line, soft_wrap=True)  # long problem lines stay whole for grep

    out(f"[{colour}]audit log {result.status}[/]")
    if result.chain is Verdict.PASSED:
        out(f"  chain: intact: {result.entries} entries")
    else:
        out(f"  chain: broken; {result.verified} entries before the first bad one verify")
    out(f"  checkpoints: {_signatures_line(result)}")
    if result.first_bad_seq is not None:
        out(f"[red]audit log broken at entry {result.first_bad_seq}: {result.reason}[/red]")
    for problem in result.problems:
        out(f"  - [red]{problem.kind}[/red]: {problem.detail}")
    for note in result.notes:
        out(f"  note: {note}")
    if result.status is Verdict.FAILED:
        out(
            "Restore the audit tables from a backup and compare; see docs/guide-auditor.md for "
            "what each problem means."
        )


def _signatures_line(result: LogVerification) -> str:
    if not result.key_ids:
        return f"{result.checkpoints} not checked (unknown): no public key"
    keys = ", ".join(f"{key_id[:16]}…" for key_id in result.key_ids)
    line = f"{result.checkpoints_verified} of {result.checkpoints} verified with key {keys}"
    latest = result.latest_checkpoint
    if latest is not None:
        line += f"; latest: seq {latest.seq} at {latest.created_at:%Y-%m-%d %H:%M:%S} UTC"
    return line


@audit_app.command("tail")
def tail_cmd(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many entries.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Show the newest entries, newest first."""
    cli = get_context(ctx)
    with cli.db.session() as session:
        entries = [AuditEntryInfo.model_validate(e) for e in latest_entries(session, limit)]
    if as_json:
        cli.print_json([e.model_dump(mode="json") for e in entries])
        return
    zone = ZoneInfo(cli.settings.display_timezone)
    table = Table("seq", "occurred", "actor", "action", "object")
    for e in entries:
        when = e.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        actor, target = f"{e.actor_type}:{e.actor_id or ''}", f"{e.object_type}:{e.object_id}"
        table.add_row(str(e.seq), when, actor, e.action, target)
    cli.console.print(table)


@audit_app.command("checkpoints")
def checkpoints_cmd(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many checkpoints.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Show the newest signed checkpoints, newest first (keep copies outside the database)."""
    cli = get_context(ctx)
    with cli.db.session() as session:
        found = [CheckpointInfo.of(row) for row in list_checkpoints(session, limit)]
    if as_json:
        cli.print_json([dataclasses.asdict(cp) for cp in found])
        return
    zone = ZoneInfo(cli.settings.display_timezone)
    table = Table("id", "seq", "entries", "signed", "head", "key")
    for cp in found:
        when = cp.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(
            str(cp.id), str(cp.seq), str(cp.entry_count), when, cp.head_hash[:16] + "…",
            cp.key_id[:16] + "…",
        )  # fmt: skip
    cli.console.print(table)


def register(app: typer.Typer) -> None:
    audit_keys.register(audit_app)
    app.add_typer(audit_app, name="audit", no_args_is_help=True)
