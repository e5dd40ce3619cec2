"""Find the benchmarks, run them, print ratios, and record them in docs/benchmarks.md."""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from rich.console import Console
from rich.table import Table

import bench
from bench.result import Result

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A discovered ``bench_*`` module."""

    name: str
    run: Callable[[str], list[Result]]
    module: str


def discover(only: str | None = None) -> list[Benchmark]:
    """Every ``bench/bench_*.py`` exposing ``NAME`` and ``run``, sorted by name."""
    found = []
    for info in pkgutil.iter_modules(bench.__path__):
        if info.name.startswith("bench_"):
            module = importlib.import_module(f"bench.{info.name}")
            found.append(_benchmark(module))
    chosen = [b for b in found if only in (None, b.name)]
    if only is not None and not chosen:
        names = ", ".join(b.name for b in found)
        raise SystemExit(f"no benchmark named {only!r}; there are: {names}")
    return sorted(chosen, key=lambda b: b.name)


def _benchmark(module: ModuleType) -> Benchmark:
    name, run = getattr(module, "NAME", None), getattr(module, "run", None)
    if not isinstance(name, str) or not callable(run):
        raise SystemExit(f"{module.__name__} must define NAME (a str) and run(scale)")
    return Benchmark(name, run, module.__name__)


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def _row(result: Result) -> list[str]:
    ratio = "—" if result.ratio is None else f"{result.ratio:.2f}×"
    return [
        result.name,
        f"{_number(result.ours)} {result.unit}",
        result.peer or "—",
        f"{_number(result.peer_value)} {result.unit}" if result.peer_value is not None else "—",
        f"{ratio} {result.verdict}".strip(),
        result.notes,
    ]


HEADERS = ("measure", "ours", "peer", "peer value", "ratio ours/peer", "notes")


def print_table(name: str, results: Sequence[Result], console: Console) -> None:
    table = Table(*HEADERS, title=f"bench {name}")
    for result in results:
        table.add_row(*_row(result))
    console.print(table)


def machine() -> str:
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{os.cpu_count()} cores{load}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.machine()}"
    )


def markdown(results: Sequence[Result], scale: str, where: str | None = None) -> str:
    """The recorded block: scale, machine (``where``, taken before the run), table."""
    lines = [
        f"Scale `{scale}`, {where or machine()}, {datetime.now(UTC):%Y-%m-%d}.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "---|" * len(HEADERS),
    ]
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in _row(r)) + " |" for r in results
    ]
    return "\n".join(lines)


def write_block(name: str, body: str, path: Path = DOCS) -> None:
    """Replace the text between this benchmark's markers, or append a new section."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{body}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + f"\n\n## {name}\n\n{block}\n"
    path.write_text(text, encoding="utf-8")


__all__ = ["Benchmark", "discover", "machine", "markdown", "print_table", "write_block"]
