"""``jingwang users …``: the first administrator, and users from the command line.

Passwords come from stdin with ``--password-stdin`` (one line; a terminal asks without echo);
otherwise a temporary one is generated, printed once, and must be changed at the first login.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from jingwang.accounts import create_admin, create_user, find_user, list_users, reset_password
from jingwang.accounts.errors import AccountNotFound
from jingwang.accounts.models import User
from jingwang.accounts.orgs import find_org
from jingwang.accounts.schemas import UserCreate, UserPublic, UserUpdate
from jingwang.accounts.users import update_user
from jingwang.cli.context import CliContext, get_context
from jingwang.cli.orgs import accounts_config, cli_actor, read_secret_line, ready_database

users_app = typer.Typer(help="Users: the first administrator, list, add, passwords.")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from stdin (one line).")
]


def _password(from_stdin: bool) -> str | None:
    return read_secret_line("password") if from_stdin else None


def _show_generated(cli: CliContext, username: str, password: str | None) -> None:
    if password:
        cli.console.print(
            f"temporary password for [bold]{username}[/bold] (shown once; it must be changed at "
            f"the first login): [bold]{password}[/bold]",
            soft_wrap=True,
        )


@users_app.command("create-admin")
def create_admin_cmd(
    ctx: typer.Context,
    org: Annotated[str, typer.Option("--org", help="Organisation name; made when missing.")],
    username: Annotated[str, typer.Option("--username", help="The administrator's user name.")],
    org_kind: Annotated[
        str, typer.Option("--org-kind", help="Kind of a new organisation.")
    ] = "reporting_centre",
    province: Annotated[
        str, typer.Option("--province", help="Province of a new organisation.")
    ] = "CN",
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an administrator and, when it does not exist, their organisation.

    On an empty database the schema is created first, so this can be the first command run.
    """
    cli = get_context(ctx)
    ready_database(cli, migrate_empty=True)
    password = _password(password_stdin)
    with cli.db.session() as session:
        made = create_admin(
            session,
            cli_actor(),
            accounts_config(cli),
            org_name=org,
            username=username,
            password=password,
            org_kind=org_kind,
            province=province,
        )
    what = "created" if made.org_created else "exists"
    cli.console.print(f"organisation {made.org_id} {org!r} {what}; administrator {made.username}")
    _show_generated(cli, made.username, made.password)


@users_app.command("list")
def list_cmd(
    ctx: typer.Context,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List users (of one organisation with --org)."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        org_id = find_org(session, org).id if org else None
        found = [UserPublic.model_validate(u) for u in list_users(session, cli_actor(), org_id)]
    if as_json:
        cli.print_json([u.model_dump(mode="json") for u in found])
        return
    table = Table("id", "user name", "name", "org", "roles", "active", "totp")
    for u in found:
        table.add_row(
            str(u.id), u.username, u.display_name, str(u.org_id), ", ".join(u.roles),
            "yes" if u.active else "no", "yes" if u.totp_enabled else "no",
        )  # fmt: skip
    cli.console.print(table)


@users_app.command("add")
def add_cmd(
    ctx: typer.Context,
    org: Annotated[str, typer.Option("--org", help="Name or id of the user's organisation.")],
    username: Annotated[str, typer.Option("--username", help="User name (3–64 characters).")],
    role: Annotated[
        list[str] | None, typer.Option("--role", help="A role; repeat for more.")
    ] = None,
    display_name: Annotated[str, typer.Option("--display-name", help="Full name.")] = "",
    email: Annotated[str | None, typer.Option("--email", help="E-mail address.")] = None,
    password_stdin: PasswordStdin = False,
    as_json: JsonOption = False,
) -> None:
    """Add a user. They choose their own password at the first login."""
    cli = get_context(ctx)
    ready_database(cli)
    password = _password(password_stdin)
    with cli.db.session() as session:
        data = UserCreate.model_validate(
            {"org_id": find_org(session, org).id, "username": username,
             "display_name": display_name, "email": email, "roles": role or [],
             "password": password, "must_change_password": True}
        )  # fmt: skip
        user, generated = create_user(session, cli_actor(), data, accounts_config(cli))
        public = UserPublic.model_validate(user)
    if as_json:
        cli.print_json({"user": public.model_dump(mode="json"), "temporary_password": generated})
        return
    cli.console.print(f"user [bold]{public.id}[/bold] {public.username} added")
    _show_generated(cli, public.username, generated)


@users_app.command("set-password")
def set_password_cmd(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user's name.")],
    password_stdin: PasswordStdin = False,
    temporary: Annotated[
        bool,
        typer.Option("--temporary/--permanent", help="Must it be changed at the next login?"),
    ] = True,
) -> None:
    """Set a user's password (generated unless --password-stdin); ends their sessions."""
    cli = get_context(ctx)
    ready_database(cli)
    password = _password(password_stdin)
    with cli.db.session() as session:
        user = _user(session, username)
        new = reset_password(
            session, cli_actor(), user.id, accounts_config(cli), password=password,
            temporary=temporary,
        )  # fmt: skip
    cli.console.print(f"password of {user.username} set; their sessions were ended")
    _show_generated(cli, user.username, None if password else new)


@users_app.command("deactivate")
def deactivate_cmd(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="The user's name.")]
) -> None:
    """Deactivate a user: they cannot log in, and their sessions end."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        user = _user(session, username)
        update_user(session, cli_actor(), user.id, UserUpdate(active=False))
    cli.console.print(f"user {username} deactivated")


def _user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise AccountNotFound(f"no user is called {username!r}", username=username)
    return user


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users", no_args_is_help=True)
