"""``python -m bench``: run every benchmark (or one) and print ratios against their peers."""

from __future__ import annotations

import argparse
import sys
import time

from rich.console import Console

from bench.result import SCALES
from bench.runner import DOCS, discover, machine, markdown, print_table, write_block


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=SCALES, default="full", help="default: full")
    parser.add_argument("--only", metavar="NAME", help="run only the benchmark called NAME")
    parser.add_argument("--write", action="store_true", help=f"record the results in {DOCS.name}")
    args = parser.parse_args(argv)
    # Logs (CI) are not terminals: print tables at full width instead of folding every cell.
    console = Console() if sys.stdout.isatty() else Console(width=160)
    for benchmark in discover(args.only):
        where, started = machine(), time.perf_counter()
        results = benchmark.run(args.scale)
        print_table(benchmark.name, results, console)
        console.print(f"[dim]{benchmark.module}: {time.perf_counter() - started:.1f} s[/dim]")
        if args.write:
            write_block(benchmark.name, markdown(results, args.scale, where))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
