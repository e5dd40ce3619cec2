"""``jingwang classify …``: detection from the command line.

This module holds the group and the commands that need no stored verdict: ``text`` (judge
stdin), ``eval`` (measure on a labelled dataset), ``train`` (a text model from one),
``image`` (score image files) and ``info``. Stored verdicts and re-scoring are in
:mod:`jingwang.cli.classify_verdicts`, lexicon files and known hashes in
:mod:`jingwang.cli.classify_data`. Commands that read or write the database act as the
operator, or as the user named by ``--as``.
"""

from __future__ import annotations

import mimetypes
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jingwang.classify.classifier import Classifier
from jingwang.classify.images.pdq import KnownIndex
from jingwang.classify.images.score import ImageInput
from jingwang.classify.info import describe_classifier
from jingwang.classify.types import ImageScore
from jingwang.cli.classify_eval import EvalProgress, score_examples
from jingwang.cli.classify_print import LangOption, language, print_info, print_verdict
from jingwang.cli.context import CliContext, get_context
from jingwang.cli.exit_codes import ExitCode
from jingwang.errors import InvalidInput
from jingwang.store import current_revision, head_revision

classify_app = typer.Typer(
    help="Detection: judge texts, pages and images; verdicts, evaluation, lexicons, hashes.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
DatasetArgument = Annotated[
    Path,
    typer.Argument(metavar="DATASET", help="A labelled JSONL file.", exists=True, dir_okay=False),
]


def _read_stdin() -> str:
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


@classify_app.command("text")
def text_cmd(ctx: typer.Context, lang: LangOption = None, as_json: JsonOption = False) -> None:
    """Judge the text read on stdin (UTF-8, else GB18030) and print its verdict."""
    cli = get_context(ctx)
    text = _read_stdin()
    if not text.strip():
        raise InvalidInput("stdin is empty: pipe the text to judge into the command")
    verdict = Classifier.from_settings(cli.settings).judge_text(text)
    if as_json:
        cli.print_json(verdict.to_json())
        return
    print_verdict(cli, verdict.to_json(), language(cli, lang))


@classify_app.command("eval")
def eval_cmd(
    ctx: typer.Context,
    dataset: DatasetArgument,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", min=0, max=1, help="Porn threshold (default: the model's)."),
    ] = None,
    worst: Annotated[
        int, typer.Option("--worst", min=0, help="Show this many of the worst errors.")
    ] = 10,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Measure the classifier on a labelled dataset: precision, recall, F1, confusion matrix,
    threshold sweep and the worst errors."""
    from jingwang.classify.evaluate import evaluate, load_dataset, render_report

    cli = get_context(ctx)
    examples = load_dataset(dataset)
    classifier = Classifier.from_settings(cli.settings)
    started = time.monotonic()
    with EvalProgress(cli.err, len(examples), quiet=as_json) as progress:
        scores = score_examples(cli, classifier, examples, dataset.parent, progress)
    chosen = threshold if threshold is not None else classifier.thresholds.porn
    report = evaluate(examples, scores, threshold=chosen, versions=classifier.versions, worst=worst)
    if as_json:
        cli.print_json(report.to_json())
        return
    cli.console.print(
        render_report(report, language(cli, lang)), markup=False, soft_wrap=True, highlight=False
    )
    cli.err.print(f"{len(examples)} examples judged in {time.monotonic() - started:.1f} s")


@classify_app.command("train")
def train_cmd(
    ctx: typer.Context,
    dataset: DatasetArgument,
    out: Annotated[
        Path, typer.Option("--out", help="The model file to write (.npz; its .json beside it).")
    ],
    seed: Annotated[
        int, typer.Option("--seed", help="Cross-validation seed (same data and seed: same model).")
    ] = 0,
    as_json: JsonOption = False,
) -> None:
    """Train a text model on a labelled dataset (with the lexicon in use) and save it."""
    from jingwang.classify.text.lexicon import load_lexicon
    from jingwang.classify.text.train import summary, train_file

    cli = get_context(ctx)
    if out.suffix != ".npz":
        raise InvalidInput(f"--out: {out} must end in .npz (its meta goes beside it as .json)")
    settings = cli.settings
    lexicon = load_lexicon(
        settings.classify_lexicon_paths, bundled=settings.classify_bundled_lexicon
    )
    started = time.monotonic()
    model = train_file(dataset, lexicon=lexicon, seed=seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    seconds = round(time.monotonic() - started, 1)
    if as_json:
        cli.print_json(
            {"model": str(out), "version": model.version, "meta": model.meta,
             "thresholds": model.thresholds.to_json(), "seconds": seconds}
        )  # fmt: skip
        return
    cli.console.print(summary(model, out), markup=False, soft_wrap=True, highlight=False, end="")
    cli.console.print(
        f"trained in {seconds} s; use it: classify_text_model = {str(out)!r} "
        "(or JINGWANG_CLASSIFY_TEXT_MODEL)",
        markup=False,
        soft_wrap=True,
        highlight=False,
    )


def _known_index(cli: CliContext) -> KnownIndex | None:
    """The known image hashes, when the database is there and current; else None (said)."""
    from jingwang.classify.service import known_index

    try:
        current, head = current_revision(cli.db), head_revision(cli.db)
    except Exception as error:  # no database here: score without known images
        cli.err.print(
            f"no known images: the database cannot be read ({error})", markup=False, soft_wrap=True
        )
        return None
    if current != head:
        cli.err.print(
            "no known images: the database schema is not current", markup=False, soft_wrap=True
        )
        return None
    with cli.db.session() as session:
        return known_index(session)


def _image_input(path: Path) -> ImageInput:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}", path=str(path)) from None
    return ImageInput(url=str(path), data=data, media_type=mimetypes.guess_type(path.name)[0])


def _image_cells(score: ImageScore, porn: float) -> list[str]:
    nsfw = "-" if score.nsfw is None else f"{score.nsfw:.3f}"
    if score.nsfw is not None and score.nsfw >= porn:
        nsfw += " ≥ porn"
    match = score.known
    known = (
        f"{match.label} #{match.hash_id} ({match.source}, {match.distance} bits)" if match else "-"
    )
    return [
        score.url,
        nsfw,
        f"{score.width}x{score.height}" if score.width else "-",
        score.pdq or "-",
        str(score.pdq_quality) if score.pdq_quality is not None else "-",
        known,
        score.error or "",
    ]


@classify_app.command("image")
def image_cmd(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="Image files.", dir_okay=False)
    ],
    as_json: JsonOption = False,
) -> None:
    """Score image files: nudity score, PDQ hash and quality, known-image match.

    Exit 1 when any file could not be read as an image.
    """
    cli = get_context(ctx)
    known = _known_index(cli)
    classifier = Classifier.from_settings(cli.settings, known=known)
    scores = classifier.images([_image_input(path) for path in files])
    porn = classifier.thresholds.porn
    if as_json:
        cli.print_json([score.to_json() for score in scores])
    else:
        table = Table("file", "nsfw", "size", "PDQ", "quality", "known image", "problem")
        for score in scores:
            table.add_row(*_image_cells(score, porn))
        cli.console.print(table)
    if any(score.error for score in scores):
        raise typer.Exit(ExitCode.FAILURE)


@classify_app.command("info")
def info_cmd(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The classifier in use: versions, thresholds, lexicon size, text model facts."""
    cli = get_context(ctx)
    facts = describe_classifier(Classifier.from_settings(cli.settings))
    if as_json:
        cli.print_json(facts)
        return
    print_info(cli, facts)


def register(app: typer.Typer) -> None:
    from jingwang.cli.classify_data import attach as attach_data
    from jingwang.cli.classify_verdicts import attach as attach_verdicts

    attach_verdicts(classify_app)
    attach_data(classify_app)
    app.add_typer(classify_app, name="classify")


__all__ = ["classify_app", "register"]
