"""``jingwang registry …``: who connects whom, and the filing numbers sites print.

``parse-icp`` is the command face of :func:`jingwang.classify.extract_icp_numbers`; ``import``,
``export`` and ``who-connected`` (:mod:`jingwang.cli.registry_io`) are those of the registry's
import, export and history services. The audit and connect-check commands join this group.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Annotated

import typer

from jingwang.classify import IcpNumber, extract_icp_numbers
from jingwang.cli import registry_audit, registry_io
from jingwang.cli.context import get_context
from jingwang.cli.exit_codes import ExitCode
from jingwang.core.charset import decode_bytes

registry_app = typer.Typer(
    help="The registry: sites, ICP filings and licences, connections and sublet chains.",
    no_args_is_help=True,
)


def read_stdin_text() -> str:
    """Standard input as text: UTF-8 (with or without BOM), else sniffed (GBK pages and such)."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream without bytes underneath (tests, some embedders)
        return sys.stdin.read()
    data: bytes = buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return decode_bytes(data, None).text


def _line(number: IcpNumber) -> str:
    if number.valid:
        return number.canonical
    return f"{number.canonical}\tinvalid: {'; '.join(number.problems)}"


@registry_app.command("parse-icp")
def parse_icp_cmd(
    ctx: typer.Context,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also print invalid numbers, with their problems.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document with the details.")
    ] = False,
) -> None:
    """Print each ICP filing or licence number in the text on stdin, normalised, one a line.

    Exit 0 when at least one valid number was found, 4 (not found) when none was.
    """
    found = extract_icp_numbers(read_stdin_text())
    shown = [number for number in found if show_all or number.valid]
    if as_json:
        get_context(ctx).print_json([asdict(number) for number in shown])
    else:
        for number in shown:
            typer.echo(_line(number))
    if not any(number.valid for number in found):
        raise typer.Exit(ExitCode.NOT_FOUND)


def register(app: typer.Typer) -> None:
    registry_io.add_commands(registry_app)
    registry_audit.add_commands(registry_app)
    app.add_typer(registry_app, name="registry")
