"""``jingwang jobs …``: list, show, enqueue, retry and cancel jobs; list kinds and schedules."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from jingwang.cli.context import CliContext, get_context
from jingwang.cli.worker import runtime_for
from jingwang.core.events import EventActor
from jingwang.errors import InvalidInput
from jingwang.jobs import (
    JobInfo,
    JobState,
    ScheduleSpec,
    cancel_job,
    enqueue,
    get_job,
    list_jobs,
    list_schedules,
    load_job_modules,
    retry_job,
)

jobs_app = typer.Typer(help="Background jobs: list, inspect, enqueue, retry, cancel.")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def _actor() -> EventActor:
    return EventActor(type="cli", id=getpass.getuser())


def _when(cli: CliContext, value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(cli.settings.display_timezone)).strftime("%Y-%m-%d %H:%M:%S")


def _attempts(info: JobInfo, cli: CliContext) -> str:
    return f"{info.attempts}/{info.max_attempts or cli.settings.jobs_max_attempts}"


@jobs_app.command("list")
def list_cmd(
    ctx: typer.Context,
    state: Annotated[JobState | None, typer.Option("--state", help="Only this state.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """List jobs, newest first."""
    cli = get_context(ctx)
    with cli.db.session() as session:
        jobs = [
            JobInfo.model_validate(j)
            for j in list_jobs(session, state=state, kind=kind, limit=limit)
        ]
    if as_json:
        cli.print_json([j.model_dump(mode="json") for j in jobs])
        return
    table = Table("id", "kind", "state", "attempts", "run at", "updated", "last error")
    for j in jobs:
        error = (j.last_error or "").splitlines()[0][:60] if j.last_error else ""
        table.add_row(
            str(j.id),
            j.kind,
            j.state.value,
            _attempts(j, cli),
            _when(cli, j.run_at),
            _when(cli, j.updated_at),
            error,
        )
    cli.console.print(table)


@jobs_app.command("show")
def show_cmd(ctx: typer.Context, job_id: int, as_json: JsonOption = False) -> None:
    """Show one job: payload, attempts, lease, last error and result."""
    cli = get_context(ctx)
    with cli.db.session() as session:
        info = JobInfo.model_validate(get_job(session, job_id))
    if as_json:
        cli.print_json(info.model_dump(mode="json"))
        return
    _print_fields(cli, info)


def _print_fields(cli: CliContext, info: JobInfo) -> None:
    table = Table("field", "value", show_header=False)
    for name, value in info.model_dump().items():
        if isinstance(value, dt.datetime):
            text = _when(cli, value)
        elif isinstance(value, dict):
            text = json.dumps(value, ensure_ascii=False, indent=2)
        else:
            text = "" if value is None else str(value)
        table.add_row(name, text)
    cli.console.print(table)


@jobs_app.command("enqueue")
def enqueue_cmd(
    ctx: typer.Context,
    kind: str,
    payload: Annotated[str, typer.Option("--payload", help="The payload as JSON.")] = "{}",
    idempotency_key: Annotated[
        str | None, typer.Option("--idempotency-key", help="Enqueue once per key.")
    ] = None,
    priority: Annotated[int, typer.Option("--priority", help="Higher runs first.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Add a job of KIND. With the memory:// queue it runs before this command returns."""
    cli = get_context(ctx)
    load_job_modules(cli.settings.job_modules)
    with cli.db.session() as session:
        job = enqueue(
            session,
            kind,
            _parse_payload(payload),
            idempotency_key=idempotency_key,
            priority=priority,
        )
        job_id = job.id
    runtime = runtime_for(cli)
    if runtime.immediate:
        runtime.tick()
    with cli.db.session() as session:
        info = JobInfo.model_validate(get_job(session, job_id))
    if as_json:
        cli.print_json(info.model_dump(mode="json"))
    else:
        cli.console.print(f"job [bold]{info.id}[/bold] ({info.kind}): {info.state.value}")


def _parse_payload(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"--payload is not valid JSON: {exc}", field="payload") from exc
    if not isinstance(value, dict):
        raise InvalidInput("--payload must be a JSON object, e.g. '{\"key\": 1}'", field="payload")
    return value


@jobs_app.command("retry")
def retry_cmd(ctx: typer.Context, job_id: int) -> None:
    """Queue a dead or cancelled job again (fresh attempts), or run a waiting one now."""
    cli = get_context(ctx)
    with cli.db.session() as session:
        job = retry_job(session, job_id, actor=_actor())
        cli.console.print(f"job [bold]{job.id}[/bold] ({job.kind}): {job.state.value}")


@jobs_app.command("cancel")
def cancel_cmd(ctx: typer.Context, job_id: int) -> None:
    """Cancel a job that has not finished (a running one stops at its next heartbeat)."""
    cli = get_context(ctx)
    with cli.db.session() as session:
        job = cancel_job(session, job_id, actor=_actor())
        cli.console.print(f"job [bold]{job.id}[/bold] ({job.kind}): {job.state.value}")


@jobs_app.command("schedules")
def schedules_cmd(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the recurring schedules."""
    cli = get_context(ctx)
    with cli.db.session() as session:
        specs = [ScheduleSpec.model_validate(s) for s in list_schedules(session)]
    if as_json:
        cli.print_json([s.model_dump(mode="json") for s in specs])
        return
    table = Table("name", "kind", "every (s)", "next run", "enabled", "payload")
    for s in specs:
        table.add_row(
            s.name,
            s.kind,
            str(s.interval_seconds),
            _when(cli, s.next_run_at),
            "yes" if s.enabled else "no",
            json.dumps(s.payload, ensure_ascii=False),
        )
    cli.console.print(table)


@jobs_app.command("kinds")
def kinds_cmd(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the job kinds this installation knows."""
    cli = get_context(ctx)
    kinds = list(load_job_modules(cli.settings.job_modules))
    if as_json:
        cli.print_json([{"name": k.name, "description": k.description} for k in kinds])
        return
    table = Table("kind", "description")
    for k in kinds:
        table.add_row(k.name, k.description)
    cli.console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs", no_args_is_help=True)
