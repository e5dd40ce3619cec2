"""``jingwang classify lexicon …`` and ``jingwang classify hashes …``: the data detection uses.

* ``lexicon show``: the lexicon files in use (bundled and ``classify_lexicon_paths``), entries
  per category, and the compiled lexicon's version.
* ``lexicon check FILE``: parse a ``.lex`` file; a mistake is reported with its file and line
  and the command exits 3.
* ``lexicon import FILE``: turn a plain word list or an e2guardian weighted phrase list into a
  ``.lex`` file. The file is read as bytes: UTF-8 (with or without a BOM) when it decodes as
  such, else GB18030 (the superset of GBK and GB2312 that Chinese lists are saved in); the
  command says which it used.
* ``hashes import | list | delete``: the PDQ hashes of known images.
"""

from __future__ import annotations

import codecs
import dataclasses
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from rich.table import Table

from jingwang.classify import service
from jingwang.classify.types import CATEGORIES
from jingwang.cli.context import get_context
from jingwang.cli.exit_codes import ExitCode
from jingwang.cli.probe import AsOption, JsonOption, probe_caller
from jingwang.errors import InvalidInput

FORMATS: Final = ("plain", "e2guardian")

lexicon_app = typer.Typer(help="Lexicons: show those in use, check a file, import a list.",
                          no_args_is_help=True)  # fmt: skip
hashes_app = typer.Typer(help="Known images' PDQ hashes: import, list, delete.",
                         no_args_is_help=True)  # fmt: skip
FileArgument = Annotated[
    Path, typer.Argument(metavar="FILE", help="The file.", exists=True, dir_okay=False)
]


def decode_list(data: bytes) -> tuple[str, str]:
    """The text of a list file and the encoding it was read with: UTF-8 (a BOM is dropped)
    when the bytes are UTF-8, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "UTF-8 (with BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"the file is neither UTF-8 nor GB18030 (byte {error.start}): save it as UTF-8"
        ) from None


@lexicon_app.command("show")
def lexicon_show_cmd(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The lexicon in use: its files, entries per category and its version."""
    from jingwang.classify.text.lexicon import bundled_lexicon_files, load_lexicon

    cli = get_context(ctx)
    settings = cli.settings
    lexicon = load_lexicon(
        settings.classify_lexicon_paths, bundled=settings.classify_bundled_lexicon
    )
    by_source = Counter(entry.source for entry in lexicon.entries)
    by_category = Counter(entry.category for entry in lexicon.entries)
    files = (
        [f"bundled:{p.name}" for p in bundled_lexicon_files()]
        if settings.classify_bundled_lexicon
        else []
    )
    files += [str(path) for path in settings.classify_lexicon_paths]  # fmt: skip
    facts = {
        "version": lexicon.version,
        "entries": len(lexicon.entries),
        "categories": {name: by_category.get(name, 0) for name in CATEGORIES},
        "files": files,
        "entries_by_source": dict(sorted(by_source.items())),
    }
    if as_json:
        cli.print_json(facts)
        return
    cli.console.print(
        f"lexicon {lexicon.version}: {len(lexicon.entries)} entries", markup=False, soft_wrap=True
    )
    table = Table("category", "entries")
    for name in CATEGORIES:
        table.add_row(name, str(by_category.get(name, 0)))
    cli.console.print(table)
    table = Table("file", "entries")
    for source, count in sorted(by_source.items()):
        table.add_row(source, str(count))
    cli.console.print(table)


@lexicon_app.command("check")
def lexicon_check_cmd(ctx: typer.Context, file: FileArgument, as_json: JsonOption = False) -> None:
    """Parse a .lex file: its entries per category, or every mistake with its line (exit 3)."""
    from jingwang.classify.text.lexicon import LexiconError, parse_lexicon

    cli = get_context(ctx)
    text, encoding = decode_list(file.read_bytes())
    try:
        entries = parse_lexicon(text, source=str(file))
    except LexiconError as error:
        problems = [str(p) for p in error.details.get("problems") or [error.message]]
        if as_json:
            cli.print_json({"file": str(file), "encoding": encoding, "problems": problems})
        else:
            for problem in problems:
                cli.err.print(problem, markup=False, soft_wrap=True, highlight=False)
            cli.err.print(
                f"{file}: {len(problems)} mistakes; nothing was loaded",
                markup=False,
                soft_wrap=True,
            )
        raise typer.Exit(ExitCode.INVALID_INPUT) from None
    counts = Counter(entry.category for entry in entries)
    if as_json:
        cli.print_json({"file": str(file), "encoding": encoding, "entries": len(entries),
                        "categories": dict(sorted(counts.items())), "problems": []})  # fmt: skip
        return
    listed = ", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or "none"
    cli.console.print(
        f"{file}: {len(entries)} entries ({listed}); no mistakes", markup=False, soft_wrap=True
    )


@lexicon_app.command("import")
def lexicon_import_cmd(
    ctx: typer.Context,
    file: FileArgument,
    out: Annotated[Path, typer.Option("--out", help="The .lex file to write.", dir_okay=False)],
    format: Annotated[
        str, typer.Option("--format", help="plain (a word list) or e2guardian (weighted phrases).")
    ] = "plain",
    category: Annotated[
        str | None,
        typer.Option("--category", help=f"Category of the entries: {', '.join(CATEGORIES)}."),
    ] = None,
    weight: Annotated[
        int, typer.Option("--weight", help="Weight of each word of a plain list.")
    ] = 50,
    as_json: JsonOption = False,
) -> None:
    """Turn a plain word list or an e2guardian phrase list into a .lex file."""
    from jingwang.classify.text.lexicon import import_e2guardian, import_plain, parse_lexicon

    cli = get_context(ctx)
    if format not in FORMATS:
        raise InvalidInput(f"--format: {format!r} is not one of {', '.join(FORMATS)}")
    if category is not None and category not in CATEGORIES:
        raise InvalidInput(f"--category: {category!r} is not one of {', '.join(CATEGORIES)}")
    text, encoding = decode_list(file.read_bytes())
    if format == "plain":
        if category is None:
            raise InvalidInput("--category is needed with --format plain")
        lex, written = import_plain(text, category=category, weight=weight, source=str(file))
    else:
        lex, written = import_e2guardian(text, category=category, source=str(file))
    parse_lexicon(lex, source=str(out))  # what we write must read back
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(lex, encoding="utf-8")
    if as_json:
        cli.print_json({"file": str(file), "encoding": encoding, "out": str(out),
                        "entries": written, "format": format})  # fmt: skip
        return
    cli.console.print(
        f"read {file} as {encoding}; wrote {written} entries to {out}", markup=False, soft_wrap=True
    )
    cli.console.print(
        "add it to classify_lexicon_paths to use it; `jingwang classify lexicon show` lists them",
        markup=False,
        soft_wrap=True,
    )


@hashes_app.command("import")
def hashes_import_cmd(
    ctx: typer.Context,
    file: FileArgument,
    source: Annotated[str, typer.Option("--source", help="Where the hashes come from.")],
    label: Annotated[str, typer.Option("--label", help="What a match means.")] = "porn",
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import PDQ hashes of known images: lines of 64 hex digits, optionally ",label"."""
    cli, actor = probe_caller(ctx, as_user)
    text, _ = decode_list(file.read_bytes())
    with cli.db.session() as session:
        report = service.import_known_hashes(session, actor, text, source=source, label=label)
        data = dataclasses.asdict(report)
    if as_json:
        cli.print_json(data)
        return
    cli.console.print(
        f"{data['added']} hashes added from {source}, {data['known']} known already",
        markup=False,
        soft_wrap=True,
    )


@hashes_app.command("list")
def hashes_list_cmd(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 100,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many.")] = 0,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the known hashes, newest first."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        rows, total = service.list_known_hashes(session, actor, limit=limit, offset=offset)
        items: list[dict[str, Any]] = [
            {"id": r.id, "pdq": r.pdq, "label": r.label, "source": r.source, "note": r.note,
             "added_by": r.added_by, "created_at": r.created_at.isoformat()}
            for r in rows
        ]  # fmt: skip
    if as_json:
        cli.print_json({"total": total, "items": items})
        return
    table = Table("id", "PDQ", "label", "source", "added by", "at")
    for item in items:
        table.add_row(
            str(item["id"]), item["pdq"], item["label"], item["source"], item["added_by"],
            item["created_at"][:19],
        )  # fmt: skip
    cli.console.print(table)
    cli.console.print(f"{len(items)} of {total}", markup=False, soft_wrap=True)


@hashes_app.command("delete")
def hashes_delete_cmd(
    ctx: typer.Context,
    hash_id: Annotated[int, typer.Argument(metavar="ID", help="The known hash's id.")],
    as_user: AsOption = None,
) -> None:
    """Delete a known hash; exit 4 when there is none with that id."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        service.delete_known_hash(session, actor, hash_id)
    cli.console.print(f"known hash {hash_id} deleted", markup=False, soft_wrap=True)


def attach(classify_app: typer.Typer) -> None:
    """Add the ``lexicon`` and ``hashes`` groups to ``jingwang classify``."""
    classify_app.add_typer(lexicon_app, name="lexicon")
    classify_app.add_typer(hashes_app, name="hashes")


__all__ = ["attach", "decode_list", "hashes_app", "lexicon_app"]
