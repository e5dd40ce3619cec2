"""The one JSON error shape, the code → status map, and HTML error pages."""

from __future__ import annotations

import logging

import pytest
from fastapi import APIRouter, Query

from jingwang.errors import (
    BlobCorrupt,
    ConfigError,
    Conflict,
    InvalidInput,
    JingwangError,
    JobError,
    NotConfigured,
    NotFound,
    PermissionDenied,
    StoreError,
)
from jingwang.web import create_app

ERROR_KEYS = {"code", "message", "details", "request_id"}

# Every error class, the status it must map to, and its code.
CASES = [
    (InvalidInput, 422),
    (NotFound, 404),
    (Conflict, 409),
    (PermissionDenied, 403),
    (NotConfigured, 503),
    (ConfigError, 500),
    (StoreError, 500),
    (BlobCorrupt, 500),
    (JobError, 500),
    (JingwangError, 500),
]
BY_NAME = {kind.__name__: kind for kind, _ in CASES}


class Boom(RuntimeError):
    """A bug: an exception nobody handles."""


def failing_router() -> APIRouter:
    """Routes that exist only in these tests, raising what the test asks for."""
    router = APIRouter()

    @router.get("/api/test/raise/{name}")
    def raise_domain_error(name: str) -> None:
        raise BY_NAME[name]("what went wrong, and the fix", case_id=42, url="http://a.test/")

    @router.get("/api/test/bug")
    def raise_bug() -> None:
        raise Boom("secret internals /etc/passwd")

    @router.get("/api/test/typed")
    def typed(limit: int = Query(ge=1), name: str = Query()) -> dict[str, int]:
        return {"limit": limit}

    @router.get("/page/bug")
    def page_bug() -> None:
        raise Boom("secret internals")

    return router


@pytest.fixture
def app(settings):
    app = create_app(settings)
    app.include_router(failing_router())
    return app


@pytest.fixture
def api(app, client_for):
    return client_for(app)


def assert_error_shape(response, status, code):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == ERROR_KEYS
    assert body["error"]["code"] == code
    assert body["error"]["request_id"] == response.headers["x-request-id"]
    return body["error"]


@pytest.mark.parametrize(("kind", "status"), CASES, ids=[kind.__name__ for kind, _ in CASES])
def test_domain_errors_map_to_their_status(api, kind, status):
    response = api.get(f"/api/test/raise/{kind.__name__}")
    error = assert_error_shape(response, status, kind.code)
    assert error["message"] == "what went wrong, and the fix"
    assert error["details"] == {"case_id": 42, "url": "http://a.test/"}


def test_validation_errors_list_the_fields(api):
    response = api.get("/api/test/typed", params={"limit": "0"})
    error = assert_error_shape(response, 422, "input.invalid")
    fields = {field["field"] for field in error["details"]["fields"]}
    assert fields == {"query.limit", "query.name"}
    assert "query.limit" in error["message"]


def test_unknown_route_is_not_found(api):
    error = assert_error_shape(api.get("/api/nothing-here"), 404, "not_found")
    assert "/api/nothing-here" in error["message"]


def test_wrong_method_is_405_with_allow(api):
    response = api.delete("/healthz")
    assert_error_shape(response, 405, "method_not_allowed")
    assert "GET" in response.headers["allow"]


def test_a_bug_is_500_without_a_traceback_and_logged_with_the_request_id(api, caplog):
    with caplog.at_level(logging.ERROR, logger="jingwang.web.errors"):
        response = api.get("/api/test/bug", headers={"X-Request-ID": "trace-me-123"})
    error = assert_error_shape(response, 500, "internal")
    assert error["request_id"] == "trace-me-123"
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    [record] = [r for r in caplog.records if "trace-me-123" in r.getMessage()]
    assert record.exc_info is not None
    assert record.exc_info[0] is Boom


def test_health_routes_answer_errors_in_json_even_to_browsers(api):
    response = api.post("/readyz", headers={"Accept": "text/html"})
    assert_error_shape(response, 405, "method_not_allowed")


def test_request_id_is_echoed_when_sane_and_replaced_when_not(api):
    assert api.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == (
        "abc-123"
    )
    for bad in ["<script>", "x" * 200, "a b"]:
        echoed = api.get("/healthz", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert echoed != bad
        assert len(echoed) == 32
    assert api.get("/healthz").headers["x-request-id"]


def test_html_pages_get_an_error_page_in_the_users_language(api):
    response = api.get("/no-such-page", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in response.text
    assert "Page not found" in response.text
    assert response.headers["x-request-id"] in response.text

    chinese = api.get("/no-such-page", headers={"Accept": "text/html", "Accept-Language": "zh"})
    assert '<html lang="zh-CN">' in chinese.text
    assert "页面不存在" in chinese.text


def test_a_bug_on_an_html_page_shows_no_internals(api):
    response = api.get("/page/bug", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "服务器内部出错" in response.text  # default language zh-CN
    assert "secret" not in response.text
    assert "<code>internal</code>" in response.text
