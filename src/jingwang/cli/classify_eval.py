"""Scoring the examples of a labelled dataset for ``jingwang classify eval``.

An example names what to judge in one of three ways (:mod:`jingwang.classify.evaluate`):

* ``text``: the text alone, through the text scorer (lexicon and text model);
* ``url``: probed now with the prober (its guard and limits apply), then the page judged as
  a capture would be: its text, its images and its identifiers;
* ``evidence``: a capture id (its stored page and the images of its WARC file), or the path
  of a WARC file (relative to the dataset's folder) written by the prober: the page summary
  and the images recorded in it.

A page that cannot be judged (a refused or failed probe, an unreadable WARC) scores 0, as the
verdict rules do with a page that has nothing to judge; the error is reported on stderr.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from warcio.archiveiterator import ArchiveIterator

from jingwang.classify.classifier import Classifier
from jingwang.classify.evaluate import Example
from jingwang.classify.images.score import ImageInput
from jingwang.cli.context import CliContext
from jingwang.errors import InvalidInput, JingwangError


class EvalProgress:
    """A progress bar on stderr (none when ``quiet``): examples judged of the total."""

    def __init__(self, console: Console, total: int, *, quiet: bool) -> None:
        columns = (
            TextColumn("judging"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("failed {task.fields[failed]}"),
            TimeElapsedColumn(),
        )
        self.bar = Progress(*columns, console=console, disable=quiet)
        self.task = self.bar.add_task("eval", total=total, failed=0)
        self.failed = 0

    def __enter__(self) -> Self:
        self.bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.bar.stop()

    def advance(self, *, failed: bool = False) -> None:
        self.failed += int(failed)
        self.bar.update(self.task, advance=1, failed=self.failed)


def warc_page(data: bytes) -> tuple[dict[str, Any], list[ImageInput]]:
    """The page summary and the images recorded in a prober's WARC file.

    The summary is the ``metadata`` record the prober wrote for the final page (``JW-Kind:
    summary``); the images are read as a capture's are
    (:func:`jingwang.classify.pages.warc_images`).
    """
    from jingwang.classify.pages import warc_images

    summary: dict[str, Any] = {}
    for record in ArchiveIterator(io.BytesIO(data)):
        if record.rec_type == "metadata" and record.rec_headers.get_header("JW-Kind") == "summary":
            summary = json.loads(record.content_stream().read())
            break
    return summary, warc_images(data, summary)


def _judge_summary(
    classifier: Classifier, summary: dict[str, Any], images: Sequence[ImageInput], outcome: str
) -> float:
    from jingwang.classify.pages import capture_identifiers, page_text

    verdict = classifier.judge_page(
        text=page_text(summary),
        images=images,
        identifiers=capture_identifiers(summary),
        outcome=outcome,
    )
    return verdict.score


def _judge_url(cli: CliContext, classifier: Classifier, url: str) -> float:
    from jingwang.probe.probe import probe_url_sync
    from jingwang.probe.rows import page_json

    result = probe_url_sync(url, settings=cli.settings)
    if result.page is None:
        raise InvalidInput(f"{url}: {result.refused or result.error or 'no page'}", url=url)
    images = [
        ImageInput(url=sub.url, data=sub.exchange.body, media_type=sub.media_type)
        for sub in result.subresources
        if sub.exchange is not None and sub.refused is None and sub.exchange.body
    ]
    return _judge_summary(classifier, page_json(result.page), images, str(result.outcome))


def _judge_evidence(cli: CliContext, classifier: Classifier, evidence: str, base: Path) -> float:
    from jingwang.classify.pages import capture_images
    from jingwang.probe.models import Capture

    if evidence.strip().isdigit():
        with cli.db.session() as session:
            capture = session.get(Capture, int(evidence))
            if capture is None:
                raise InvalidInput(f"evidence {evidence}: no capture has that id")
            images = capture_images(cli.blobs, session, capture)
            return _judge_summary(classifier, capture.summary or {}, images, capture.outcome)
    path = base / evidence
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"evidence {evidence}: cannot read {path}: {error.strerror}") from None
    summary, images = warc_page(data)
    return _judge_summary(classifier, summary, images, "ok")


TEXT_BATCH = 50  # text examples normalised together


def score_example(cli: CliContext, classifier: Classifier, example: Example, base: Path) -> float:
    """The score of one example: P(porn) of its text, or of the page it names."""
    if example.text is not None:
        return classifier.text(example.text).probability
    if example.url is not None:
        return _judge_url(cli, classifier, example.url)
    if example.evidence is not None:
        return _judge_evidence(cli, classifier, example.evidence, base)
    raise InvalidInput(f"example {example.id}: no text, url or evidence to judge")


def score_examples(
    cli: CliContext,
    classifier: Classifier,
    examples: Sequence[Example],
    base: Path,
    progress: EvalProgress,
) -> list[float]:
    """Every example's score, in order (0 for one that could not be judged, said on stderr).

    Text examples are judged in batches (normalised together, which is cheaper for short
    texts); URL and evidence examples one at a time."""
    texts = [example for example in examples if example.text is not None]
    text_scores: dict[int, float] = {}
    for first in range(0, len(texts), TEXT_BATCH):
        batch = texts[first : first + TEXT_BATCH]
        judged = classifier.texts([example.text or "" for example in batch])
        for example, score in zip(batch, judged, strict=True):
            text_scores[id(example)] = score.probability
            progress.advance()
    scores = []
    for example in examples:
        if id(example) in text_scores:
            scores.append(text_scores[id(example)])
            continue
        try:
            scores.append(score_example(cli, classifier, example, base))
            progress.advance()
        except (JingwangError, OSError, ValueError) as error:
            cli.err.print(
                f"example {example.id}: not judged, scored 0: {error}", markup=False, soft_wrap=True
            )
            scores.append(0.0)
            progress.advance(failed=True)
    return scores


__all__ = ["EvalProgress", "score_example", "score_examples", "warc_page"]
