"""``jingwang registry audit | rules | observe``: the registry audits from the command line.

``audit`` runs the rules (all, or those named with ``--rule``) on a date, full or incremental,
and prints what each did to the findings; ``rules`` lists the rules; ``observe`` records the ICP
numbers a page shows (its text on stdin), as the prober does, for a manual check. The command
line acts as the installation's operator (the system actor, actor type ``cli``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table

from jingwang.cli.context import get_context
from jingwang.cli.orgs import cli_actor, ready_database
from jingwang.registry.audits import RULES, run_audit
from jingwang.registry.observations import record_page_numbers

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
COUNTS = ("new", "still_open", "reopened", "fixed", "false_positive")


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date: write it as YYYY-MM-DD") from None


def audit_cmd(
    ctx: typer.Context,
    incremental: Annotated[
        bool,
        typer.Option(
            "--incremental", help="Re-check only what changed since the previous audit run."
        ),
    ] = False,
    on: Annotated[
        str | None, typer.Option("--on", help="The date audited (YYYY-MM-DD, default today).")
    ] = None,
    rule: Annotated[
        list[str] | None,
        typer.Option("--rule", help="Run only this rule (repeatable); see `registry rules`."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Run the registry audits and print, per rule, the findings new, still open, reopened and
    fixed."""
    cli = get_context(ctx)
    ready_database(cli)
    with cli.db.session() as session:
        run = run_audit(
            session,
            cli_actor(),
            mode="incremental" if incremental else "full",
            on=_date(on),
            rules=rule,
            settings=cli.settings,
        )
        counts: dict[str, dict[str, int]] = run.counts
        summary = {
            "run_id": run.id,
            "mode": run.mode,
            "on": run.on_date.isoformat(),
            "rules": run.rules,
            "counts": counts,
        }
    if as_json:
        cli.print_json(summary)
        return
    table = Table("rule", "severity", *COUNTS, title=f"audit run {run.id} on {summary['on']}")
    for name, done in counts.items():
        table.add_row(name, RULES[name].severity, *(str(done.get(c, 0)) for c in COUNTS))
    cli.console.print(table)


def rules_cmd(
    ctx: typer.Context,
    lang: Annotated[str, typer.Option("--lang", help="Language of the texts: zh or en.")] = "en",
    as_json: JsonOption = False,
) -> None:
    """List the audit rules with their severity and description."""
    cli = get_context(ctx)
    language = "zh" if lang.lower().startswith("zh") else "en"
    if as_json:
        cli.print_json([rule.describe() for rule in RULES.values()])
        return
    table = Table("rule", "severity", "title", "description")
    for rule in RULES.values():
        table.add_row(rule.name, rule.severity, rule.title[language], rule.description[language])
    cli.console.print(table)


def observe_cmd(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The page's URL.")],
    capture: Annotated[
        str | None, typer.Option("--capture", help="A reference to the capture (evidence).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record the ICP numbers the page at URL shows; its text is read on stdin."""
    from jingwang.cli.registry import read_stdin_text

    cli = get_context(ctx)
    ready_database(cli)
    text = read_stdin_text()
    with cli.db.session() as session:
        rows = record_page_numbers(session, url, text, source="manual", capture_ref=capture)
        shown = [
            {
                "url": row.url,
                "number": row.number,
                "text": row.text,
                "observed_at": row.observed_at.isoformat(),
            }
            for row in rows
        ]
    if as_json:
        cli.print_json(shown)
        return
    for item in shown:
        if item["number"]:
            typer.echo(item["number"])
        elif item["text"]:
            typer.echo(f"{item['text']}\tinvalid")
        else:
            typer.echo("(no number shown)")


def add_commands(group: typer.Typer) -> None:
    """Add the commands to ``group`` (the ``registry`` group), once."""
    if any(command.name == "audit" for command in group.registered_commands):
        return
    group.command("audit")(audit_cmd)
    group.command("rules")(rules_cmd)
    group.command("observe")(observe_cmd)


__all__ = ["add_commands"]
