"""docs/api.md lists every error code the code base can answer with."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import jingwang
from jingwang.errors import JingwangError
from jingwang.web.errors import CODE_BY_STATUS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _import_everything() -> None:
    for module in pkgutil.walk_packages(jingwang.__path__, "jingwang."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def _subclasses(cls: type[JingwangError]) -> Iterator[type[JingwangError]]:
    yield cls
    for sub in cls.__subclasses__():
        yield from _subclasses(sub)


def test_every_error_code_is_documented() -> None:
    _import_everything()
    text = DOCS.read_text(encoding="utf-8")
    codes = {cls.code for cls in _subclasses(JingwangError)} | set(CODE_BY_STATUS.values())
    codes |= {"internal"}
    missing = sorted(code for code in codes if f"| `{code}` |" not in text)
    assert not missing, f"error codes missing from docs/api.md: {missing}"
