"""``jingwang decisions record | list | withdraw``: thin over :mod:`jingwang.decisions.service`.

The command line acts as the installation's operator (actor type ``cli``), who may decide.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from jingwang.cli.context import CliContext, get_context
from jingwang.cli.orgs import cli_actor, ready_database
from jingwang.decisions.models import Decision
from jingwang.decisions.service import (
    DecisionInfo,
    list_decisions,
    record_decision,
    withdraw_decision,
)

decisions_app = typer.Typer(
    help="Decisions on domains: a confirmed verdict (porn, unfiled, gambling, fraud, other, "
    "legal), withdrawn rather than deleted.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why: what was seen (required).")]


def _show(cli: CliContext, decisions: list[Decision], as_json: bool) -> None:
    infos = [DecisionInfo.model_validate(decision) for decision in decisions]
    if as_json:
        cli.print_json([info.model_dump(mode="json") for info in infos])
        return
    table = Table("id", "domain", "verdict", "state", "decided by", "decided at", "reason")
    for info in infos:
        table.add_row(
            str(info.id),
            info.domain,
            info.verdict,
            info.state,
            info.decided_by,
            info.decided_at.isoformat(timespec="seconds"),
            info.reason,
        )
    cli.console.print(table)


@decisions_app.command("record")
def record_cmd(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A URL or host name; its registrable domain.")],
    verdict: Annotated[
        str, typer.Option("--verdict", help="porn, unfiled, gambling, fraud, other or legal.")
    ],
    reason: ReasonOption,
    as_json: JsonOption = False,
) -> None:
    """Confirm a verdict on TARGET's registrable domain (again: the standing one is shown)."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        decision = record_decision(session, cli_actor(), target, verdict, reason)
        _show(cli, [decision], as_json)


@decisions_app.command("list")
def list_cmd(
    ctx: typer.Context,
    domain: Annotated[
        str | None, typer.Option("--domain", help="Only this domain (any host or URL under it).")
    ] = None,
    state: Annotated[
        str | None, typer.Option("--state", help="Only confirmed or withdrawn ones.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List decisions, newest first."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        _show(cli, list_decisions(session, cli_actor(), domain, state), as_json)


@decisions_app.command("withdraw")
def withdraw_cmd(
    ctx: typer.Context,
    decision_id: Annotated[int, typer.Argument(metavar="ID", help="The decision's id.")],
    reason: ReasonOption,
    as_json: JsonOption = False,
) -> None:
    """Withdraw a confirmed decision; the reason goes into the audit log."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        _show(cli, [withdraw_decision(session, cli_actor(), decision_id, reason)], as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(decisions_app, name="decisions")


__all__ = ["register"]
