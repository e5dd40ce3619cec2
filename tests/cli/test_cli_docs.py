"""Every command, and every option of it, is documented in docs/cli.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import typer

from jingwang.cli import app as cli_app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _commands(command: object, path: str) -> Iterator[tuple[str, object]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, f"{path} {name}")


def _all_commands() -> list[tuple[str, object]]:
    cli_app._register()
    return list(_commands(typer.main.get_command(cli_app.app), "jingwang"))


def test_every_command_has_help_and_a_section() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = []
    for path, command in _all_commands():
        if path == "jingwang":
            continue
        assert getattr(command, "help", None), f"`{path}` has no help text"
        if f"`{path}" not in text:
            missing.append(path)
    assert not missing, f"commands missing from docs/cli.md: {missing}"


def test_every_option_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = []
    for path, command in _all_commands():
        for param in getattr(command, "params", []):
            for opt in getattr(param, "opts", []):
                if (
                    opt.startswith("--")
                    and opt not in ("--help", "--install-completion", "--show-completion")
                    and f"`{opt}" not in text
                ):
                    missing.append(f"{path} {opt}")
    assert not missing, f"options missing from docs/cli.md: {missing}"
