"""``jingwang db …``: schema migrations."""

from __future__ import annotations

import typer

from jingwang.cli.context import get_context
from jingwang.store import current_revision, head_revision, upgrade

db_app = typer.Typer(help="Database schema: upgrade and status.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_cmd(ctx: typer.Context, revision: str = typer.Argument("head")) -> None:
    """Migrate the database schema to REVISION (default: the newest)."""
    cli = get_context(ctx)
    upgrade(cli.db, revision)
    cli.console.print(f"database at revision [bold]{current_revision(cli.db)}[/bold]")


@db_app.command("status")
def status_cmd(ctx: typer.Context) -> None:
    """Show the current and newest schema revision."""
    cli = get_context(ctx)
    current, head = current_revision(cli.db), head_revision(cli.db)
    cli.console.print(f"current: {current or '(empty)'}\nnewest:  {head}")
    if current != head:
        cli.console.print("run [bold]jingwang db upgrade[/bold] to migrate")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
