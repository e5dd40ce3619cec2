"""``jingwang registry connect-check``: the "file before connect" gate on the command line.

Exit 0 when the connection may be made, 10 (``REFUSED``) when it may not; the reasons (and any
warnings) are printed either way. The command line acts as the operator, who reaches every
provider, so ``--provider`` is needed (the operator acts for no organisation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated

import typer

from jingwang.cli.context import CliContext, get_context
from jingwang.cli.exit_codes import ExitCode
from jingwang.cli.orgs import cli_actor, ready_database
from jingwang.cli.registry import registry_app
from jingwang.registry.gate import GateAnswer, connect_check


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date: write it as YYYY-MM-DD") from None


def _print(cli: CliContext, answer: GateAnswer) -> None:
    verdict = "[green]allowed[/green]" if answer.allowed else "[bold red]refused[/bold red]"
    cli.console.print(f"{answer.domain} on {answer.on}: {verdict}")
    for reason in answer.reasons:
        cli.console.print(f"  refused  {reason.code}: {reason.message_en}", markup=False)
    for warning in answer.warnings:
        cli.console.print(f"  warning  {warning.code}: {warning.message_en}", markup=False)
    for filing in answer.filings:
        cli.console.print(
            f"  filing   {filing.number} ({filing.status}) {filing.holder}", markup=False
        )


def connect_check_cmd(
    ctx: typer.Context,
    domain: Annotated[str, typer.Argument(help="The domain, host or URL to connect.")],
    provider: Annotated[
        str | None, typer.Option("--provider", help="The access provider (name or id).")
    ] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="The customer the contract names.")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="The date (default today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """May PROVIDER connect DOMAIN? Exit 0 when allowed, 10 (refused) with the reasons."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        answer = connect_check(
            session, cli_actor(), domain, provider, customer=customer, on=_date(on)
        )
    if as_json:
        cli.print_json(asdict(answer))
    else:
        _print(cli, answer)
    if not answer.allowed:
        raise typer.Exit(ExitCode.REFUSED)


def register(app: typer.Typer) -> None:
    """Add ``connect-check`` to the ``registry`` group (registered before this module)."""
    if not any(c.name == "connect-check" for c in registry_app.registered_commands):
        registry_app.command("connect-check")(connect_check_cmd)
    del app  # the command joins the registry group, not the root


__all__ = ["register"]
