"""``jingwang worker``: run jobs until stopped, or ``--drain`` what is due and exit."""

from __future__ import annotations

import logging
import threading
from typing import Annotated

import typer

from jingwang.audit import AuditLogConsumer
from jingwang.cli.context import CliContext, get_context
from jingwang.errors import ConfigError
from jingwang.jobs import JobRuntime, Worker, build_runtime
from jingwang.store import current_revision, head_revision


def runtime_for(cli: CliContext) -> JobRuntime:
    """The job runtime of a CLI process, with the standard outbox consumers (the audit log)."""
    return build_runtime(cli.settings, cli.db, consumers=[AuditLogConsumer()], blobs=cli.blobs)


def _require_current_schema(cli: CliContext) -> None:
    current, head = current_revision(cli.db), head_revision(cli.db)
    if current != head:
        raise ConfigError(
            f"the database schema is at {current or '(empty)'}, this code needs {head}: "
            "run `jingwang db upgrade` first"
        )


def worker(
    ctx: typer.Context,
    threads: Annotated[
        int | None,
        typer.Option(
            "--threads", min=1, max=64, help="Consumer threads (default: WORKER_THREADS)."
        ),
    ] = None,
    drain: Annotated[
        bool,
        typer.Option(
            "--drain", help="Run every job that is due (and what it makes due), then exit."
        ),
    ] = False,
) -> None:
    """Run background jobs until SIGTERM or Ctrl-C (running jobs finish or are handed back)."""
    cli = get_context(ctx)
    logging.basicConfig(
        level=cli.settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    _require_current_schema(cli)
    runner = Worker(runtime_for(cli), threads or cli.settings.worker_threads)
    if drain:
        report = runner.drain()
        cli.console.print(
            f"drained: {report.dispatched} jobs dispatched, {report.messages} run by this process"
        )
        return
    runner.run(threading.Event())


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
