"""``jingwang serve``: the web UI and REST API, with one supervised worker."""

from __future__ import annotations

from typing import Annotated

import typer

from jingwang.cli.context import get_context
from jingwang.web.server import run_server


def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option("--host", help="Address to listen on (overrides settings).")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", min=0, max=65535, help="Port (overrides settings; 0: any free)."),
    ] = None,
    worker: Annotated[
        bool | None,
        typer.Option(
            "--worker/--no-worker",
            help="Also run and supervise one `jingwang worker` (default: SERVE_WORKER setting).",
        ),
    ] = None,
) -> None:
    """Serve the web UI and API until Ctrl-C or SIGTERM; migrates an empty database first."""
    cli = get_context(ctx)
    run_server(
        cli.settings,
        host=host,
        port=port,
        with_worker=worker,
        on_ready=lambda url: cli.console.print(f"jingwang is listening on [bold]{url}[/bold]"),
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
