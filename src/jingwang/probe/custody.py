"""Chain of custody over captures: re-hashing their evidence, exporting them as WACZ.

Thin, authorised wrappers over :mod:`jingwang.probe.evidence` and :mod:`jingwang.probe.wacz` for
the command line and the API: a capture is checked or exported only when it is within the
actor's reach (:func:`jingwang.probe.service.get_capture`); checking every capture at once needs
global reach (the reporting centre, or the operator); exporting needs ``evidence:export``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

from sqlalchemy.orm import Session

from jingwang.accounts.policy import Actor, authorize, deny, has_global_reach
from jingwang.errors import InvalidInput
from jingwang.probe.evidence import VerifyReport, verify_evidence
from jingwang.probe.service import EXPORT, READ, get_capture
from jingwang.probe.wacz import export_wacz
from jingwang.store import BlobStore


def verify_captures(
    session: Session,
    blobs: BlobStore,
    actor: Actor,
    *,
    capture_id: int | None = None,
    limit: int | None = None,
) -> VerifyReport:
    """Re-hash the evidence of one capture within reach, or of all (global reach only).

    The outcome is written to the evidence rows; the caller commits.
    """
    authorize(actor, READ)
    if capture_id is not None:
        get_capture(session, actor, capture_id)
    elif not has_global_reach(actor, "read"):
        raise deny(actor, READ, "out_of_scope")
    return verify_evidence(session, blobs, capture_id=capture_id, limit=limit)


def export_captures(
    session: Session, blobs: BlobStore, actor: Actor, capture_ids: Sequence[int], out: BinaryIO
) -> None:
    """Write the captures ``capture_ids`` (each within reach) to ``out`` as one WACZ file."""
    authorize(actor, EXPORT)
    if not capture_ids:
        raise InvalidInput("no capture to export: give at least one capture id", field="ids")
    wanted = list(dict.fromkeys(capture_ids))
    for capture_id in wanted:
        get_capture(session, actor, capture_id)
    export_wacz(session, blobs, wanted, out)


__all__ = ["export_captures", "verify_captures"]
