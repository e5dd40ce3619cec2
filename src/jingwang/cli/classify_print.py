"""How ``jingwang classify`` prints verdicts, runs and the classifier, for people.

Verdicts are printed from their JSON shape (:meth:`jingwang.classify.types.Verdict.to_json`,
which a stored verdict row has too), so a verdict judged now and one read back from the
database look the same. Reasons are printed in the CLI's language: ``--lang``, else the
installation's ``default_language``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import typer

from jingwang.classify.models import RescoreRun, VerdictRow
from jingwang.cli.context import CliContext
from jingwang.errors import InvalidInput

LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="Language of the reasons: zh or en (default: the installation's)."),
]


def language(cli: CliContext, lang: str | None) -> str:
    """``zh`` or ``en``: ``--lang``, else the installation's default language."""
    chosen = (lang or cli.settings.default_language).lower()
    if chosen.startswith("zh"):
        return "zh"
    if chosen.startswith("en"):
        return "en"
    raise InvalidInput(f"--lang: {lang!r} is not zh or en", field="lang")


def row_json(row: VerdictRow) -> dict[str, Any]:
    """A stored verdict in the shape of ``Verdict.to_json()``, with its id and subject."""
    return {
        "id": row.id,
        "subject": row.subject,
        "capture_id": row.capture_id,
        "domain": row.domain,
        "host": row.host,
        "org_id": row.org_id,
        "label": row.label,
        "score": row.score,
        "thresholds": dict(row.thresholds or {}),
        "reasons": list(row.reasons or []),
        "versions": dict(row.versions or {}),
        "versions_key": row.versions_key,
        "text": row.text,
        "images": list(row.images or []),
        "captures": row.captures,
        "current": row.current,
        "run_id": row.run_id,
        "previous_label": row.previous_label,
        "created_at": row.created_at.isoformat(),
    }


def _reason_line(reason: Mapping[str, Any], lang: str) -> str:
    said = str(reason.get(lang) or reason.get("en") or reason.get("zh") or reason.get("code"))
    contribution = float(reason.get("contribution") or 0.0)
    return f"{said}  ({contribution:+.2f})" if contribution else said


def _hit_lines(text_score: Mapping[str, Any] | None) -> list[str]:
    lines = []
    for hit in (text_score or {}).get("hits") or []:
        matched = ", ".join(dict.fromkeys(str(m) for m in hit.get("matched") or []))
        form = " [pinyin]" if hit.get("form") == "pinyin" else ""
        lines.append(
            f"{hit.get('category', ''):<13} {int(hit.get('weight') or 0):>4}  "
            f"×{int(hit.get('count') or 0):<3} {hit.get('phrase', '')}{form}"
            + (f"  (on the page: {matched})" if matched else "")
        )
    return lines


def print_verdict(cli: CliContext, verdict: Mapping[str, Any], lang: str) -> None:
    """A verdict as people read it: label, score, thresholds, reasons, phrases, images."""
    out = cli.console
    thresholds = verdict.get("thresholds") or {}
    head = f"{verdict['label']}  score {float(verdict['score']):.3f}"
    if thresholds:
        head += f"  (porn ≥ {thresholds['porn']:.3f}, suspect ≥ {thresholds['suspect']:.3f})"
    if verdict.get("id") is not None:
        subject = verdict.get("capture_id") or verdict.get("domain")
        head = f"verdict {verdict['id']} on {verdict.get('subject')} {subject}: {head}"
    out.print(head, markup=False, soft_wrap=True, highlight=False)
    reasons = verdict.get("reasons") or []
    out.print("reasons:" if reasons else "reasons: none", markup=False, soft_wrap=True)
    for number, reason in enumerate(reasons, 1):
        out.print(
            f"  {number}. {_reason_line(reason, lang)}",
            markup=False,
            soft_wrap=True,
            highlight=False,
        )
    hits = _hit_lines(verdict.get("text"))
    if hits:
        out.print("matched phrases:", markup=False, soft_wrap=True)
        for line in hits:
            out.print(f"  {line}", markup=False, soft_wrap=True, highlight=False)
    _print_images(cli, verdict.get("images") or [])
    versions = verdict.get("versions") or {}
    if versions:
        listed = ", ".join(f"{name} {value}" for name, value in sorted(versions.items()))
        out.print(f"versions: {listed}", markup=False, soft_wrap=True, highlight=False)


def _print_images(cli: CliContext, images: Sequence[Mapping[str, Any]]) -> None:
    if not images:
        return
    cli.console.print("images:", markup=False, soft_wrap=True)
    for image in images:
        nsfw = image.get("nsfw")
        known = image.get("known")
        parts = [
            f"nsfw {nsfw:.3f}" if isinstance(nsfw, float | int) else "nsfw -",
            f"{image.get('width')}x{image.get('height')}" if image.get("width") else "",
            "thumbnail" if image.get("thumbnail") else "",
            f"known {known.get('label')} #{known.get('hash_id')}"
            if isinstance(known, dict)
            else "",
            f"error: {image['error']}" if image.get("error") else "",
        ]
        said = ", ".join(part for part in parts if part)
        cli.console.print(
            f"  {said}  {image.get('url', '')}", markup=False, soft_wrap=True, highlight=False
        )


def print_run(cli: CliContext, run: RescoreRun) -> None:
    counts = ", ".join(f"{k} {v}" for k, v in sorted((run.counts or {}).items())) or "-"
    cli.console.print(
        f"run {run.id} {run.state}: {run.done}/{run.total} captures, {run.changed} labels "
        f"changed; labels: {counts}",
        markup=False,
        soft_wrap=True,
    )


def run_json(run: RescoreRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "state": run.state,
        "versions": run.versions,
        "created_by": run.created_by,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "total": run.total,
        "done": run.done,
        "changed": run.changed,
        "counts": run.counts or {},
        "job_id": run.job_id,
        "note": run.note,
    }


def print_info(cli: CliContext, facts: Mapping[str, Any]) -> None:
    out = cli.console
    for name, value in sorted((facts.get("versions") or {}).items()):
        out.print(f"  {name:<12} {value}", markup=False, soft_wrap=True, highlight=False)
    thresholds = facts.get("thresholds") or {}
    out.print(
        f"  thresholds   porn {thresholds.get('porn', 0):.3f}, suspect "
        f"{thresholds.get('suspect', 0):.3f}",
        markup=False,
        soft_wrap=True,
    )
    lexicon = facts.get("lexicon") or {}
    by_category = ", ".join(
        f"{k} {v}" for k, v in sorted((lexicon.get("categories") or {}).items())
    )
    out.print(
        f"  lexicon      {lexicon.get('entries', 0)} entries ({by_category})",
        markup=False,
        soft_wrap=True,
    )
    for path, count in (lexicon.get("files") or {}).items():
        out.print(f"               {path} ({count})", markup=False, soft_wrap=True, highlight=False)
    meta = facts.get("text_model") or {}
    if meta:
        out.print(
            f"  text model   trained {meta.get('trained_at', '?')} on {meta.get('examples', '?')} "
            f"examples (data sha256 {str(meta.get('data_sha256', '?'))[:12]}…)",
            markup=False,
            soft_wrap=True,
        )


__all__ = [
    "LangOption",
    "language",
    "print_info",
    "print_run",
    "print_verdict",
    "row_json",
    "run_json",
]
