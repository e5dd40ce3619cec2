"""``jingwang demo``: the whole product on a fresh data folder, with demo data."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jingwang.accounts.demo import DemoLogin
from jingwang.cli.context import CliContext, get_context
from jingwang.demo.datadir import fresh_data_dir
from jingwang.demo.probing import DemoWeb, start_sample_web
from jingwang.demo.seed import seed_demo
from jingwang.web.server import run_server

DEFAULT_DEMO_DIR = Path("var/demo")


def demo(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Option("--dir", help="Demo data folder; emptied at every start.")
    ] = DEFAULT_DEMO_DIR,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port (0: any free).")
    ] = 8000,
) -> None:
    """Serve jingwang with demo data on the embedded default (SQLite, SqliteHuey, files).

    Also serves the sample mobile web (with its DNS server and test CA) and runs the demo's
    probing campaigns against it before serving. Prints the URLs to open; Ctrl-C stops the
    web server, the worker and the sample web cleanly.
    """
    cli = get_context(ctx)
    data_dir = fresh_data_dir(directory)
    cli.console.print("starting the sample mobile web and probing it (about a minute) …")
    with start_sample_web(data_dir, standard_ports=True) as web:
        # The demo always runs embedded, inside its own folder, whatever the environment says;
        # its prober (here and in the worker, which gets these settings) asks the sample web.
        settings = cli.settings.model_copy(
            update={
                "data_dir": data_dir,
                "database_url": "",
                "queue_url": "",
                "blob_dir": None,
                **web.settings_update,
            }
        )
        config = web.write_config(data_dir)
        summary = seed_demo(settings, web)
        probing = summary.probing
        cli.console.print(
            f"demo data in [bold]{data_dir}[/bold]: {len(summary.logins)} logins in "
            f"{len({login.org_name for login in summary.logins})} organisations, "
            f"{summary.registry_rows} registry records and {summary.findings} audit findings, "
            f"{len(summary.blobs)} evidence blobs, "
            f"jobs {summary.job_ids} queued for the worker"
            + (
                f", {probing.captures} captures ({probing.screenshots} screenshots, "
                f"{probing.wml_views} WML views) from {probing.campaigns} probing campaigns "
                f"in {probing.seconds:.0f} s"
                if probing is not None
                else ""
            ),
            soft_wrap=True,
        )
        judging = summary.judging
        if judging is not None:
            labels = ", ".join(f"{label} {count}" for label, count in judging.labels.items())
            cli.console.print(
                f"judged {judging.captures} captures in {judging.seconds:.1f} s ({labels or '-'})",
                soft_wrap=True,
            )
        _print_logins(cli, summary.logins)
        run_server(
            settings,
            host=host,
            port=port,
            with_worker=True,
            on_ready=lambda url: _banner(cli, url, data_dir, web, config),
        )


def _print_logins(cli: CliContext, logins: list[DemoLogin]) -> None:
    table = Table("user name", "organisation", "kind", "province", "role", title="demo logins")
    for login in logins:
        table.add_row(login.username, login.org_name, login.org_kind, login.province, *login.roles)
    cli.console.print(table)
    passwords = ", ".join(sorted({login.password for login in logins}))
    cli.console.print(f"every demo login's password: [bold]{passwords}[/bold]")


def _command_name() -> str:
    """How the user can run jingwang again: the script they ran, else `python -m jingwang`."""
    script = Path(sys.argv[0])
    if script.name == "jingwang":
        return script.name if shutil.which("jingwang") == str(script) else os.path.relpath(script)
    return "python -m jingwang"


def _banner(cli: CliContext, url: str, data_dir: Path, web: DemoWeb, config: Path) -> None:
    command = f"{_command_name()} --data-dir {data_dir}"
    sample = web.url("th-meinv.test")
    cli.console.print(
        f"\n[bold green]jingwang demo is running[/bold green]\n"
        f"  home (中文):     {url}/\n"
        f"  log in:         {url}/login  (e.g. rc-admin, rc-auditor, nyjr-liaison)\n"
        f"  home (English): {url}/lang/en\n"
        f"  API docs:       {url}/docs\n"
        f"  readiness:      {url}/readyz\n"
        f"  probing:        {url}/probe  (拨测取证 / Probing: captures, chains, screenshots)\n"
        f"  detection:      {url}/classify  (检测判定 / Detection: verdicts, reasons, marked "
        f"phrases; open a capture for its verdict panel)\n"
        f"  sample mobile web: {sample} (names answered by DNS at {web.dns.address})\n"
        f"  try:            {command} jobs list\n"
        f"                  {command} audit verify\n"
        f"                  {command} registry who-connected th-meinv.test --on 2010-01-15\n"
        f"                  {command} --config {config} probe {sample}\n"
        f"Press Ctrl-C to stop.\n",
        soft_wrap=True,
    )
    # The line tests and scripts wait for; keep its shape.
    cli.console.print(f"jingwang demo ready at {url}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
