"""The web UI and REST API (FastAPI); the only package that imports FastAPI.

Build an app with :func:`create_app`; run it, with its worker, with
:func:`jingwang.web.server.run_server` (what ``jingwang serve`` does).
"""

from jingwang.web.app import create_app

__all__ = ["create_app"]
