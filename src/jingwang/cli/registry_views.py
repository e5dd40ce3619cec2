"""``jingwang registry findings | finding | finding-state | compliance | tree``.

The command faces of :mod:`jingwang.registry.findings`, :mod:`~jingwang.registry.compliance`
and :mod:`~jingwang.registry.tree`. The command line acts as the installation's operator (actor
type ``cli``), who reaches everything; ``--org`` narrows to an organisation (name or id).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table
from rich.tree import Tree

from jingwang.accounts.orgs import find_org
from jingwang.cli.context import CliContext, get_context
from jingwang.cli.orgs import cli_actor, ready_database
from jingwang.cli.registry import registry_app
from jingwang.registry.compliance import ComplianceFigures, compliance
from jingwang.registry.findings import (
    FindingFilters,
    finding_history,
    get_finding,
    list_findings,
    set_state,
)
from jingwang.registry.tree import NODE_BUDGET, TreeNode, flatten, sublet_tree
from jingwang.store.base import utcnow

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
OrgOption = Annotated[str | None, typer.Option("--org", help="Organisation name or id.")]
OnOption = Annotated[str | None, typer.Option("--on", help="The date (default today).")]
LangOption = Annotated[
    str, typer.Option("--lang", help="Language of rule titles and subjects: zh or en.")
]


def _date(text: str | None) -> dt.date:
    if text is None:
        return utcnow().date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date: write it as YYYY-MM-DD") from None


def _org_id(cli: CliContext, org: str | None) -> int | None:
    if org is None:
        return None
    with cli.db.session() as session:
        return find_org(session, org).id


def findings_cmd(
    ctx: typer.Context,
    state: Annotated[
        str | None,
        typer.Option("--state", help="open, acknowledged, fixed or false_positive."),
    ] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Only this audit rule.")] = None,
    severity: Annotated[
        str | None, typer.Option("--severity", help="critical, high, medium or low.")
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only those addressed to it (name or id).")
    ] = None,
    province: Annotated[
        str | None, typer.Option("--province", help="Only this province (e.g. GD).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="At most this many.")] = 50,
    lang: LangOption = "en",
    as_json: JsonOption = False,
) -> None:
    """List findings, most recently found first."""
    cli = get_context(ctx)
    ready_database(cli)
    addressee = _org_id(cli, org)
    filters = FindingFilters(
        state=state, rule=rule, severity=severity, addressee=addressee, province=province
    )
    with cli.db.session() as session:
        page = list_findings(session, cli_actor(), filters, limit=limit, language=lang)
    if as_json:
        cli.print_json(page.model_dump(mode="json"))
        return
    table = Table("id", "rule", "severity", "state", "subject", "addressee", "last found")
    for f in page.items:
        table.add_row(
            str(f.id),
            f.rule,
            f.severity,
            f.state,
            f.subject_text,
            f.addressee or "",
            f.last_found_at.strftime("%Y-%m-%d %H:%M"),
        )
    cli.console.print(table)
    cli.console.print(f"{len(page.items)} of {page.total}")


def finding_cmd(
    ctx: typer.Context,
    finding_id: Annotated[int, typer.Argument(help="The finding's id.")],
    lang: LangOption = "en",
    as_json: JsonOption = False,
) -> None:
    """Show one finding: its evidence, state and history. Exit 4 when there is none."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        info = get_finding(session, cli_actor(), finding_id, language=lang)
        history = finding_history(session, cli_actor(), finding_id)
    if as_json:
        data = info.model_dump(mode="json")
        data["history"] = [change.model_dump(mode="json") for change in history]
        cli.print_json(data)
        return
    cli.console.print(f"[bold]#{info.id} {info.title}[/bold] ({info.rule})", highlight=False)
    for name, value in (
        ("severity", info.severity),
        ("state", info.state),
        ("subject", info.subject_text),
        ("domain", info.domain or ""),
        ("addressee", info.addressee or ""),
        ("province", info.province or ""),
        ("first found", info.first_found_at.isoformat()),
        ("last found", info.last_found_at.isoformat()),
        ("note", info.note or ""),
    ):
        cli.console.print(f"  {name:12} {value}", markup=False, highlight=False)
    for key, value in sorted(info.evidence.items()):
        cli.console.print(f"  evidence.{key}: {value}", markup=False, highlight=False)
    for change in history:
        line = f"  {change.at:%Y-%m-%d %H:%M} {change.by}: {change.before} → {change.after}"
        cli.console.print(line + (f" ({change.note})" if change.note else ""), markup=False)


def finding_state_cmd(
    ctx: typer.Context,
    finding_id: Annotated[int, typer.Argument(help="The finding's id.")],
    state: Annotated[str, typer.Argument(help="open, acknowledged, fixed or false_positive.")],
    note: Annotated[
        str | None, typer.Option("--note", help="Why (needed for false_positive).")
    ] = None,
) -> None:
    """Change a finding's state. A fixed finding is a claim the next audit checks."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        info = set_state(session, cli_actor(), finding_id, state, note, language="en")
    typer.echo(f"finding {info.id}: {info.state}")


def _print_figures(cli: CliContext, figures: ComplianceFigures) -> None:
    share = "—" if figures.share_filed is None else f"{figures.share_filed:.1%}"
    cli.console.print(
        f"on {figures.on}: {figures.connected} connected domains, {figures.filed} filed ({share})"
    )
    table = Table("provider", "connected", "filed", "share")
    for p in figures.providers:
        part = "—" if p.share_filed is None else f"{p.share_filed:.1%}"
        table.add_row(p.name, str(p.connected), str(p.filed), part)
    cli.console.print(table)
    cli.console.print(
        f"open findings: {figures.open_findings}; "
        f"fixed in the last 30 days: {figures.fixed_last_30_days}"
    )
    rules = Table("rule", "severity", "open")
    for r in figures.open_by_rule:
        rules.add_row(r.rule, r.severity, str(r.open))
    cli.console.print(rules)
    ages = ", ".join(f"{k}: {v}" for k, v in figures.open_by_age.items())
    cli.console.print(f"open by age: {ages}")


def compliance_cmd(
    ctx: typer.Context,
    org: OrgOption = None,
    province: Annotated[
        str | None, typer.Option("--province", help="Only this province (e.g. GD).")
    ] = None,
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print compliance figures: share of connected domains filed, open findings by rule and
    age, fixed in the last 30 days (for an organisation and below, a province, or all)."""
    cli = get_context(ctx)
    ready_database(cli)
    org_id = _org_id(cli, org)
    with cli.db.session() as session:
        figures = compliance(
            session, cli_actor(), on=_date(on), org_id=org_id, province=province, language="en"
        )
    if as_json:
        cli.print_json(figures.model_dump(mode="json"))
    else:
        _print_figures(cli, figures)


def _label(node: TreeNode) -> str:
    licence = "licensed" if node.licensed else "[bold red]UNLICENSED[/bold red]"
    text = f"[bold]{node.name}[/bold] ({node.kind}, {licence}, {node.sites} sites, "
    text += f"{node.open_findings} open findings)"
    if node.edge is not None and node.edge.ip_range:
        text += f" via {node.edge.ip_range}"
    if node.cycle:
        text += " [red]↺ the chain loops here[/red]"
    elif node.repeat:
        text += " (shown above)"
    elif node.collapsed:
        text += f" [yellow]lets to {node.child_count}: see --org {node.org_id}[/yellow]"
    elif node.truncated:
        shown = len(node.children)
        text += f" [yellow]{shown} of {node.child_count} shown: see --org {node.org_id}[/yellow]"
    return text


def _add(branch: Tree, node: TreeNode) -> None:
    child = branch.add(_label(node))
    for grandchild in node.children:
        _add(child, grandchild)


def tree_cmd(
    ctx: typer.Context,
    org: OrgOption = None,
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """Draw the sublet tree from an organisation (or from every top of a chain)."""
    cli = get_context(ctx)
    ready_database(cli)
    org_id = _org_id(cli, org)
    day = _date(on)
    with cli.db.session() as session:
        trees = sublet_tree(session, cli_actor(), on=day, root_org_id=org_id)
    if as_json:
        cli.print_json([tree.model_dump(mode="json") for tree in trees])
        return
    top = Tree(f"sublets on {day}")
    for tree in trees:
        _add(top, tree)
    cli.console.print(top)
    if any(tree.collapsed for tree in trees):
        cli.console.print(
            "Too many to draw at once: the tops of the chains only; pick one with --org."
        )
    elif any(node.truncated for _, node in flatten(trees)):
        cli.console.print(f"Cut at {NODE_BUDGET} organisations: go further down with --org.")


COMMANDS = (
    ("findings", findings_cmd),
    ("finding", finding_cmd),
    ("finding-state", finding_state_cmd),
    ("compliance", compliance_cmd),
    ("tree", tree_cmd),
)


def register(app: typer.Typer) -> None:
    """Add the view commands to the ``registry`` group (registered before this module)."""
    known = {c.name for c in registry_app.registered_commands}
    for name, command in COMMANDS:
        if name not in known:
            registry_app.command(name)(command)
    del app  # the commands join the registry group, not the root


__all__ = ["register"]
