"""``jingwang registry import | export | who-connected``: thin over the registry's services.

The command line acts as the installation's operator (actor type ``cli``); ``--org`` names the
organisation an import is for (its rows must be that organisation's or below it; a snapshot is
its inventory). Filings, sites and domains belong to no organisation: ``--org`` is refused for
them. A file is CSV or an XLSX workbook (``--sheet``); its size is bounded by the settings
``registry_import_max_rows`` and ``registry_import_max_bytes``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from jingwang.accounts.orgs import find_org
from jingwang.cli.context import CliContext, get_context
from jingwang.cli.exit_codes import ExitCode
from jingwang.cli.orgs import cli_actor, ready_database
from jingwang.registry import (
    KINDS,
    BadMapping,
    ImportMode,
    ImportOptions,
    ImportReport,
    import_csv,
    who_connected,
)
from jingwang.registry.csvfile import ReadLimits
from jingwang.registry.exporting import ExportFormat, export_file
from jingwang.store.base import utcnow

KIND_HELP = f"The record kind: {', '.join(KINDS)}."
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date: write it as YYYY-MM-DD") from None


def _mapping(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise BadMapping(f"cannot read the mapping file: {error}", path=str(path)) from None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise BadMapping('the mapping file must be a JSON object {"header": "field", …}')
    return value


def _print_report(cli: CliContext, report: ImportReport) -> None:
    state = "imported" if report.applied else "[bold red]nothing imported[/bold red]"
    cli.console.print(
        f"{report.kind} {report.mode} as of {report.as_of} ({report.encoding}): {state}; "
        f"{report.rows} rows, {report.added} added, {report.changed} changed, "
        f"{report.unchanged} unchanged, {report.closed} closed, {report.rejected} rejected"
    )
    if report.errors:
        table = Table("line", "column", "reason", "value")
        for error in report.errors:
            table.add_row(str(error.line), error.column or "", error.reason, error.value or "")
        cli.console.print(table)


def import_cmd(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    file: Annotated[
        Path, typer.Argument(help="The CSV or XLSX file.", exists=True, dir_okay=False)
    ],
    mode: Annotated[
        ImportMode, typer.Option("--mode", help="delta: rows add or change; snapshot: whole.")
    ] = ImportMode.DELTA,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the file's facts (YYYY-MM-DD).")
    ] = None,
    good_rows: Annotated[
        bool, typer.Option("--good-rows", help="Import the good rows even when some are bad.")
    ] = False,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="JSON file: header → field.", dir_okay=False)
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Name or id of the organisation it is for.")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The sheet of an XLSX file (default: first).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import a CSV or XLSX file of registry records; every bad row is reported with line and
    column.

    Exit 3 (invalid input) when nothing was imported because of bad rows or columns.
    """
    cli = get_context(ctx)
    ready_database(cli)
    data = file.read_bytes()
    with cli.db.session() as session, Progress(console=cli.err, disable=as_json) as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        options = ImportOptions(
            kind,
            mode=mode,
            as_of=_date(as_of),
            good_rows=good_rows,
            mapping=_mapping(mapping),
            org_id=find_org(session, org).id if org else None,
            file_name=file.name,
            sheet=sheet,
            limits=ReadLimits(
                cli.settings.registry_import_max_rows, cli.settings.registry_import_max_bytes
            ),
        )
        report = import_csv(
            session,
            cli_actor(),
            data,
            options,
            lambda done, total: bar.update(task, completed=done, total=total),
        )
    if as_json:
        cli.print_json(asdict(report))
    else:
        _print_report(cli, report)
    if not report.applied:
        raise typer.Exit(ExitCode.INVALID_INPUT)


def export_cmd(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The records that held on this date.")
    ] = None,
    form: Annotated[
        ExportFormat, typer.Option("--format", help="csv (default) or xlsx.")
    ] = ExportFormat.CSV,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (xlsx needs one).", dir_okay=False),
    ] = None,
) -> None:
    """Write the records of KIND that held on a date (default today) as CSV or XLSX."""
    cli = get_context(ctx)
    ready_database(cli)
    if form is ExportFormat.XLSX and output is None:
        raise typer.BadParameter("an XLSX export is binary: give --output FILE.xlsx")
    on = _date(as_of) or utcnow().date()
    with cli.db.session() as session:
        data = export_file(session, cli_actor(), kind, on, form)
    if output is not None:
        output.write_bytes(data)
    else:
        typer.echo(data.decode("utf-8"), nl=False)


def who_connected_cmd(
    ctx: typer.Context,
    domain: Annotated[str, typer.Argument(help="A domain or host name.")],
    on: Annotated[str | None, typer.Option("--on", help="The date (default today).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Print who connected DOMAIN on a date. Exit 4 (not found) when nobody did."""
    cli = get_context(ctx)
    ready_database(cli)
    day = _date(on) or utcnow().date()
    with cli.db.session() as session:
        facts = who_connected(session, cli_actor(), domain, day)
    if as_json:
        cli.print_json([asdict(fact) for fact in facts])
    else:
        table = Table("provider", "domain", "site", "ip_range", "contract", "from", "to")
        for f in facts:
            to = f.valid_to.isoformat() if f.valid_to else ""
            table.add_row(
                f.provider,
                f.domain,
                f.site or "",
                f.ip_range or "",
                f.contract_ref or "",
                f.valid_from.isoformat(),
                to,
            )
        cli.console.print(table)
    if not facts:
        raise typer.Exit(ExitCode.NOT_FOUND)


def add_commands(group: typer.Typer) -> None:
    """Add the commands to ``group`` (the ``registry`` group), once."""
    if any(command.name == "import" for command in group.registered_commands):
        return
    group.command("import")(import_cmd)
    group.command("export")(export_cmd)
    group.command("who-connected")(who_connected_cmd)


__all__ = ["add_commands"]
