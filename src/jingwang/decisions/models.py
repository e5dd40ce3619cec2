"""The decision table: what a reviewer decided about a domain, and whether it still stands.

This is the smallest real piece of the decisions the review capability will grow: a confirmed
verdict on a registrable domain (``porn``, ``unfiled``, ``gambling``, ``fraud``, ``other``:
illegal; ``legal``), who decided it and why, withdrawn rather than deleted. The registry's
audits read confirmed illegal verdicts (a promotion channel or SP service landing on such a
site is a finding); the "file before connect" gate refuses such a domain.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jingwang.store.base import Base, UTCDateTime, utcnow

_ID = BigInteger().with_variant(Integer(), "sqlite")

ILLEGAL_VERDICTS = ("porn", "unfiled", "gambling", "fraud", "other")
VERDICTS = (*ILLEGAL_VERDICTS, "legal")


class Decision(Base):
    """A verdict on a registrable domain; ``state`` is confirmed or withdrawn."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_domain", "domain", "state"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    domain: Mapped[str] = mapped_column(String(253))  # registrable, ASCII form
    url: Mapped[str | None] = mapped_column(String(2000))  # what was looked at
    verdict: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="confirmed")
    reason: Mapped[str] = mapped_column(Text)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))


__all__ = ["ILLEGAL_VERDICTS", "VERDICTS", "Decision"]
