"""``jingwang audit keygen | export-key | checkpoint``: the signing key and signing now.

Registered under ``jingwang audit`` by :mod:`jingwang.cli.audit`.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from jingwang.audit.checkpoints import make_checkpoint
from jingwang.audit.keys import generate_key, load_key, signing_key_for
from jingwang.cli.context import get_context

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def keygen_cmd(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Create the Ed25519 key that signs checkpoints (mode 0600); refuses to overwrite one."""
    cli = get_context(ctx)
    key = generate_key(cli.settings.resolved_audit_signing_key)
    if as_json:
        cli.print_json({"path": str(key.path), "key_id": key.key_id})
        return
    cli.console.print(f"audit signing key created: {key.path}")
    cli.console.print(f"key id: {key.key_id}")
    cli.console.print(
        "Give auditors the public key (`jingwang audit export-key`), back up the private key "
        "apart from the database, and copy it to every machine that runs a worker."
    )


def export_key_cmd(ctx: typer.Context) -> None:
    """Print the public key (PEM) that verifies checkpoints, for auditors."""
    cli = get_context(ctx)
    key = load_key(
        cli.settings.resolved_audit_signing_key, production=cli.settings.mode == "production"
    )
    typer.echo(key.verify_key.pem(), nl=False)


def checkpoint_cmd(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Verify the log since the last checkpoint and sign its head now."""
    cli = get_context(ctx)
    outcome = make_checkpoint(cli.db, signing_key_for(cli.settings, create=True))
    checkpoint = outcome.checkpoint
    if as_json:
        cli.print_json(
            {
                "created": outcome.created,
                "checkpoint": dataclasses.asdict(checkpoint) if checkpoint else None,
            }
        )
    elif checkpoint is None:
        cli.console.print("the audit log is empty: nothing to sign")
    elif outcome.created:
        cli.console.print(
            f"checkpoint {checkpoint.id} signed: seq {checkpoint.seq}, "
            f"{checkpoint.entry_count} entries, head {checkpoint.head_hash[:16]}…, "
            f"key {checkpoint.key_id[:16]}…"
        )
    else:
        cli.console.print(
            f"the head (seq {checkpoint.seq}) already has checkpoint {checkpoint.id}: "
            "nothing new to sign"
        )


def register(audit_app: typer.Typer) -> None:
    audit_app.command("keygen")(keygen_cmd)
    audit_app.command("export-key")(export_key_cmd)
    audit_app.command("checkpoint")(checkpoint_cmd)
