"""What every command receives: the settings, and lazily built services."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import typer
from rich.console import Console

from jingwang.settings import Settings
from jingwang.store import Database, FileBlobStore, create_database


@dataclass
class CliContext:
    settings: Settings
    console: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))

    @cached_property
    def db(self) -> Database:
        return create_database(self.settings.resolved_database_url)

    @cached_property
    def blobs(self) -> FileBlobStore:
        return FileBlobStore(self.settings.resolved_blob_dir)

    def close(self) -> None:
        """Release what the command opened (the root command registers this on exit)."""
        if "db" in self.__dict__:
            self.db.dispose()

    def print_json(self, value: Any) -> None:
        """Machine-readable output: one JSON document on stdout, nothing else."""
        typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def get_context(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliContext):  # pragma: no cover - the root callback always sets it
        raise RuntimeError("the jingwang root command did not set up its context")
    return obj


__all__ = ["CliContext", "get_context"]
