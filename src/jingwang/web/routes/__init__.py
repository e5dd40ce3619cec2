"""One router per domain; :data:`ROUTERS` is what ``create_app`` includes, in order."""

from __future__ import annotations

from fastapi import APIRouter

from jingwang.web.routes import (
    audit,
    audit_api,
    classify,
    classify_admin,
    classify_api,
    classify_capture,
    decisions,
    decisions_api,
    docs,
    health,
    home,
    jobs,
    jobs_api,
    probe,
    probe_api,
    probe_campaigns,
    registry,
    registry_api,
    registry_gate,
    registry_io,
    registry_io_api,
)

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    home.router,
    docs.router,
    audit.router,
    audit_api.router,
    jobs.router,
    jobs_api.router,
    decisions.router,
    decisions_api.router,
    probe_api.router,
    registry_io.router,  # before registry's routes: /registry/imports is not a registry page id
    registry_io_api.router,
    registry.router,
    registry_api.router,
    registry_gate.router,
    registry_gate.api_router,
    probe.router,
    probe_campaigns.router,
    classify_api.router,
    classify.router,
    classify_capture.router,
    classify_admin.router,
)

__all__ = ["ROUTERS"]
