"""``jingwang tokens …``: API tokens for an organisation's machines; the secret is shown once."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from jingwang.accounts.orgs import find_org
from jingwang.accounts.schemas import TokenCreate, TokenIssued, TokenPublic
from jingwang.accounts.tokens import create_token, list_tokens, revoke_token
from jingwang.cli.context import get_context
from jingwang.cli.orgs import accounts_config, cli_actor, ready_database
from jingwang.store.base import utcnow

tokens_app = typer.Typer(help="API tokens: create (shown once), list, revoke.")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


@tokens_app.command("create")
def create_cmd(
    ctx: typer.Context,
    org: Annotated[str, typer.Option("--org", help="Name or id of the token's organisation.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")],
    scope: Annotated[
        list[str], typer.Option("--scope", help="A permission, e.g. lists:read; repeat for more.")
    ],
    days: Annotated[
        int | None, typer.Option("--days", min=1, help="Lifetime (default: the setting).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create an API token and print its secret, this once."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        data = TokenCreate(
            org_id=find_org(session, org).id, name=name, scopes=scope, expires_in_days=days
        )
        issued = create_token(session, cli_actor(), data, accounts_config(cli), utcnow())
        result = TokenIssued(token=TokenPublic.model_validate(issued.token), secret=issued.secret)
    if as_json:
        cli.print_json(result.model_dump(mode="json"))
        return
    cli.console.print(
        f"token [bold]{result.token.id}[/bold] {result.token.name!r} for organisation "
        f"{result.token.org_id}, scopes {', '.join(result.token.scopes)}; shown once:"
    )
    cli.console.print(result.secret, soft_wrap=True, highlight=False)


@tokens_app.command("list")
def list_cmd(
    ctx: typer.Context,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List API tokens (never their secrets), newest first."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        org_id = find_org(session, org).id if org else None
        found = [TokenPublic.model_validate(t) for t in list_tokens(session, cli_actor(), org_id)]
    if as_json:
        cli.print_json([t.model_dump(mode="json") for t in found])
        return
    zone = ZoneInfo(cli.settings.display_timezone)
    table = Table("id", "name", "org", "prefix", "scopes", "expires", "state")
    now = utcnow()
    for t in found:
        state = "revoked" if t.revoked_at else "expired" if t.expires_at <= now else "live"
        expires = t.expires_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        table.add_row(
            str(t.id), t.name, str(t.org_id), t.prefix, ", ".join(t.scopes), expires, state
        )
    cli.console.print(table)


@tokens_app.command("revoke")
def revoke_cmd(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="The token's id.")]
) -> None:
    """Revoke an API token; clients using it are refused from now on."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        token = revoke_token(session, cli_actor(), token_id, utcnow())
        cli.console.print(f"token {token.id} {token.name!r} revoked")


def register(app: typer.Typer) -> None:
    app.add_typer(tokens_app, name="tokens", no_args_is_help=True)
