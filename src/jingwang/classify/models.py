"""Detection's tables: verdicts, scored images, known image hashes, re-scoring runs.

- ``classify_verdicts``: the machine's opinion of one capture (``subject`` ``capture``) or of one
  site (``subject`` ``site``, keyed by registrable domain). A new verdict never overwrites an
  old one: it becomes ``current`` and the previous one stops being current, so every verdict a
  reviewer ever saw stays explainable with the classifier versions it was made with.
- ``classify_images``: each distinct image (by SHA-256 of its bytes) scored once per image-model
  version, with its PDQ hash: the same banner on a thousand mirror pages costs one inference.
- ``classify_known_hashes``: PDQ hashes of known images (imported lists, confirmed decisions),
  matched within a Hamming distance.
- ``classify_runs``: re-scoring all evidence with the current classifiers, as a campaign with
  progress, resumable by its cursor.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jingwang.store.base import Base, UTCDateTime, utcnow

_ID = BigInteger().with_variant(Integer(), "sqlite")

SUBJECTS = ("capture", "site")
RUN_STATES = ("queued", "running", "done", "cancelled", "failed")


class VerdictRow(Base):
    """One verdict on a capture or a site, with its reasons and the versions that made it."""

    __tablename__ = "classify_verdicts"
    __table_args__ = (
        Index("ix_classify_verdicts_capture", "capture_id", "current"),
        Index("ix_classify_verdicts_domain", "subject", "domain", "current"),
        Index("ix_classify_verdicts_label", "subject", "current", "label", "score"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(16))  # capture, site
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("probe_captures.id"))
    domain: Mapped[str | None] = mapped_column(String(253))  # registrable domain judged
    host: Mapped[str | None] = mapped_column(String(253))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    label: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    thresholds: Mapped[dict[str, float]] = mapped_column(JSON)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    text: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # TextScore.to_json()
    images: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # ImageScore.to_json() each
    versions: Mapped[dict[str, str]] = mapped_column(JSON)
    versions_key: Mapped[str] = mapped_column(String(64))  # one string for "made with these"
    captures: Mapped[list[int] | None] = mapped_column(JSON)  # site verdicts: the pages judged
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    run_id: Mapped[int | None] = mapped_column(_ID)  # the re-scoring run that made it
    previous_label: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImageRow(Base):
    """One distinct image, scored once per image-model version, with its PDQ hash."""

    __tablename__ = "classify_images"
    __table_args__ = (
        UniqueConstraint("digest", "model_version"),
        Index("ix_classify_images_pdq", "pdq"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the image bytes
    model_version: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str | None] = mapped_column(String(100))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    nsfw: Mapped[float | None] = mapped_column(Float)
    pdq: Mapped[str | None] = mapped_column(String(64))
    pdq_quality: Mapped[int | None] = mapped_column(Integer)
    pdq_variants: Mapped[str | None] = mapped_column(Text)  # the 8 dihedral hashes, comma-joined
    error: Mapped[str | None] = mapped_column(Text)
    first_capture_id: Mapped[int | None] = mapped_column(_ID)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class KnownHash(Base):
    """The PDQ hash of a known image, from an imported list or a confirmed decision."""

    __tablename__ = "classify_known_hashes"
    __table_args__ = (UniqueConstraint("pdq", "source"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    pdq: Mapped[str] = mapped_column(String(64))  # 64 hex digits
    label: Mapped[str] = mapped_column(String(40))  # porn, … (what a match means)
    source: Mapped[str] = mapped_column(String(200))  # list name, decision id, …
    note: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RescoreRun(Base):
    """Re-scoring every capture with the current classifiers: a campaign with progress."""

    __tablename__ = "classify_runs"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    versions: Mapped[dict[str, str]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)  # verdicts whose label changed
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # label -> verdicts
    cursor: Mapped[int] = mapped_column(_ID, default=0)  # last capture id re-scored
    job_id: Mapped[int | None] = mapped_column(_ID)
    note: Mapped[str | None] = mapped_column(Text)


__all__ = ["RUN_STATES", "SUBJECTS", "ImageRow", "KnownHash", "RescoreRun", "VerdictRow"]
