"""``jingwang orgs …``: list and add organisations.

The command line acts as the installation's operator (actor type ``cli``, the operating-system
user's name): it may do anything, and every change is an audit event like any other.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer
from rich.table import Table

from jingwang.accounts import AccountsConfig, Actor, create_org, list_orgs, org_tree
from jingwang.accounts.orgs import find_org
from jingwang.accounts.schemas import OrgCreate, OrgPublic
from jingwang.cli.context import CliContext, get_context
from jingwang.errors import ConfigError
from jingwang.store import current_revision, head_revision, upgrade

orgs_app = typer.Typer(help="Organisations: list them as a tree, add one.")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def cli_actor() -> Actor:
    return Actor.system(getpass.getuser(), via="cli")


def accounts_config(cli: CliContext) -> AccountsConfig:
    return AccountsConfig.from_settings(cli.settings)


def ready_database(cli: CliContext, *, migrate_empty: bool = False) -> None:
    """Refuse an outdated schema (an empty one is migrated when ``migrate_empty``)."""
    current, head = current_revision(cli.db), head_revision(cli.db)
    if current is None and migrate_empty:
        upgrade(cli.db)
    elif current != head:
        raise ConfigError(
            f"the database schema is at {current or '(empty)'}, this code needs {head}: "
            "run `jingwang db upgrade` first"
        )


def read_secret_line(prompt_for: str) -> str:
    """One line from stdin (a pipe or a terminal), without its line end."""
    if sys.stdin.isatty():
        return getpass.getpass(f"{prompt_for}: ")
    return sys.stdin.readline().rstrip("\r\n")


@orgs_app.command("list")
def list_cmd(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List every organisation, as a tree."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        rows = org_tree(list_orgs(session, cli_actor()))
        found = [(row.depth, OrgPublic.model_validate(row.org)) for row in rows]
    if as_json:
        cli.print_json([org.model_dump(mode="json") for _, org in found])
        return
    table = Table("id", "name", "kind", "province", "active")
    for depth, org in found:
        table.add_row(
            str(org.id),
            "  " * depth + org.name,
            org.kind,
            org.province,
            "yes" if org.active else "no",
        )
    cli.console.print(table)


@orgs_app.command("add")
def add_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The organisation's name.")],
    kind: Annotated[str, typer.Option("--kind", help="Its kind, e.g. carrier, reseller.")],
    province: Annotated[
        str, typer.Option("--province", help="Province code, CN: national.")
    ] = "CN",
    parent: Annotated[
        str | None, typer.Option("--parent", help="Name or id of the organisation above it.")
    ] = None,
    email: Annotated[str | None, typer.Option("--email", help="Contact e-mail.")] = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help="Webhook URL (https).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Add an organisation (below --parent, or at the top)."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        parent_id = find_org(session, parent).id if parent else None
        data = OrgCreate(
            name=name,
            kind=kind,
            province=province,
            contact_email=email,
            webhook_url=webhook,
            parent_id=parent_id,
        )
        org = OrgPublic.model_validate(create_org(session, cli_actor(), data, accounts_config(cli)))
    if as_json:
        cli.print_json(org.model_dump(mode="json"))
    else:
        cli.console.print(f"organisation [bold]{org.id}[/bold] {org.name} ({org.kind}) added")


def register(app: typer.Typer) -> None:
    app.add_typer(orgs_app, name="orgs", no_args_is_help=True)
