"""Root of the ``jingwang`` command: global options, sub-commands, error → exit code mapping."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from jingwang import __version__
from jingwang.cli.context import CliContext
from jingwang.cli.exit_codes import ExitCode, exit_code_for
from jingwang.errors import JingwangError
from jingwang.settings import load_settings

app = typer.Typer(
    name="jingwang",
    help="jingwang (净网): find, prove, attribute, dispose of and block porn and unfiled "
    "mobile sites.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jingwang {__version__}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="TOML settings file.", dir_okay=False)
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Data folder (overrides settings).")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Database URL (overrides settings).")
    ] = None,
    queue_url: Annotated[
        str | None, typer.Option("--queue-url", help="Queue URL (overrides settings).")
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Global options apply to every sub-command."""
    settings = load_settings(
        config, data_dir=data_dir, database_url=database_url, queue_url=queue_url
    )
    ctx.obj = CliContext(settings)
    ctx.call_on_close(ctx.obj.close)


# One module per domain, each exposing `register(app)`. One line each, kept sorted.
COMMAND_MODULES = (
    "jingwang.cli.audit",
    "jingwang.cli.classify",
    "jingwang.cli.db",
    "jingwang.cli.decisions",
    "jingwang.cli.demo",
    "jingwang.cli.doctor",
    "jingwang.cli.evidence",
    "jingwang.cli.jobs",
    "jingwang.cli.orgs",
    "jingwang.cli.probe",
    "jingwang.cli.registry",
    "jingwang.cli.registry_gate",
    "jingwang.cli.registry_views",
    "jingwang.cli.serve",
    "jingwang.cli.tokens",
    "jingwang.cli.url",
    "jingwang.cli.users",
    "jingwang.cli.worker",
)
_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
    _registered = True


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: runs the app and maps domain errors to exit codes."""
    _register()
    try:
        # Standalone mode lets Typer print usage errors its own way and exit with their code;
        # domain errors pass through it and are mapped to exit codes here.
        app(args=argv, standalone_mode=True)
    except SystemExit as exc:
        if exc.code is None:
            return int(ExitCode.OK)
        return exc.code if isinstance(exc.code, int) else int(ExitCode.FAILURE)
    except JingwangError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        return int(exit_code_for(exc))
    return int(ExitCode.OK)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
