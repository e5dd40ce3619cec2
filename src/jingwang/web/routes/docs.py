"""``/docs``: Swagger UI on the OpenAPI schema, from vendored files only (works offline).

FastAPI's own ``/docs`` loads Swagger UI from a CDN and starts it with an inline script, which
our Content-Security-Policy forbids; this page loads the vendored bundle and starts it from
``static/js/docs-init.js``, which reads the schema URL from a ``data-`` attribute.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jingwang.web.deps import LocaleDep, PagesDep

router = APIRouter(include_in_schema=False)

SWAGGER_UI_DIR: Final = "vendor/swagger-ui-5.35.0"


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request, pages: PagesDep, locale: LocaleDep) -> HTMLResponse:
    return pages.render(
        request,
        locale,
        "docs.html",
        {"openapi_url": request.app.openapi_url, "swagger_ui_dir": SWAGGER_UI_DIR},
    )


__all__ = ["router"]
