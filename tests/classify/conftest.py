"""Fixtures shared by the detection tests that record real captures and run real jobs.

``world`` is the loopback web of pages and images with a database and blob store
(:mod:`verdictkit`); a module overrides it where it needs other settings. ``classifier`` is the
small lexicon classifier installed as the job kinds' per-process one, and ``runtime`` runs jobs
synchronously against the world.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from verdictkit import World, lexicon_classifier, open_world

from jingwang.classify.classifier import Classifier
from jingwang.classify.jobs import CLASSIFIERS
from jingwang.jobs import JobRuntime, build_runtime
from jingwang.settings import Settings
from jingwang.store import Database


@pytest.fixture
def world(settings: Settings, db: Database) -> Iterator[World]:
    with open_world(settings, db) as opened:
        yield opened


@pytest.fixture
def classifier(world: World) -> Iterator[Classifier]:
    """The lexicon classifier (images hashed, not scored) as the job's per-process one."""
    made = lexicon_classifier()
    CLASSIFIERS.put(world.settings, made)
    yield made
    CLASSIFIERS.clear()


@pytest.fixture
def runtime(world: World, classifier: Classifier) -> JobRuntime:
    return build_runtime(world.settings, world.db, blobs=world.blobs)
