"""The demo's verdicts: every capture the seeded campaigns recorded is judged before the UI
opens, so each capture page shows its verdict (label, score, reasons, the matched phrases
marked in its text, its images' scores) and the detection pages have something to list.

The captures are judged here, in the demo process, with the classifier the settings describe
(:meth:`Classifier.from_settings`), as the ``classify.captures`` job would judge them; the jobs
the campaigns queued for the worker then find the verdicts current and skip them. Judging is
idempotent: a capture that already has a current verdict made by the same classifier is left
as it is.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import select

from jingwang.classify.classifier import Classifier
from jingwang.classify.models import VerdictRow
from jingwang.classify.service import classify_capture, known_index
from jingwang.probe.models import Capture
from jingwang.settings import Settings
from jingwang.store import BlobStore, Database

BATCH: Final = 20  # captures judged per transaction


@dataclass
class JudgingSummary:
    captures: int = 0  # captures judged (or found judged already)
    labels: dict[str, int] = field(default_factory=dict)  # current verdicts by label
    seconds: float = 0.0


def judge_demo_captures(settings: Settings, db: Database, blobs: BlobStore) -> JudgingSummary:
    """Judge every capture of the demo database; see the module docstring."""
    started = time.monotonic()
    with db.session() as session:
        ids = list(session.scalars(select(Capture.id).order_by(Capture.id)))
        known = known_index(session)
    # built outside any transaction: loading the models takes seconds, SQLite's lock would wait
    classifier = Classifier.from_settings(settings, known=known)
    for first in range(0, len(ids), BATCH):
        with db.session() as session:
            for capture_id in ids[first : first + BATCH]:
                classify_capture(session, blobs, classifier, capture_id)
    with db.session() as session:
        query = select(VerdictRow.label).where(
            VerdictRow.subject == "capture", VerdictRow.current.is_(True)
        )
        labels = Counter(session.scalars(query))
    return JudgingSummary(
        captures=len(ids),
        labels=dict(sorted(labels.items())),
        seconds=round(time.monotonic() - started, 1),
    )


__all__ = ["JudgingSummary", "judge_demo_captures"]
