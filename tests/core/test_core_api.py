"""The public surface of jingwang.core: a curated __all__, and nothing heavy at import."""

from __future__ import annotations

import subprocess
import sys

import jingwang.core


def test_every_exported_name_exists() -> None:
    assert sorted(jingwang.core.__all__) == sorted(set(jingwang.core.__all__))
    for name in jingwang.core.__all__:
        assert getattr(jingwang.core, name) is not None


def test_importing_core_loads_no_suffix_list_or_detector() -> None:
    probe = (
        "import sys, jingwang.core; "
        "print(sorted(m for m in ('tldextract', 'charset_normalizer', 'requests') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
