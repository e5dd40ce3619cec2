"""The detection benchmark at a tiny scale: inputs are seeded, both measurements report.

Timings are never asserted (this machine's speed is not the code's); what must hold is that
the inputs are what the module says, that each side runs in its own process and reports its
memory, and that our image scores are the package's.
"""

from __future__ import annotations

import importlib
import io
import re
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from jingwang.demo.sampleweb.content import FORBIDDEN_WORDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench_classify(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT))  # bench/ sits next to src/, outside the package
    return importlib.import_module("bench.bench_classify")


def test_the_image_set_is_seeded_sample_photos_at_mobile_sizes(bench_classify: ModuleType) -> None:
    items = bench_classify.image_set(30)
    assert [i.data for i in items] == [i.data for i in bench_classify.image_set(30)]
    assert len({i.data for i in items}) == 30
    sides, formats = set(), set()
    for item in items:
        with Image.open(io.BytesIO(item.data)) as picture:
            assert Image.MIME[picture.format or ""] == item.media_type
            sides.add(max(picture.size))
            formats.add(picture.format)
    assert sides <= set(bench_classify.SIDES)
    assert len(sides) > 4
    assert formats == {"JPEG", "PNG", "GIF"}


def test_the_page_text_is_mixed_chinese_and_english(bench_classify: ModuleType) -> None:
    pages = bench_classify.page_texts(50_000)
    assert pages == bench_classify.page_texts(50_000)
    text = "\n".join(pages)
    assert 50_000 <= len(text.encode("utf-8")) < 60_000
    assert re.search(r"[\u4e00-\u9fff]", text)
    assert re.search(r"[A-Za-z]{4,}", text)
    assert re.search(r"[\uff01-\uff5e]", text)  # some full-width letters, as spam writes
    assert "客服QQ" in text
    assert not [word for word in FORBIDDEN_WORDS if word in text]


def test_the_runner_finds_the_benchmark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    runner = importlib.import_module("bench.runner")
    assert [b.name for b in runner.discover("classify")] == ["classify"]


@pytest.mark.slow
def test_both_measurements_at_tiny_scale(bench_classify: ModuleType) -> None:
    results = bench_classify.run("tiny")
    assert [r.unit for r in results] == ["images/s", "images/s", "MiB", "MB/s", "MB/s", "MiB"]
    assert all(r.ours > 0 and r.peer_value and r.peer_value > 0 for r in results)
    assert [r.higher_is_better for r in results] == [True, True, False, True, True, False]
    for row in results[:2]:  # our batched scores are the package's one-at-a-time scores
        found = re.search(r"max \|Δ nsfw\| ([0-9.e+-]+)", row.notes)
        assert found is not None, row.notes
        assert float(found.group(1)) < 1e-5
    assert f"{bench_classify.IMAGES['tiny']} images" in results[0].notes
    assert "kB of mixed zh/en page text" in results[3].notes
    assert "pages at a time" in results[3].name
    assert "page by page" in results[4].name
