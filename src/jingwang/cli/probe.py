"""``jingwang probe URL | profiles | captures | show``: thin over :mod:`jingwang.probe.service`.

``jingwang probe URL`` probes one URL now and prints the capture (or the reason the address
guard refused it, exiting with ``REFUSED``, 10). The command line acts as the installation's
operator; ``--as USER`` acts as that user instead (their permissions and reach), to see what
they would be allowed. Campaigns (``jingwang probe campaign …``, ``probe list``) are in
:mod:`jingwang.cli.probe_campaigns`.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import func, select
from typer import _click as click  # the Click that Typer vendors (its Context type)
from typer.core import TyperGroup

from jingwang.accounts import Actor
from jingwang.accounts.actors import actor_for_user
from jingwang.accounts.errors import AccountNotFound
from jingwang.accounts.models import User
from jingwang.cli.context import CliContext, get_context
from jingwang.cli.exit_codes import ExitCode
from jingwang.cli.orgs import cli_actor, ready_database
from jingwang.probe.errors import ProbeRefused
from jingwang.probe.profiles import PROFILES
from jingwang.probe.schemas import CaptureDetail, CaptureLine, capture_detail
from jingwang.probe.service import evidence_of, get_capture, list_captures, probe_now


class _ProbeGroup(TyperGroup):
    """``jingwang probe URL`` is ``jingwang probe url URL``: a first word that names no
    sub-command is the URL to probe."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["url", *args]
        return super().resolve_command(ctx, args)


probe_app = typer.Typer(
    cls=_ProbeGroup,
    help="Probe URLs as mobile browsers (jingwang probe URL), see captures, run campaigns.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as", help="Act as this user (their permissions and reach), not as the operator."
    ),
]


def probe_actor(cli: CliContext, as_user: str | None) -> Actor:
    """The operator, or the user named by ``--as``."""
    if as_user is None:
        return cli_actor()
    with cli.db.session() as session:
        user = session.scalars(
            select(User).where(func.lower(User.username) == as_user.strip().lower())
        ).first()
        if user is None:
            raise AccountNotFound(f"no user is called {as_user!r}", username=as_user)
        return actor_for_user(session, user)


def probe_caller(ctx: typer.Context, as_user: str | None) -> tuple[CliContext, Actor]:
    """The CLI context with a ready database, and who acts (the operator or ``--as``)."""
    cli = get_context(ctx)
    ready_database(cli)
    return cli, probe_actor(cli, as_user)


def print_detail(cli: CliContext, detail: CaptureDetail) -> None:
    """The capture as people read it: outcome, chain, page, identifiers, images, evidence."""
    out = cli.console
    out.print(f"capture {detail.id}: [bold]{detail.outcome}[/bold]  {detail.url}")
    rows = (
        ("status", detail.http_status),
        ("final URL", detail.final_url),
        ("profile", detail.profile),
        ("page kind", detail.page_kind),
        ("charset", detail.charset),
        ("title", detail.title),
        ("address", detail.ip),
        ("limit hit", detail.limit_hit),
        ("refused", f"{detail.refused_code}: {detail.refused}" if detail.refused else None),
        ("error", detail.error),
    )
    for label, value in rows:
        if value is not None and value != "":
            out.print(f"  {label:<10} {value}", markup=False, highlight=False)
    if detail.chain:
        out.print("  chain:")
        for number, hop in enumerate(detail.chain, 1):
            said = f"refused: {hop.refused}" if hop.refused else (hop.status or "-")
            out.print(f"    {number}. {hop.via:<19} {said}  {hop.url}", markup=False)
    if detail.identifiers:
        out.print("  identifiers:")
        for ident in detail.identifiers:
            out.print(f"    {ident.kind:<13} {ident.value}", markup=False, highlight=False)
    if detail.images:
        out.print("  images:")
        for image in detail.images:
            size = f"{image.width}x{image.height}" if image.width else image.refused or "-"
            out.print(f"    {image.media_type or '?':<20} {size:<12} {image.url}", markup=False)
    if detail.evidence:
        out.print("  evidence:")
        for row in detail.evidence:
            state = row.verify_state or "not verified"
            out.print(
                f"    {row.kind:<10} sha256:{row.digest} {row.size} B ({state})", markup=False
            )


def _show_capture(cli: CliContext, actor: Actor, capture_id: int, as_json: bool) -> CaptureDetail:
    with cli.db.session() as session:
        capture = get_capture(session, actor, capture_id)
        detail = capture_detail(capture, evidence_of(session, capture))
    if as_json:
        cli.print_json(detail.model_dump(mode="json"))
    else:
        print_detail(cli, detail)
    return detail


@probe_app.command("url")
def url_cmd(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The http:// or https:// URL to probe.")],
    profile: Annotated[
        str | None, typer.Option("--profile", help="Fetch profile (see `jingwang probe profiles`).")
    ] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Probe URL now and print the capture; exit 10 when the address guard refuses it."""
    cli, actor = probe_caller(ctx, as_user)
    try:
        capture = probe_now(cli.settings, cli.db, cli.blobs, actor, url, profile=profile)
    except ProbeRefused as refusal:
        capture_id = refusal.details.get("capture_id")
        if as_json:
            cli.print_json(
                {"refused": True, "code": refusal.code, "reason": refusal.message,
                 "capture_id": capture_id, "url": url}
            )  # fmt: skip
        else:
            cli.err.print(f"refused ({refusal.code}): {refusal.message}", markup=False)
            cli.err.print(f"the refusal is on record as capture {capture_id}", markup=False)
        raise typer.Exit(ExitCode.REFUSED) from None
    _show_capture(cli, actor, capture.id, as_json)


@probe_app.command("profiles")
def profiles_cmd(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the fetch profiles: name, labels, User-Agent and the headers each sends."""
    cli = get_context(ctx)
    if as_json:
        cli.print_json(
            [
                {"name": p.name, "label_zh": p.label_zh, "label_en": p.label_en,
                 "user_agent": p.user_agent, "headers": [list(h) for h in p.request_headers()],
                 "default": p.name == cli.settings.probe_default_profile}
                for p in PROFILES.values()
            ]
        )  # fmt: skip
        return
    for profile in PROFILES.values():
        mark = " (default)" if profile.name == cli.settings.probe_default_profile else ""
        cli.console.print(
            f"[bold]{profile.name}[/bold]{mark}  {profile.label_en} / {profile.label_zh}"
        )
        for key, value in profile.request_headers():
            cli.console.print(f"    {key}: {value}", markup=False, highlight=False)


@probe_app.command("captures")
def captures_cmd(
    ctx: typer.Context,
    domain: Annotated[
        str | None,
        typer.Option("--domain", help="Only this registrable domain (any host under it)."),
    ] = None,
    campaign: Annotated[
        int | None, typer.Option("--campaign", help="Only this campaign's.")
    ] = None,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="Only ok, refused, error or limit.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many (newest first).")] = 50,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List captures, newest first."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        found = list_captures(
            session, actor, domain=domain, campaign_id=campaign, outcome=outcome, limit=limit
        )
        lines = [CaptureLine.model_validate(capture) for capture in found]
    if as_json:
        cli.print_json([line.model_dump(mode="json") for line in lines])
        return
    table = Table("id", "outcome", "status", "kind", "URL", "title", "at")
    for line in lines:
        table.add_row(
            str(line.id),
            line.outcome if line.outcome != "refused" else f"refused ({line.refused_code})",
            str(line.http_status or "-"),
            line.page_kind or "-",
            line.url,
            line.title or "",
            line.started_at.isoformat(timespec="seconds"),
        )
    cli.console.print(table)


@probe_app.command("show")
def show_cmd(
    ctx: typer.Context,
    capture_id: Annotated[int, typer.Argument(metavar="ID", help="The capture's id.")],
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one capture: chain, page, identifiers, images, evidence digests."""
    cli = get_context(ctx)
    ready_database(cli)
    _show_capture(cli, probe_actor(cli, as_user), capture_id, as_json)


def register(app: typer.Typer) -> None:
    from jingwang.cli.probe_campaigns import attach  # it imports this module

    attach(probe_app)
    app.add_typer(probe_app, name="probe")


__all__ = ["print_detail", "probe_actor", "probe_app", "register"]
