"""A probe made ready to record, without the database: the WARC, the artefacts, the row columns.

Steps 1 and 2 of recording (:mod:`jingwang.probe.recording` has the whole story):
:func:`prepare` builds the WARC file (with the screenshot and the WML view inside it too),
those two as artefacts of their own, and the capture row's columns, all without I/O; :func:`store`
puts every artefact of a batch in the blob store with one durability step. A campaign's fetch
workers run both, so this module imports nothing of the database: a worker process loads no
SQLAlchemy, no models and no migrations, which keeps its start-up short and its memory small.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from jingwang import __version__
from jingwang.probe.render import render_wml_view
from jingwang.probe.rows import capture_columns, page_json
from jingwang.probe.types import ProbeResult
from jingwang.probe.warc import write_warc
from jingwang.store.jsontext import EncodedJSON

if TYPE_CHECKING:
    from jingwang.settings import Settings
    from jingwang.store.blobs import BlobStore

WARC_TYPE: Final = "application/warc"
PNG_TYPE: Final = "image/png"
HTML_TYPE: Final = "text/html; charset=utf-8"
SOFTWARE: Final = f"jingwang {__version__}"
_JSON_COLUMNS: Final = ("chain", "summary", "tls")  # the capture row's JSON columns


@dataclass(frozen=True)
class Artefact:
    """One artefact of a capture: its evidence kind, bytes and media type.

    ``data`` is empty once the artefact is stored and its bytes no longer travel with it
    (:meth:`Prepared.stored`); ``size`` and ``digest`` still name them.
    """

    kind: str  # one of models.EVIDENCE_KINDS
    data: bytes
    media_type: str
    digest: str  # SHA-256 of data, hex: its blob address
    size: int

    @classmethod
    def of(cls, kind: str, data: bytes, media_type: str) -> Artefact:
        return cls(kind, data, media_type, hashlib.sha256(data).hexdigest(), len(data))


@dataclass(frozen=True)
class ProbeFacts:
    """What recording needs of a probe result besides its artefacts and columns (small: a
    fetch worker sends it to the runner instead of the whole result)."""

    url: str
    final_url: str | None
    refused_code: str | None
    error: str | None
    status: int | None  # the final answer's HTTP status
    retry_after: str | None  # its Retry-After header
    discovered_hosts: tuple[str, ...]

    @classmethod
    def of(cls, result: ProbeResult) -> ProbeFacts:
        final = result.final
        return cls(
            url=result.url,
            final_url=result.final_url,
            refused_code=result.refused_code,
            error=result.error,
            status=final.status if final is not None else None,
            retry_after=final.header("retry-after") if final is not None else None,
            discovered_hosts=tuple(result.discovered_hosts),
        )


@dataclass(frozen=True)
class Prepared:
    """A probe result made ready to record: its artefacts (the WARC first) and row columns."""

    facts: ProbeFacts
    artefacts: tuple[Artefact, ...]
    columns: dict[str, Any]

    @property
    def warc(self) -> Artefact:
        return self.artefacts[0]

    def stored(self) -> Prepared:
        """The same without the artefacts' bytes (they are in the blob store)."""
        artefacts = tuple(dataclasses.replace(item, data=b"") for item in self.artefacts)
        return dataclasses.replace(self, artefacts=artefacts)


def prepare(
    result: ProbeResult, *, screenshot: bytes | None = None, settings: Settings | None = None
) -> Prepared:
    """The WARC (with the screenshot and WML view inside it too), those two as artefacts of
    their own (so pages can show them), and the capture row's columns. No I/O."""
    where = result.final_url or result.url
    extras: list[Artefact] = []
    if screenshot:
        extras.append(Artefact.of("screenshot", screenshot, PNG_TYPE))
    if result.page is not None and result.page.kind == "wml":
        view = render_wml_view(result.page).encode("utf-8")
        extras.append(Artefact.of("wml_view", view, HTML_TYPE))
    records = [(f"urn:jingwang:{item.kind}:{where}", item.data, item.media_type) for item in extras]
    summary = page_json(result.page) if result.page is not None else None
    warc = write_warc(
        result, software=SOFTWARE, extra=records, settings=settings, page_summary=summary
    )
    columns = capture_columns(result, page_summary=summary)
    for name in _JSON_COLUMNS:  # encoded here, in the fetch worker, not in the runner
        if columns[name] is not None:
            columns[name] = EncodedJSON.of(columns[name])
    artefacts = (Artefact.of("warc", warc, WARC_TYPE), *extras)
    return Prepared(ProbeFacts.of(result), artefacts, columns)


def store(blobs: BlobStore, prepared: Sequence[Prepared]) -> None:
    """Put every artefact of ``prepared`` in the blob store, durably, in one step."""
    if any(item.size and not item.data for one in prepared for item in one.artefacts):
        raise ValueError("an artefact without its bytes cannot be stored (stored already?)")
    blobs.put_many([item.data for one in prepared for item in one.artefacts])


__all__ = [
    "HTML_TYPE",
    "PNG_TYPE",
    "SOFTWARE",
    "WARC_TYPE",
    "Artefact",
    "Prepared",
    "ProbeFacts",
    "prepare",
    "store",
]
