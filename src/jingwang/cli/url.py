"""``jingwang url …``: canonical URLs and Safe Browsing expressions, as :mod:`jingwang.core`.

``-`` in place of a URL reads URLs from standard input, one a line. Plain output is one
value a line on stdout (safe to pipe); ``--json`` prints one JSON document instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Annotated

import typer

from jingwang.cli.context import get_context
from jingwang.cli.exit_codes import ExitCode
from jingwang.core import URLError, canonicalize, hashed_expressions
from jingwang.errors import InvalidInput

url_app = typer.Typer(
    help="Canonical URLs and Safe Browsing hash expressions.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@dataclass(frozen=True, slots=True)
class CanonicalizeOutcome:
    """One input line's result: ``canonical`` or ``error`` is set, never both."""

    input: str
    canonical: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ExpressionRow:
    expression: str
    sha256: str
    prefix: str


def _inputs(values: list[str]) -> Iterator[str]:
    for value in values:
        if value == "-":
            yield from (line.strip() for line in sys.stdin if line.strip())
        else:
            yield value


def _outcome(raw: str) -> CanonicalizeOutcome:
    try:
        return CanonicalizeOutcome(raw, canonical=canonicalize(raw).url)
    except URLError as exc:
        return CanonicalizeOutcome(raw, error=exc.message)


@url_app.command("canonicalize")
def canonicalize_cmd(
    ctx: typer.Context,
    urls: Annotated[list[str], typer.Argument(help="URLs; - reads them from stdin.")],
    as_json: JsonOption = False,
) -> None:
    """Print the Safe Browsing canonical form of each URL, one a line.

    A URL that cannot be canonicalised gets an error line on stderr; the others are still
    printed, and the exit code is 3 (invalid input) at the end.
    """
    outcomes: list[CanonicalizeOutcome] = []
    for raw in _inputs(urls):
        outcome = _outcome(raw)
        outcomes.append(outcome)
        if as_json:
            continue
        if outcome.canonical is not None:
            typer.echo(outcome.canonical)
        else:
            typer.echo(f"error: {raw!r}: {outcome.error}", err=True)
    if as_json:
        get_context(ctx).print_json([asdict(outcome) for outcome in outcomes])
    if any(outcome.error is not None for outcome in outcomes):
        raise typer.Exit(ExitCode.INVALID_INPUT)


@url_app.command("expressions")
def expressions_cmd(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="One URL; - reads it from stdin.")],
    as_json: JsonOption = False,
    prefix_length: Annotated[
        int, typer.Option("--prefix-length", min=4, max=32, help="Hash prefix bytes (JSON).")
    ] = 4,
) -> None:
    """Print the host-suffix/path-prefix expressions of URL in lookup order (30 at most)."""
    lines = list(_inputs([url]))
    if len(lines) != 1:
        raise InvalidInput("give exactly one URL (on stdin, one line)", count=len(lines))
    hashed = hashed_expressions(canonicalize(lines[0]))
    if as_json:
        rows = [
            ExpressionRow(h.expression, h.full_hash.hex(), h.prefix(prefix_length).hex())
            for h in hashed
        ]
        get_context(ctx).print_json([asdict(row) for row in rows])
        return
    for item in hashed:
        typer.echo(item.expression)


def register(app: typer.Typer) -> None:
    app.add_typer(url_app, name="url")
