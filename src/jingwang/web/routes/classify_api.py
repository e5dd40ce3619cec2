"""``/api/classify``, ``/api/verdicts``, the verdict routes of ``/api/captures`` and
``/api/sites``: detection over JSON.

* ``POST /api/classify/text`` judges a text now (nothing stored) and answers the verdict as
  :meth:`jingwang.classify.types.Verdict.to_json` writes it; a body over
  :data:`MAX_BODY_BYTES` is 413 ``too_large``, a text over :data:`MAX_TEXT_CHARS` characters 422.
* ``GET /api/classify/info``: the classifier versions, thresholds, lexicon and model facts.
* Stored verdicts (``classify:read``, within reach like captures): a capture's current verdict,
  a verdict by id, the verdict list (highest score first) and a site's current verdict.
* ``POST /api/captures/{id}/classify`` (``classify:run`` over the capture's organisation)
  enqueues a forced ``classify.captures`` job and answers 202 with its id; the new verdict
  appears at ``GET /api/captures/{id}/verdict`` once the worker has run it.
* Re-scoring runs (``classify:run`` with global reach: a run judges every capture of the
  installation): start (202; 409 ``classify.run_active`` while one goes), status, cancel.
* Known image hashes (``classify:manage`` with global reach): list, import (a ``text/plain``
  body of ``hex64[,label]`` lines with ``source`` and ``label`` in the query, or JSON
  ``{source, label, hashes: [...]}``), delete.

Errors have the usual :class:`ErrorResponse` body: ``classify.*`` codes (see docs/api.md),
``probe.capture_not_found`` (404), ``input.invalid`` (422), ``too_large`` (413).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from jingwang.accounts.policy import Actor
from jingwang.classify import service
from jingwang.classify.classifier import Classifier
from jingwang.classify.errors import VerdictNotFound
from jingwang.classify.info import describe_classifier
from jingwang.errors import InvalidInput
from jingwang.web.auth.decisions import require
from jingwang.web.deps import SessionDep, SettingsDep
from jingwang.web.errors import ErrorResponse
from jingwang.web.routes.classify_capture import enqueue_judgement

MAX_TEXT_CHARS: Final = 500_000  # characters of one text judged by POST /api/classify/text
MAX_BODY_BYTES: Final = 4 * 1024 * 1024  # bytes of a request body to the judging routes
MAX_HASH_BODY: Final = 8 * 1024 * 1024  # bytes of a hash list imported in one request
ERRORS = {
    401: {"model": ErrorResponse, "description": "No valid token or session."},
    403: {"model": ErrorResponse, "description": "The caller lacks the permission or reach."},
    404: {"model": ErrorResponse, "description": "No such capture, verdict, run or hash within "
          "the caller's reach."},
    422: {"model": ErrorResponse, "description": "A field or filter is not acceptable."},
}  # fmt: skip
TOO_LARGE = {413: {"model": ErrorResponse, "description": "The request body is too large."}}
CONFLICT = {409: {"model": ErrorResponse, "description": "The run's state does not allow it."}}
router = APIRouter(prefix="/api", tags=["classify"], responses=ERRORS)  # type: ignore[arg-type]

Reader = Annotated[Actor, Depends(require("classify:read"))]
TargetReader = Annotated[Actor, Depends(require("classify:read", target="org"))]
CaptureJudge = Annotated[Actor, Depends(require("classify:run", target="org"))]
RunManager = Annotated[Actor, Depends(require("classify:run", global_reach=True))]
HashManager = Annotated[Actor, Depends(require("classify:manage", global_reach=True))]


def body_within(limit: int) -> Any:
    """A dependency refusing a body whose declared length is over ``limit`` bytes (413)."""

    def check(request: Request) -> None:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise HTTPException(
                413, f"the request body is {declared} bytes, over the {limit} accepted"
            )

    return Depends(check)


class TextRequest(BaseModel):
    text: str = Field(max_length=MAX_TEXT_CHARS, description="The text to judge (a page's).")


class VerdictPublic(BaseModel):
    """A stored verdict: ``reasons``, ``text`` and ``images`` as the verdict's JSON has them."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    subject: str = Field(description="capture or site")
    capture_id: int | None
    domain: str | None
    host: str | None
    org_id: int | None
    label: str = Field(description="porn, suspect, clean or unknown")
    score: float = Field(description="Calibrated P(porn), 0..1.")
    thresholds: dict[str, float]
    reasons: list[dict[str, Any]] = Field(
        description="Each {code, zh, en, contribution, evidence}."
    )
    text: dict[str, Any] | None = Field(description="The text score: probability, hits, …")
    images: list[dict[str, Any]] = Field(description="Each image's nsfw score, PDQ, match.")
    versions: dict[str, str]
    versions_key: str
    captures: list[int] | None = Field(description="A site verdict's pages.")
    current: bool
    run_id: int | None
    previous_label: str | None
    created_at: dt.datetime


class VerdictPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[VerdictPublic]


class JudgeJob(BaseModel):
    job_id: int
    state: str
    capture_id: int


class RunPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    state: str = Field(description="queued, running, done, cancelled or failed")
    versions: dict[str, str]
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    total: int
    done: int
    changed: int = Field(description="Verdicts whose label changed.")
    counts: dict[str, int] = Field(description="Verdicts made, by label.")
    job_id: int | None
    note: str | None


class HashPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    pdq: str
    label: str
    source: str
    note: str | None
    added_by: str
    created_at: dt.datetime


class HashPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[HashPublic]


class HashImport(BaseModel):
    source: str = Field(min_length=1, max_length=200, description="Where the hashes come from.")
    label: str = Field("porn", min_length=1, max_length=40, description="What a match means.")
    hashes: list[str] = Field(
        min_length=1, max_length=200_000, description='Lines "hex64" or "hex64,label".'
    )


@router.post(
    "/classify/text",
    summary="Judge a text now (nothing is stored)",
    dependencies=[body_within(MAX_BODY_BYTES)],
    responses=TOO_LARGE,  # type: ignore[arg-type]
)
def classify_text_api(actor: Reader, settings: SettingsDep, body: TextRequest) -> dict[str, Any]:
    return Classifier.from_settings(settings).judge_text(body.text).to_json()


@router.get("/classify/info", summary="Classifier versions, thresholds, lexicon and model")
def classify_info_api(actor: Reader, settings: SettingsDep) -> dict[str, Any]:
    return describe_classifier(Classifier.from_settings(settings))


@router.get("/captures/{capture_id}/verdict", summary="A capture's current verdict")
def capture_verdict_api(actor: TargetReader, session: SessionDep, capture_id: int) -> VerdictPublic:
    row = service.current_verdict(session, actor, capture_id)
    if row is None:
        raise VerdictNotFound(
            f"capture {capture_id} has not been judged yet: POST /api/captures/{capture_id}"
            "/classify",
            capture_id=capture_id,
        )
    return VerdictPublic.model_validate(row)


@router.post(
    "/captures/{capture_id}/classify",
    status_code=202,
    summary="Judge a capture again (as a background job)",
)
def capture_classify_api(actor: CaptureJudge, session: SessionDep, capture_id: int) -> JSONResponse:
    job = enqueue_judgement(session, actor, capture_id)
    view = JudgeJob(job_id=job.id, state=job.state.value, capture_id=capture_id)
    location = f"/api/captures/{capture_id}/verdict"
    return JSONResponse(view.model_dump(), status_code=202, headers={"Location": location})


@router.get("/verdicts", summary="Verdicts within reach, highest score first")
def list_verdicts_api(
    actor: Reader,
    session: SessionDep,
    subject: Annotated[Literal["capture", "site"], Query()] = "capture",
    label: Annotated[Literal["porn", "suspect", "clean", "unknown"] | None, Query()] = None,
    domain: Annotated[str | None, Query(max_length=253, description="Registrable domain.")] = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> VerdictPage:
    rows, total = service.list_verdicts(
        session,
        actor,
        subject=subject,
        label=label,
        domain=domain,
        min_score=min_score,
        limit=limit,
        offset=offset,
    )
    items = [VerdictPublic.model_validate(row) for row in rows]
    return VerdictPage(total=total, limit=limit, offset=offset, items=items)


@router.get("/verdicts/{verdict_id}", summary="One verdict, current or not")
def get_verdict_api(actor: TargetReader, session: SessionDep, verdict_id: int) -> VerdictPublic:
    return VerdictPublic.model_validate(service.get_verdict(session, actor, verdict_id))


@router.get("/sites/{domain}/verdict", summary="A site's current verdict (its pages together)")
def site_verdict_api(actor: TargetReader, session: SessionDep, domain: str) -> VerdictPublic:
    row = service.site_verdict(session, actor, domain)
    if row is None:
        raise VerdictNotFound(f"no site verdict on {domain!r} yet", domain=domain)
    return VerdictPublic.model_validate(row)


@router.post(
    "/classify/rescore",
    status_code=202,
    summary="Re-score every capture with the current classifiers",
    responses=CONFLICT,  # type: ignore[arg-type]
)
def start_rescore_api(actor: RunManager, session: SessionDep) -> JSONResponse:
    run = service.start_rescore(session, actor)
    view = RunPublic.model_validate(run).model_dump(mode="json")
    return JSONResponse(
        view, status_code=202, headers={"Location": f"/api/classify/rescore/{run.id}"}
    )


@router.get("/classify/rescore/{run_id}", summary="A re-scoring run's progress")
def get_rescore_api(actor: Reader, session: SessionDep, run_id: int) -> RunPublic:
    return RunPublic.model_validate(service.get_run(session, actor, run_id))


@router.post(
    "/classify/rescore/{run_id}/cancel",
    summary="Cancel a re-scoring run",
    responses=CONFLICT,  # type: ignore[arg-type]
)
def cancel_rescore_api(actor: RunManager, session: SessionDep, run_id: int) -> RunPublic:
    return RunPublic.model_validate(service.cancel_rescore(session, actor, run_id))


@router.get("/classify/hashes", summary="Known image hashes, newest first")
def list_hashes_api(
    actor: HashManager,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HashPage:
    rows, total = service.list_known_hashes(session, actor, limit=limit, offset=offset)
    items = [HashPublic.model_validate(row) for row in rows]
    return HashPage(total=total, limit=limit, offset=offset, items=items)


async def _hash_import(request: Request, source: str | None, label: str) -> HashImport:
    """The import asked for: a JSON body, or ``text/plain`` lines with the query's fields."""
    data = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            return HashImport.model_validate(json.loads(data))
        except (ValueError, ValidationError) as error:
            raise InvalidInput(
                f"the body is not {{source, label?, hashes: [...]}}: {str(error)[:300]}"
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the body is not UTF-8 text") from None
    lines = [line for line in text.splitlines() if line.strip()]
    if not source or not lines:
        raise InvalidInput(
            "send hash lines as text/plain with ?source=… (and ?label=…), or JSON "
            "{source, label, hashes}",
            field="source" if not source else "body",
        )
    return HashImport(source=source, label=label, hashes=lines)


@router.post(
    "/classify/hashes",
    status_code=201,
    summary="Import known image hashes",
    dependencies=[body_within(MAX_HASH_BODY)],
    responses=TOO_LARGE,  # type: ignore[arg-type]
    openapi_extra={
        "requestBody": {
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {"schema": HashImport.model_json_schema()},
            }
        }
    },
)
async def import_hashes_api(
    request: Request,
    actor: HashManager,
    session: SessionDep,
    source: Annotated[str | None, Query(max_length=200)] = None,
    label: Annotated[str, Query(min_length=1, max_length=40)] = "porn",
) -> dict[str, Any]:
    wanted = await _hash_import(request, source, label)
    report = service.import_known_hashes(
        session, actor, "\n".join(wanted.hashes), source=wanted.source, label=wanted.label
    )
    return dataclasses.asdict(report)


@router.delete("/classify/hashes/{hash_id}", status_code=204, summary="Delete a known hash")
def delete_hash_api(actor: HashManager, session: SessionDep, hash_id: int) -> Response:
    service.delete_known_hash(session, actor, hash_id)
    return Response(status_code=204)


__all__ = ["MAX_BODY_BYTES", "MAX_TEXT_CHARS", "router"]
