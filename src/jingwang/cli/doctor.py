"""``jingwang doctor``: check this machine and these settings, and say how to fix each problem.

Exit code: ``ExitCode.OK`` when nothing failed (warnings allowed), ``ExitCode.UNAVAILABLE``
when any check failed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from jingwang.cli.context import CliContext, get_context
from jingwang.cli.exit_codes import ExitCode
from jingwang.errors import JingwangError
from jingwang.settings import DEFAULT_SECRET_KEY


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


# Python modules that some features need but the core can live without: (module, feature, fix).
OPTIONAL_MODULES = (
    ("redis", "Redis as the job queue", "install jingwang's locked dependencies: make install"),
    ("psycopg", "PostgreSQL database and queue", "make install"),
    ("playwright", "browser tests of the web UI", "make install (dev dependencies)"),
)


def check_python(_: CliContext) -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    # pyproject.toml already refuses older Pythons at install time; this reports which one runs.
    return Check("python", Status.OK, f"{version} at {sys.executable}")


def check_data_dir(cli: CliContext) -> Check:
    path = cli.settings.data_dir.resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".doctor-write-test"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return Check(
            "data dir", Status.FAIL, f"{path}: {exc}", "set JINGWANG_DATA_DIR to a writable folder"
        )
    return Check("data dir", Status.OK, str(path))


def check_disk(cli: CliContext) -> Check:
    path = _existing_parent(cli.settings.data_dir.resolve())
    free_mb = shutil.disk_usage(path).free // (1 << 20)
    if free_mb < cli.settings.min_free_disk_mb:
        return Check(
            "free disk",
            Status.WARN,
            f"{free_mb} MiB free at {path}",
            f"free space or move the data dir (want {cli.settings.min_free_disk_mb} MiB)",
        )
    return Check("free disk", Status.OK, f"{free_mb} MiB free at {path}")


def check_database(cli: CliContext) -> Check:
    from jingwang.store import current_revision, head_revision

    url = cli.db.engine.url.render_as_string(hide_password=True)
    try:
        cli.db.ping()
        current, head = current_revision(cli.db), head_revision(cli.db)
    except Exception as exc:
        return Check(
            "database",
            Status.FAIL,
            f"{url}: {exc}",
            "start the database or fix JINGWANG_DATABASE_URL",
        )
    if current != head:
        return Check(
            "database",
            Status.WARN,
            f"{url} at {current or 'empty'}, newest {head}",
            "run: jingwang db upgrade",
        )
    return Check("database", Status.OK, f"{url} at revision {current}")


def check_queue(cli: CliContext) -> Check:
    from jingwang.jobs.queue import make_huey, ping_queue

    try:
        huey = make_huey(cli.settings)
        ping_queue(huey)
    except Exception as exc:
        return Check(
            "queue", Status.FAIL, str(exc), "start the queue backend or fix JINGWANG_QUEUE_URL"
        )
    return Check("queue", Status.OK, f"{type(huey).__name__} {cli.settings.resolved_queue_url}")


def check_chromium(cli: CliContext) -> Check:
    path = cli.settings.chromium_path
    fix = "apt-get install chromium (Debian/Ubuntu), or set JINGWANG_CHROMIUM_PATH"
    if not (path.is_file() and os.access(path, os.X_OK)):
        return Check("chromium", Status.FAIL, f"not found at {path}", fix)
    try:
        out = subprocess.run(  # noqa: S603 - a configured local binary, no shell
            [str(path), "--version", "--no-sandbox", "--headless"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return Check("chromium", Status.FAIL, f"{path} does not run: {exc}", fix)
    return Check("chromium", Status.OK, out.stdout.strip() or str(path))


def check_fetch_workers(cli: CliContext) -> Check:
    """Campaign fetch workers against the cores this process may use."""
    workers = cli.settings.probe_fetch_workers
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    if workers >= cores:
        return Check(
            "fetch workers",
            Status.WARN,
            f"{workers} fetch workers per campaign runner on {cores} cores: the runner and its "
            "workers will wait on each other for CPU",
            f"set JINGWANG_PROBE_FETCH_WORKERS to {max(cores - 1, 1)} or fewer",
        )
    if workers == 0:
        spare = f"; {cores - 1} spare cores could run fetch workers" if cores > 1 else ""
        detail = f"campaigns fetch in the runner's own process{spare}"
        return Check("fetch workers", Status.OK, detail)
    return Check("fetch workers", Status.OK, f"{workers} per campaign runner, on {cores} cores")


def check_secret(cli: CliContext) -> Check:
    if cli.settings.secret_key.get_secret_value() == DEFAULT_SECRET_KEY:
        return Check(
            "secret key",
            Status.WARN,
            "the default development key is in use",
            "set JINGWANG_SECRET_KEY to a random value before exposing jingwang to anyone",
        )
    return Check("secret key", Status.OK, "set")


def check_audit_key(cli: CliContext) -> Check:
    from jingwang.audit.keys import load_key

    path = cli.settings.resolved_audit_signing_key
    production = cli.settings.mode == "production"
    if not path.exists():
        return Check(
            "audit key",
            Status.FAIL if production else Status.WARN,
            f"no signing key at {path}"
            + ("" if production else " (development makes one at the first checkpoint)"),
            "run: jingwang audit keygen, then give auditors `jingwang audit export-key`",
        )
    try:
        key = load_key(path, production=production)
    except JingwangError as exc:
        return Check("audit key", Status.FAIL, exc.message, "fix the key file or audit_signing_key")
    return Check("audit key", Status.OK, f"{path}, key id {key.key_id[:16]}…")


def check_optional_modules(_: CliContext) -> list[Check]:
    checks = []
    for module, feature, fix in OPTIONAL_MODULES:
        if importlib.util.find_spec(module) is None:
            checks.append(Check(f"module {module}", Status.WARN, f"missing: no {feature}", fix))
        else:
            checks.append(Check(f"module {module}", Status.OK, f"for {feature}"))
    return checks


CHECKS: tuple[Callable[[CliContext], Check], ...] = (
    check_python,
    check_data_dir,
    check_disk,
    check_database,
    check_queue,
    check_chromium,
    check_fetch_workers,
    check_secret,
    check_audit_key,
)


def run_checks(cli: CliContext) -> list[Check]:
    return [check(cli) for check in CHECKS] + check_optional_modules(cli)


def _existing_parent(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def doctor(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """Check Python, database, queue, data dir, disk, Chromium, keys and optional parts."""
    cli = get_context(ctx)
    checks = run_checks(cli)
    if as_json:
        cli.print_json([asdict(c) for c in checks])
    else:
        _print_table(cli, checks)
    if any(c.status is Status.FAIL for c in checks):
        raise typer.Exit(ExitCode.UNAVAILABLE)


def _print_table(cli: CliContext, checks: list[Check]) -> None:
    colours = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "red"}
    table = Table("check", "status", "detail", "how to fix")
    for c in checks:
        table.add_row(c.name, f"[{colours[c.status]}]{c.status}[/]", c.detail, c.fix)
    cli.console.print(table)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
