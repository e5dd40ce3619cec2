"""``jingwang evidence verify | export | warc``: check and hand over captured evidence.

``verify`` re-hashes stored artefacts (every WARC record's digests too) and exits 1 when any
failed; ``export`` writes captures as one WACZ file; ``warc`` writes one capture's WARC file.
Thin over :mod:`jingwang.probe.custody` and :mod:`jingwang.probe.service`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jingwang.cli.exit_codes import ExitCode
from jingwang.cli.probe import AsOption, JsonOption, probe_caller
from jingwang.probe.custody import export_captures, verify_captures
from jingwang.probe.service import evidence_bytes

evidence_app = typer.Typer(
    help="Captured evidence: verify it (re-hash), export captures as WACZ, write a WARC file.",
    no_args_is_help=True,
)


@evidence_app.command("verify")
def verify_cmd(
    ctx: typer.Context,
    capture: Annotated[
        int | None, typer.Option("--capture", help="Only this capture's evidence (default all).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="At most this many evidence rows (oldest first).")
    ] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Re-hash stored evidence; print passed/failed/unknown and problems; exit 1 if any failed."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        report = verify_captures(session, cli.blobs, actor, capture_id=capture, limit=limit)
    if as_json:
        cli.print_json(report.to_json())
    else:
        for item in report.items:
            if item.state != "passed":
                where = f"capture {item.capture_id} {item.kind} (evidence {item.evidence_id})"
                cli.console.print(f"{item.state:<8} {where}", markup=False)
                for problem in item.problems:
                    cli.console.print(f"         {problem}", markup=False)
        cli.console.print(
            f"passed {report.passed}, failed {report.failed}, unknown {report.unknown}"
        )
    if not report.ok:
        raise typer.Exit(ExitCode.FAILURE)


@evidence_app.command("export")
def export_cmd(
    ctx: typer.Context,
    capture: Annotated[
        list[int], typer.Option("--capture", help="A capture to export (repeat for more).")
    ],
    wacz: Annotated[Path, typer.Option("--wacz", help="The WACZ file to write.", dir_okay=False)],
    as_user: AsOption = None,
) -> None:
    """Export captures (their WARC files, pages and indexes) as one WACZ file."""
    cli, actor = probe_caller(ctx, as_user)
    partial = wacz.with_name(wacz.name + ".partial")
    try:
        with cli.db.session() as session, partial.open("wb") as out:
            export_captures(session, cli.blobs, actor, capture, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(wacz)
    cli.console.print(f"wrote {len(set(capture))} capture(s) to {wacz}", markup=False)


@evidence_app.command("warc")
def warc_cmd(
    ctx: typer.Context,
    capture_id: Annotated[int, typer.Argument(metavar="ID", help="The capture's id.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write.", dir_okay=False)
    ],
    as_user: AsOption = None,
) -> None:
    """Write capture ID's WARC file (gzipped WARC 1.1) to a file."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        row, data = evidence_bytes(session, cli.blobs, actor, capture_id, "warc")
    output.write_bytes(data)
    cli.console.print(f"wrote {row.size} bytes (sha256:{row.digest}) to {output}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")


__all__ = ["register"]
