"""The benchmark runner finds its benchmarks and runs one at a tiny scale (no timings checked)."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT))  # bench/ sits next to src/, outside the package
    return importlib.import_module("bench.runner")


def test_discovery_finds_the_url_benchmark(runner: ModuleType) -> None:
    names = [benchmark.name for benchmark in runner.discover()]
    assert "url" in names
    assert names == sorted(names)
    with pytest.raises(SystemExit, match="no benchmark named 'nope'"):
        runner.discover("nope")


def test_url_benchmark_at_tiny_scale(runner: ModuleType, tmp_path: Path) -> None:
    (benchmark,) = runner.discover("url")
    results = benchmark.run("tiny")
    assert {r.unit for r in results} == {"URLs/s", "B/URL"}
    assert all(r.ours > 0 and r.peer_value and r.ratio for r in results)

    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\n<!-- bench:url:start -->\nold\n<!-- bench:url:end -->\n")
    runner.write_block("url", runner.markdown(results, "tiny"), docs)
    runner.write_block("other", "body", docs)
    text = docs.read_text()
    assert "old" not in text
    assert "| canonicalize |" in text
    assert text.count("<!-- bench:url:start -->") == 1
    assert text.endswith("## other\n\n<!-- bench:other:start -->\nbody\n<!-- bench:other:end -->\n")


def test_command_line(runner: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    main = importlib.import_module("bench.__main__").main
    assert main(["--scale", "tiny", "--only", "url"]) == 0
    assert "bench url" in capsys.readouterr().out
