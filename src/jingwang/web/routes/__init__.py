"""One router per domain; :data:`ROUTERS` is what ``create_app`` includes, in order."""

from __future__ import annotations

from fastapi import APIRouter

from jingwang.web.routes import audit, audit_api, docs, health, home, jobs, jobs_api

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    home.router,
    docs.router,
    audit.router,
    audit_api.router,
    jobs.router,
    jobs_api.router,
)

__all__ = ["ROUTERS"]
