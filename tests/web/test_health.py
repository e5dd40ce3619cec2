"""/healthz and /readyz against real databases and queues."""

from __future__ import annotations

import pytest

from jingwang.store import create_database, head_revision
from jingwang.web import create_app


def test_healthz_answers_without_io(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_passes_on_a_migrated_database(live_client):
    response = live_client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "schema", "queue"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_fails_on_an_unmigrated_database(settings, client):
    db = create_database(settings.resolved_database_url)
    head = head_revision(db)
    db.dispose()
    if head is None:
        pytest.skip("no migration exists yet, so an empty database is current")
    response = client.get("/readyz")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "service.not_ready"
    assert "run `jingwang db upgrade`" in error["message"]
    assert error["details"]["failed"] == ["schema"]
    assert error["details"]["checks"]["database"]["ok"] is True


def test_readyz_names_an_unreachable_queue(settings, client_for):
    # Nothing listens on port 1 of loopback: the connection is refused at once.
    unreachable = settings.model_copy(update={"queue_url": "redis://127.0.0.1:1/0"})
    response = client_for(create_app(unreachable)).get("/readyz")
    assert response.status_code == 503
    error = response.json()["error"]
    assert "queue" in error["details"]["failed"]
    assert "JINGWANG_QUEUE_URL" in error["details"]["checks"]["queue"]["detail"]


def test_readyz_names_an_unreachable_database(settings, client_for):
    unreachable = settings.model_copy(
        update={"database_url": "postgresql://jw:secret@127.0.0.1:1/jingwang"}
    )
    response = client_for(create_app(unreachable)).get("/readyz")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["details"]["failed"][0] == "database"
    assert "JINGWANG_DATABASE_URL" in error["message"]
    assert "secret" not in response.text  # the password is never shown
