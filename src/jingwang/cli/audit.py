"""``jingwang audit …``: verify the hash chain, show the latest entries."""

from __future__ import annotations

import dataclasses
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from jingwang.audit import AuditEntryInfo, latest_entries, verify_chain
from jingwang.cli.context import get_context
from jingwang.cli.exit_codes import ExitCode

audit_app = typer.Typer(help="The audit log: verify its hash chain, show entries.")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


@audit_app.command("verify")
def verify_cmd(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Check every entry's hash and link. Exit 0 when intact, 1 naming the first bad entry."""
    cli = get_context(ctx)
    with cli.db.session() as session:
        result = verify_chain(session)
    if as_json:
        cli.print_json(dataclasses.asdict(result))
    elif result.ok:
        cli.console.print(f"audit chain intact: {result.count} entries")
    else:
        cli.err.print(
            f"[red]audit chain broken at entry {result.first_bad_seq}: {result.reason}[/red] "
            f"({result.detail}); {result.count} entries before it verify. Restore the audit "
            "table from a backup and compare."
        )
    if not result.ok:
        raise typer.Exit(ExitCode.FAILURE)


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


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit", no_args_is_help=True)
