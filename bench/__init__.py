"""jingwang benchmarks: ``python -m bench [--scale tiny|smoke|full] [--only NAME] [--write]``.

Each ``bench/bench_*.py`` module exposes ``NAME`` and ``run(scale) -> list[Result]``; the
runner (:mod:`bench.runner`) finds them, prints every result with its ratio against the peer
it is compared with, and with ``--write`` records the table in ``docs/benchmarks.md``.
"""
