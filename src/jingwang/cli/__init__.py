"""The ``jingwang`` command line: Typer + Rich, one module per domain, thin over services."""
