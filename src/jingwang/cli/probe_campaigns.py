"""``jingwang probe list | candidates | campaign …``: campaigns from the command line.

Thin over :mod:`jingwang.probe.campaigns` (create, pause, resume, cancel, read),
:mod:`jingwang.probe.campaign_report` (progress and report) and
:func:`jingwang.probe.runner.run_campaign`. ``probe list FILE`` and ``campaign create --run`` /
``campaign run`` run a campaign here, in this process, instead of leaving it to the worker: the
runner works in a thread while this one draws a progress bar from the database, so Ctrl-C only
asks the runner to stop claiming; the probes in flight finish and are recorded, and the campaign
stays resumable (``campaign run ID`` continues it).

The commands act as the operator, or as the user named by ``--as``. A campaign belongs to an
organisation: a user's campaigns to theirs; the operator's to ``--owner``, by default the one
top-level organisation (the reporting centre of an installation).
"""

from __future__ import annotations

import threading
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts import Actor
from jingwang.accounts.models import Organisation
from jingwang.accounts.orgs import find_org
from jingwang.accounts.policy import authorize, load_org_scope
from jingwang.cli.context import CliContext
from jingwang.cli.exit_codes import ExitCode
from jingwang.cli.probe import AsOption, JsonOption, probe_caller
from jingwang.core.url import URLError
from jingwang.errors import InvalidInput
from jingwang.probe.campaign_report import campaign_progress, campaign_report
from jingwang.probe.campaigns import (
    RUN,
    cancel_campaign,
    create_campaign,
    get_campaign,
    list_campaigns,
    list_candidates,
    pause_campaign,
    resume_campaign,
)
from jingwang.probe.errors import CampaignStateError
from jingwang.probe.frontier import AddReport, RejectedURL, parse_target
from jingwang.probe.models import Campaign
from jingwang.probe.runner import RunReport, run_campaign
from jingwang.probe.selections import KINDS

POLL_SECONDS: Final = 0.5  # how often the progress bar reads the campaign's progress
RUNNABLE: Final = ("queued", "running")
FETCHED: Final = ("ok", "limit")  # outcomes of a capture that got an answer from the site

campaign_app = typer.Typer(
    help="Campaigns: create, list, show, pause, resume, cancel, report, run.",
    no_args_is_help=True,
)

ProfileOption = Annotated[
    str | None, typer.Option("--profile", help="Fetch profile (see `jingwang probe profiles`).")
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="Fetch worker processes for this run (default: the probe_fetch_workers setting; "
        "0: fetch in this process).",
        min=0,
        max=64,
    ),
]
DiscoveryOption = Annotated[
    bool,
    typer.Option("--discovery", help="Record new hosts seen in links and redirects as candidates."),
]
OwnerOption = Annotated[
    str | None,
    typer.Option(
        "--owner",
        help="Id or name of the organisation that owns the campaign (the operator's default: "
        "the one top-level organisation).",
    ),
]
IdArgument = Annotated[int, typer.Argument(metavar="ID", help="The campaign's id.")]


# Input ---------------------------------------------------------------------------------------


def read_url_file(path: Path) -> tuple[list[str], list[RejectedURL]]:
    """The URLs of a file, one a line (blank lines and ``#`` comments skipped), and the lines
    that are not URLs, each with its line number and reason."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read the URL file {str(path)!r}: {error}") from None
    good: list[str] = []
    bad: list[RejectedURL] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            parse_target(line)
        except URLError as error:
            bad.append(RejectedURL(number, line[:200], error.message))
            continue
        good.append(line)
    return good, bad


def _owner(session: Session, actor: Actor, owner: str | None) -> int | None:
    """The owning organisation's id: ``--owner``; a user's own (None); the operator's default."""
    if owner is not None:
        return find_org(session, owner).id
    if actor.org_id is not None:
        return None
    tops = list(session.scalars(select(Organisation.id).where(Organisation.parent_id.is_(None))))
    if len(tops) != 1:
        raise InvalidInput(
            "name the organisation that owns the campaign with --owner (an id or a name); "
            f"there are {len(tops)} top-level organisations",
            field="owner",
        )
    return int(tops[0])


def _selection(
    session: Session, kind: str, org: str | None, sublets: bool, rule: str | None
) -> dict[str, Any]:
    """The selection ``--selection KIND`` with ``--org``, ``--sublets`` and ``--rule``."""
    if kind not in KINDS:
        raise InvalidInput(
            f"--selection: no selection kind {kind!r}; use one of {', '.join(KINDS)}",
            field="selection",
        )
    if sublets and kind != "provider_sites":
        raise InvalidInput("--sublets goes with --selection provider_sites", field="sublets")
    if rule is not None and kind != "findings":
        raise InvalidInput("--rule goes with --selection findings", field="rule")
    selection: dict[str, Any] = {"kind": kind}
    if org is not None:
        key = {
            "provider_sites": "org_id",
            "unfiled_sites": "org_id",
            "channels": "carrier_org_id",
            "sp_services": "carrier_org_id",
        }.get(kind)
        if key is None:
            raise InvalidInput(f"--org does not go with --selection {kind}", field="org")
        selection[key] = find_org(session, org).id
    elif kind == "provider_sites":
        raise InvalidInput("--selection provider_sites needs --org: the access provider")
    if sublets:
        selection["sublets"] = True
    if kind == "findings":
        if rule is None:
            raise InvalidInput("--selection findings needs --rule: an audit rule name")
        selection["rule"] = rule
    return selection


def _create(
    cli: CliContext,
    actor: Actor,
    *,
    name: str,
    selection: dict[str, Any],
    urls: list[str],
    profile: str | None,
    discovery: bool,
    every: int | None,
    owner: str | None,
    start: bool,
) -> tuple[int, AddReport]:
    with cli.db.session() as session:
        campaign, added = create_campaign(
            session,
            actor,
            name=name,
            profile=profile or cli.settings.probe_default_profile,
            selection=selection,
            urls=urls,
            discovery=discovery,
            interval_hours=every,
            org_id=_owner(session, actor, owner),
            start=start,
        )
        return campaign.id, added


# Running with a progress bar -----------------------------------------------------------------


def run_with_progress(
    cli: CliContext,
    campaign_id: int,
    *,
    max_seconds: float | None,
    quiet: bool,
    workers: int | None = None,
) -> RunReport:
    """Run the campaign's current round here; a progress bar on stderr unless ``quiet``.

    ``workers``: fetch worker processes (None: the ``probe_fetch_workers`` setting).
    Ctrl-C asks the runner to stop: what is in flight finishes and is recorded.
    """
    settings = cli.settings
    if workers is not None:
        settings = settings.model_copy(update={"probe_fetch_workers": workers})
    stop, ended = threading.Event(), threading.Event()
    outcome: list[RunReport | BaseException] = []

    def work() -> None:
        try:
            outcome.append(
                run_campaign(
                    settings, cli.db, cli.blobs, campaign_id, max_seconds=max_seconds, stop=stop
                )
            )
        except BaseException as error:  # re-raised in the calling thread
            outcome.append(error)
        finally:
            ended.set()

    runner = threading.Thread(target=work, name=f"probe-campaign-{campaign_id}", daemon=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("refused {task.fields[refused]}, errors {task.fields[errors]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=cli.err, disable=quiet) as bar:
        task = bar.add_task(f"campaign {campaign_id}", total=None, refused=0, errors=0)
        runner.start()
        # waits on an Event, not Thread.join: Ctrl-C inside join() can leave is_alive() wrong
        while not ended.is_set():
            try:
                _draw(cli, bar, task, campaign_id)
                ended.wait(POLL_SECONDS)
            except KeyboardInterrupt:
                if stop.is_set():
                    raise
                stop.set()
                cli.err.print("stopping: the probes in flight finish and are recorded …")
        _draw(cli, bar, task, campaign_id)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _draw(cli: CliContext, bar: Progress, task: Any, campaign_id: int) -> None:
    with cli.db.session() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            return
        progress = campaign_progress(session, campaign)
    refused = progress.captures.get("refused", 0)
    bar.update(
        task,
        completed=progress.finished,
        total=progress.total,
        refused=refused,
        # a failed target was refused, answered with an error, or its probe raised
        errors=max(0, progress.targets["failed"] - refused),
    )


def _runnable(cli: CliContext, actor: Actor, campaign_id: int) -> None:
    """Refuse to run a campaign that is not queued or running (exit 5), with what to do."""
    with cli.db.session() as session:
        campaign = get_campaign(session, actor, campaign_id)
        if campaign.state not in RUNNABLE:
            advice = {
                "paused": f"`jingwang probe campaign resume {campaign_id}` first",
                "done": "its round is done; a scheduled campaign runs again on its schedule",
                "cancelled": "a cancelled campaign does not run again",
            }.get(campaign.state, "")
            raise CampaignStateError(
                f"campaign {campaign_id} is {campaign.state}; {advice}",
                campaign_id=campaign_id,
                state=campaign.state,
            )
        authorize(actor, RUN, load_org_scope(session, campaign.org_id))


def _run_and_report(
    cli: CliContext,
    actor: Actor,
    campaign_id: int,
    *,
    max_seconds: float | None,
    as_json: bool,
    workers: int | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run here, then print the round's report (or JSON with the run and the report)."""
    ran = run_with_progress(
        cli, campaign_id, max_seconds=max_seconds, quiet=as_json, workers=workers
    )
    with cli.db.session() as session:
        report = campaign_report(session, get_campaign(session, actor, campaign_id))
    if as_json:
        cli.print_json(
            {**(extra or {}), "campaign_id": campaign_id, "run": asdict(ran), "report": report}
        )
    else:
        print_report(cli, report)
        _print_stop(cli, ran)
    return report


def _run_new(
    cli: CliContext,
    actor: Actor,
    campaign_id: int,
    added: AddReport,
    bad: list[RejectedURL],
    *,
    as_json: bool,
    workers: int | None,
) -> dict[str, Any]:
    """Run a campaign just made from a list here: what was added, then the run's report."""
    if not as_json:
        _print_added(cli, campaign_id, added, len(bad))
    return _run_and_report(
        cli,
        actor,
        campaign_id,
        max_seconds=None,
        as_json=as_json,
        workers=workers,
        extra=_added_json(added, bad),
    )


def _print_stop(cli: CliContext, ran: RunReport) -> None:
    why = {
        "done": "the round is done",
        "stop": "stopped on request",
        "time": "stopped at --max-seconds",
        "paused": "the campaign was paused",
        "cancelled": "the campaign was cancelled",
    }.get(ran.stopped, ran.stopped or "stopped")
    cli.console.print(
        f"run: {ran.recorded} recorded, {ran.retried} retried, {ran.failed} failed in "
        f"{ran.seconds:.1f} s; {why}",
        markup=False,
    )
    for error in ran.errors:
        cli.err.print(f"  failed: {error}", markup=False)
    if ran.stopped in ("stop", "time"):
        cli.console.print(
            f"`jingwang probe campaign run {ran.campaign_id}` continues it", markup=False
        )


# Printing ------------------------------------------------------------------------------------


def _counts(values: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in values.items()) or "-"


def print_report(cli: CliContext, report: dict[str, Any]) -> None:
    """A round's report as people read it."""
    out = cli.console
    info = report["campaign"]
    out.print(
        f"campaign {info['id']} [bold]{info['state']}[/bold]  {info['name']}  "
        f"(round {report['round']}, profile {info['profile']}, {info['selection']['kind']})",
        highlight=False,
    )
    durations = report["durations"]
    rows = (
        ("targets", _counts(report["totals"]["targets"])),
        ("captures", str(report["totals"]["captures"])),
        ("outcomes", _counts(report["outcomes"])),
        ("HTTP", _counts(report["http_statuses"])),
        ("refused", _counts(report["refused"])),
        ("limits hit", _counts(report["limits_hit"])),
        ("page kinds", _counts(report["page_kinds"])),
        (
            "identifiers",
            ", ".join(
                f"{kind} {n['found']} ({n['distinct']} distinct)"
                for kind, n in report["identifiers"].items()
            )
            or "-",
        ),
        (
            "discovered",
            f"{report['discovered_hosts']['distinct']} hosts"
            + "".join(f", {h['host']} ×{h['seen']}" for h in report["discovered_hosts"]["top"][:5]),
        ),
        (
            "seconds",
            "-"
            if durations["mean"] is None
            else f"mean {durations['mean']}, median {durations['median']}, "
            f"p95 {durations['p95']}, max {durations['max']}",
        ),
    )
    for label, value in rows:
        out.print(f"  {label:<11} {value}", markup=False, highlight=False)
    for backoff in report["backoffs"]:
        out.print(
            f"  back-off    {backoff['host']}: {backoff['retries']} retries, "
            f"last {backoff['last_status']}, now {backoff['backoff_seconds']} s",
            markup=False,
            highlight=False,
        )


def _print_rejected(cli: CliContext, rejected: list[RejectedURL], what: str) -> None:
    for bad in rejected:
        cli.err.print(f"{what} {bad.line}: {bad.reason}: {bad.url}", markup=False)


def _campaign_json(session: Session, campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "org_id": campaign.org_id,
        "state": campaign.state,
        "profile": campaign.profile,
        "selection": campaign.selection,
        "discovery": campaign.discovery,
        "interval_hours": campaign.interval_hours,
        "round": campaign.round,
        "created_by": campaign.created_by,
        "created_at": campaign.created_at.isoformat(),
        "progress": campaign_progress(session, campaign).model_dump(mode="json"),
    }


def _added_json(added: AddReport, bad_lines: list[RejectedURL]) -> dict[str, Any]:
    return {
        "added": added.added,
        "duplicates": added.duplicates,
        "bad_lines": [asdict(bad) for bad in bad_lines],
        "rejected": [asdict(bad) for bad in added.rejected],
    }


def _print_added(cli: CliContext, campaign_id: int, added: AddReport, bad: int) -> None:
    cli.console.print(
        f"campaign {campaign_id}: {added.added} URLs, {added.duplicates} duplicates, "
        f"{bad + len(added.rejected)} refused lines",
        markup=False,
    )
    _print_rejected(cli, added.rejected, "selection item")


# Commands ------------------------------------------------------------------------------------


def list_cmd(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="URLs, one a line (# comments).", exists=True, dir_okay=False
        ),
    ],
    profile: ProfileOption = None,
    name: Annotated[
        str | None, typer.Option("--name", help="The campaign's name (default: the file's).")
    ] = None,
    discovery: DiscoveryOption = False,
    owner: OwnerOption = None,
    workers: WorkersOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Probe a list of URLs now, as a campaign, with a progress bar; then its report.

    Bad lines are reported with their numbers and the good ones probed. Exit 1 when nothing
    could be fetched (no good line, or every URL refused or failed); refusals are reported.
    """
    cli, actor = probe_caller(ctx, as_user)
    urls, bad = read_url_file(file)
    if not as_json:
        _print_rejected(cli, bad, f"{file.name}: line")
    if not urls:
        if as_json:
            cli.print_json({"campaign_id": None, "added": 0, "bad_lines": [asdict(b) for b in bad]})
        else:
            cli.err.print(f"{file.name}: no URL to probe", markup=False)
        raise typer.Exit(ExitCode.FAILURE)
    campaign_id, added = _create(
        cli,
        actor,
        name=name or f"list {file.name}",
        selection={"kind": "list"},
        urls=urls,
        profile=profile,
        discovery=discovery,
        every=None,
        owner=owner,
        start=False,
    )
    report = _run_new(cli, actor, campaign_id, added, bad, as_json=as_json, workers=workers)
    if not any(report["outcomes"].get(outcome) for outcome in FETCHED):
        raise typer.Exit(ExitCode.FAILURE)


@campaign_app.command("create")
def create_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The campaign's name.")],
    selection: Annotated[
        str, typer.Option("--selection", help=f"What to probe: {', '.join(KINDS)}.")
    ],
    org: Annotated[
        str | None,
        typer.Option(
            "--org",
            help="Id or name: the access provider (provider_sites, unfiled_sites) or the "
            "carrier (channels, sp_services).",
        ),
    ] = None,
    sublets: Annotated[
        bool,
        typer.Option("--sublets", help="provider_sites: also those it lets addresses to."),
    ] = False,
    rule: Annotated[str | None, typer.Option("--rule", help="findings: the audit rule.")] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="URLs, one a line (with list, or added to any selection).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    profile: ProfileOption = None,
    discovery: DiscoveryOption = False,
    every: Annotated[
        int | None, typer.Option("--every", help="Probe again every HOURS hours.", min=1)
    ] = None,
    owner: OwnerOption = None,
    run: Annotated[
        bool, typer.Option("--run", help="Run it now, here, with a progress bar.")
    ] = False,
    workers: WorkersOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a campaign; the worker runs it, or this command with --run."""
    cli, actor = probe_caller(ctx, as_user)
    urls, bad = read_url_file(file) if file is not None else ([], [])
    if selection == "list" and file is None:
        raise InvalidInput("--selection list needs --file: the URLs to probe", field="file")
    if not as_json:
        _print_rejected(cli, bad, f"{file.name if file else ''}: line")
    with cli.db.session() as session:
        spec = _selection(session, selection, org, sublets, rule)
    campaign_id, added = _create(
        cli,
        actor,
        name=name,
        selection=spec,
        urls=urls,
        profile=profile,
        discovery=discovery,
        every=every,
        owner=owner,
        start=not run,
    )
    if run:
        _run_new(cli, actor, campaign_id, added, bad, as_json=as_json, workers=workers)
        return
    with cli.db.session() as session:
        info = _campaign_json(session, get_campaign(session, actor, campaign_id))
    if as_json:
        cli.print_json({**info, **_added_json(added, bad)})
        return
    _print_added(cli, campaign_id, added, len(bad))
    cli.console.print("queued for the worker (`jingwang worker`)", markup=False)


@campaign_app.command("list")
def campaign_list_cmd(
    ctx: typer.Context,
    state: Annotated[
        str | None,
        typer.Option("--state", help="Only queued, running, paused, done or cancelled ones."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many (newest first).")] = 100,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List campaigns, newest first, with their progress."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        rows = [
            _campaign_json(session, campaign)
            for campaign in list_campaigns(session, actor, state=state, limit=limit)
        ]
    if as_json:
        cli.print_json(rows)
        return
    table = Table("id", "name", "state", "round", "done", "selection", "profile", "every")
    for row in rows:
        progress = row["progress"]
        table.add_row(
            str(row["id"]),
            row["name"],
            row["state"],
            str(row["round"]),
            f"{progress['finished']}/{progress['total']}",
            row["selection"]["kind"],
            row["profile"],
            f"{row['interval_hours']} h" if row["interval_hours"] else "-",
        )
    cli.console.print(table)


@campaign_app.command("show")
def show_cmd(
    ctx: typer.Context,
    campaign_id: IdArgument,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a campaign and the progress of its current round."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        info = _campaign_json(session, get_campaign(session, actor, campaign_id))
    if as_json:
        cli.print_json(info)
        return
    progress = info["progress"]
    out = cli.console
    out.print(
        f"campaign {info['id']} [bold]{info['state']}[/bold]  {info['name']}", highlight=False
    )
    rows = (
        ("selection", info["selection"]),
        ("profile", info["profile"]),
        ("discovery", "yes" if info["discovery"] else "no"),
        ("every", f"{info['interval_hours']} h" if info["interval_hours"] else "-"),
        ("round", info["round"]),
        ("progress", f"{progress['finished']}/{progress['total']}"),
        ("targets", _counts(progress["targets"])),
        ("captures", _counts(progress["captures"])),
        ("hosts", f"{progress['hosts']} ({progress['hosts_in_backoff']} in back-off)"),
        ("per minute", progress["rate_per_minute"]),
        ("started", progress["started_at"]),
        ("finished", progress["finished_at"]),
        ("next run", progress["next_run_at"]),
        ("created by", f"{info['created_by']} at {info['created_at']}"),
    )
    for label, value in rows:
        if value is not None:
            out.print(f"  {label:<10} {value}", markup=False, highlight=False)


def _change_cmd(ctx: typer.Context, campaign_id: int, as_user: str | None, change: Any) -> None:
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        campaign = change(session, actor, campaign_id)
        state = campaign.state
    cli.console.print(f"campaign {campaign_id}: {state}", markup=False)


@campaign_app.command("pause")
def pause_cmd(ctx: typer.Context, campaign_id: IdArgument, as_user: AsOption = None) -> None:
    """Pause a queued or running campaign (probes in flight finish); exit 5 otherwise."""
    _change_cmd(ctx, campaign_id, as_user, pause_campaign)


@campaign_app.command("resume")
def resume_cmd(ctx: typer.Context, campaign_id: IdArgument, as_user: AsOption = None) -> None:
    """Resume a paused campaign (the worker continues it); exit 5 otherwise."""
    _change_cmd(ctx, campaign_id, as_user, resume_campaign)


@campaign_app.command("cancel")
def cancel_cmd(ctx: typer.Context, campaign_id: IdArgument, as_user: AsOption = None) -> None:
    """Cancel a campaign for good (its captures stay); exit 5 when already cancelled."""
    _change_cmd(ctx, campaign_id, as_user, cancel_campaign)


@campaign_app.command("report")
def report_cmd(
    ctx: typer.Context,
    campaign_id: IdArgument,
    round: Annotated[
        int | None, typer.Option("--round", help="This round (default: the current one).", min=1)
    ] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The report of a campaign's round: outcomes, statuses, refusals, identifiers, hosts."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        campaign = get_campaign(session, actor, campaign_id)
        if round is not None and round > campaign.round:
            raise InvalidInput(
                f"--round: campaign {campaign_id} is at round {campaign.round}", field="round"
            )
        report = campaign_report(session, campaign, round=round)
    if as_json:
        cli.print_json(report)
    else:
        print_report(cli, report)


@campaign_app.command("run")
def run_cmd(
    ctx: typer.Context,
    campaign_id: IdArgument,
    max_seconds: Annotated[
        float | None,
        typer.Option("--max-seconds", help="Stop claiming after this many seconds.", min=0),
    ] = None,
    workers: WorkersOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run (or continue) a queued or running campaign here, with a progress bar.

    Ctrl-C stops cleanly: probes in flight are recorded and the campaign stays resumable.
    """
    cli, actor = probe_caller(ctx, as_user)
    _runnable(cli, actor, campaign_id)
    _run_and_report(
        cli, actor, campaign_id, max_seconds=max_seconds, as_json=as_json, workers=workers
    )


def candidates_cmd(
    ctx: typer.Context,
    campaign: Annotated[
        int | None, typer.Option("--campaign", help="Only this campaign's.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", help="At most this many (most seen first).")
    ] = 100,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List hosts that campaigns in discovery mode saw in links and redirects."""
    cli, actor = probe_caller(ctx, as_user)
    with cli.db.session() as session:
        rows: list[dict[str, Any]] = [
            {
                "host": found.host,
                "domain": found.domain,
                "seen": found.seen_count,
                "first_seen_at": found.first_seen_at.isoformat(),
                "last_seen_at": found.last_seen_at.isoformat(),
                "campaign_id": found.campaign_id,
                "first_capture_id": found.first_capture_id,
                "source_url": found.source_url,
                "state": found.state,
            }
            for found in list_candidates(session, actor, campaign_id=campaign, limit=limit)
        ]
    if as_json:
        cli.print_json(rows)
        return
    table = Table("host", "seen", "campaign", "capture", "state", "first seen on")
    for row in rows:
        table.add_row(
            row["host"],
            str(row["seen"]),
            str(row["campaign_id"] or "-"),
            str(row["first_capture_id"] or "-"),
            row["state"],
            row["source_url"] or "",
        )
    cli.console.print(table)


def attach(probe_app: typer.Typer) -> None:
    """Add ``list``, ``candidates`` and the ``campaign`` group to ``jingwang probe``."""
    probe_app.command("list")(list_cmd)
    probe_app.command("candidates")(candidates_cmd)
    probe_app.add_typer(campaign_app, name="campaign")


__all__ = ["attach", "campaign_app", "print_report", "read_url_file", "run_with_progress"]
