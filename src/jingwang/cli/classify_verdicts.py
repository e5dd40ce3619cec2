"""``jingwang classify capture | verdicts | show | site | rescore …``: stored verdicts.

Thin over :mod:`jingwang.classify.service`. ``classify capture ID`` judges a capture now, in
this process (``--force`` even when its verdict already has the current classifier versions);
the others read verdicts within the actor's reach. ``rescore start`` queues a re-scoring run
for the worker; ``rescore status --wait`` draws its progress until it ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Final

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jingwang.accounts.policy import authorize, load_org_scope
from jingwang.classify import service
from jingwang.classify.classifier import Classifier
from jingwang.classify.errors import RunNotFound, VerdictNotFound
from jingwang.classify.models import RescoreRun
from jingwang.cli.classify_print import (
    LangOption,
    language,
    print_run,
    print_verdict,
    row_json,
    run_json,
)
from jingwang.cli.context import CliContext
from jingwang.cli.probe import AsOption, JsonOption, probe_caller
from jingwang.probe.service import get_capture

POLL_SECONDS: Final = 1.0
LIVE: Final = ("queued", "running")

rescore_app = typer.Typer(
    help="Re-scoring runs: judge every capture again with the current classifiers.",
    no_args_is_help=True,
)
IdArgument = Annotated[int, typer.Argument(metavar="ID", help="The id.")]


def capture_cmd(
    ctx: typer.Context,
    capture_id: Annotated[int, typer.Argument(metavar="ID", help="The capture's id.")],
    force: Annotated[
        bool, typer.Option("--force", help="Judge again even when nothing changed since.")
    ] = False,
    lang: LangOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Judge a capture now (its text, images and identifiers) and print the verdict."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        capture = get_capture(session, actor, capture_id)
        if capture.org_id is not None:  # the operator's own captures have none
            authorize(actor, service.RUN, load_org_scope(session, capture.org_id))
        known = service.known_index(session)
    # the models load outside any transaction (SQLite would hold its write lock meanwhile)
    classifier = Classifier.from_settings(cli.settings, known=known)
    started = time.monotonic()
    with cli.db.session() as session:
        row = service.judge_capture(session, cli.blobs, classifier, actor, capture_id, force=force)
        seconds = time.monotonic() - started
        data = row_json(row)
    if as_json:
        cli.print_json(data)
        return
    print_verdict(cli, data, language(cli, lang))
    cli.err.print(f"judged in {seconds:.2f} s", markup=False, soft_wrap=True)


def verdicts_cmd(
    ctx: typer.Context,
    label: Annotated[
        str | None, typer.Option("--label", help="Only porn, suspect, clean or unknown.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", help="Only this registrable domain.")
    ] = None,
    subject: Annotated[str, typer.Option("--subject", help="capture (pages) or site.")] = "capture",
    min_score: Annotated[
        float | None, typer.Option("--min-score", min=0, max=1, help="Only scores at least this.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 50,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List current verdicts within reach, highest score first."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        rows, total = service.list_verdicts(
            session, actor, subject=subject, label=label, domain=domain, min_score=min_score,
            limit=limit,
        )  # fmt: skip
        found = [row_json(row) for row in rows]
    if as_json:
        cli.print_json({"total": total, "items": found})
        return
    table = Table("id", "label", "score", "capture", "domain", "strongest reason", "at")
    lang = language(cli, None)
    for item in found:
        reasons = item["reasons"]
        table.add_row(
            str(item["id"]),
            item["label"],
            f"{item['score']:.3f}",
            str(item["capture_id"] or "-"),
            item["domain"] or "-",
            str(reasons[0].get(lang, "")) if reasons else "",
            item["created_at"][:19],
        )
    cli.console.print(table)
    cli.console.print(f"{len(found)} of {total}", markup=False, soft_wrap=True)


def show_cmd(
    ctx: typer.Context,
    verdict_id: Annotated[int, typer.Argument(metavar="VERDICT_ID", help="The verdict's id.")],
    lang: LangOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one verdict: label, score, thresholds, reasons, phrases, images, versions."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        data = row_json(service.get_verdict(session, actor, verdict_id))
    if as_json:
        cli.print_json(data)
        return
    print_verdict(cli, data, language(cli, lang))


def site_cmd(
    ctx: typer.Context,
    domain: Annotated[str, typer.Argument(metavar="DOMAIN", help="A registrable domain.")],
    lang: LangOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a site's current verdict (its judged pages together); exit 4 when there is none."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        row = service.site_verdict(session, actor, domain)
        if row is None:
            raise VerdictNotFound(f"no site verdict on {domain!r} yet", domain=domain)
        data = row_json(row)
    if as_json:
        cli.print_json(data)
        return
    print_verdict(cli, data, language(cli, lang))


@rescore_app.command("start")
def rescore_start_cmd(
    ctx: typer.Context, as_user: AsOption = None, as_json: JsonOption = False
) -> None:
    """Queue a re-scoring run for the worker; exit 5 while another one is going."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        data = run_json(service.start_rescore(session, actor))
    if as_json:
        cli.print_json(data)
        return
    cli.console.print(
        f"run {data['id']} queued for the worker (`jingwang worker`); "
        f"`jingwang classify rescore status {data['id']} --wait` follows it",
        markup=False,
        soft_wrap=True,
    )


@rescore_app.command("status")
def rescore_status_cmd(
    ctx: typer.Context,
    run_id: Annotated[
        int | None, typer.Argument(metavar="[ID]", help="The run (default: the latest).")
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="Draw its progress until the run ends.")
    ] = False,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """A re-scoring run's progress: captures judged of the total, labels changed."""
    cli, actor = probe_caller(ctx, as_user)

    def read() -> RescoreRun:
        with cli.db.session() as session:
            if run_id is not None:
                return service.get_run(session, actor, run_id)
            runs = service.list_runs(session, actor)
            if not runs:
                raise RunNotFound("no re-scoring run yet: `jingwang classify rescore start`")
            return runs[0]

    run = read()
    if wait and run.state in LIVE:
        run = _follow(cli, run.id, read, quiet=as_json)
    if as_json:
        cli.print_json(run_json(run))
    else:
        print_run(cli, run)


def _follow(
    cli: CliContext, run_id: int, read: Callable[[], RescoreRun], *, quiet: bool
) -> RescoreRun:
    """Poll the run and draw its progress on stderr until it is no longer live."""
    columns = (
        TextColumn(f"run {run_id}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[state]}, {task.fields[changed]} changed"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=cli.err, disable=quiet) as bar:
        task = bar.add_task("rescore", total=None, state="queued", changed=0)
        while True:
            run = read()
            bar.update(task, completed=run.done, total=run.total or None, state=run.state,
                       changed=run.changed)  # fmt: skip
            if run.state not in LIVE:
                return run
            time.sleep(POLL_SECONDS)


@rescore_app.command("cancel")
def rescore_cancel_cmd(
    ctx: typer.Context, run_id: IdArgument, as_user: AsOption = None, as_json: JsonOption = False
) -> None:
    """Cancel a queued or running re-scoring run (its verdicts so far stay); exit 5 otherwise."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        run = service.cancel_rescore(session, actor, run_id)
        data = run_json(run)
    if as_json:
        cli.print_json(data)
    else:
        cli.console.print(f"run {run_id}: {data['state']}", markup=False, soft_wrap=True)


def attach(classify_app: typer.Typer) -> None:
    """Add the verdict commands and the ``rescore`` group to ``jingwang classify``."""
    classify_app.command("capture")(capture_cmd)
    classify_app.command("verdicts")(verdicts_cmd)
    classify_app.command("show")(show_cmd)
    classify_app.command("site")(site_cmd)
    classify_app.add_typer(rescore_app, name="rescore")


__all__ = ["attach", "rescore_app"]
