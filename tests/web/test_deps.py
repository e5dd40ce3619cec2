"""Dependencies: one transaction per request, and the app's own settings and locale."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from sqlalchemy import text

from jingwang.errors import Conflict
from jingwang.store import create_database
from jingwang.web import create_app
from jingwang.web.deps import LocaleDep, SessionDep, SettingsDep


def probe_router() -> APIRouter:
    router = APIRouter()

    @router.post("/api/test/notes/{note}")
    def add_note(note: str, session: SessionDep, fail: bool = False) -> dict[str, str]:
        session.execute(text("INSERT INTO test_notes (note) VALUES (:note)"), {"note": note})
        if fail:
            raise Conflict("refused after writing", note=note)
        return {"note": note}

    @router.get("/api/test/whoami")
    def whoami(settings: SettingsDep, locale: LocaleDep) -> dict[str, str]:
        return {"timezone": settings.display_timezone, "language": locale.language}

    return router


@pytest.fixture
def notes_db(live_settings):
    db = create_database(live_settings.resolved_database_url)
    with db.session() as session:
        session.execute(text("CREATE TABLE test_notes (note TEXT NOT NULL)"))
    yield db
    db.dispose()


@pytest.fixture
def api(live_settings, notes_db, client_for):
    app = create_app(live_settings)
    app.include_router(probe_router())
    return client_for(app)


def stored_notes(db) -> list[str]:
    with db.session() as session:
        return list(session.execute(text("SELECT note FROM test_notes ORDER BY note")).scalars())


def test_a_request_commits_when_the_route_returns(api, notes_db):
    assert api.post("/api/test/notes/kept").status_code == 200
    assert stored_notes(notes_db) == ["kept"]


def test_a_request_rolls_back_when_the_route_raises(api, notes_db):
    response = api.post("/api/test/notes/dropped", params={"fail": "true"})
    assert response.status_code == 409
    assert stored_notes(notes_db) == []


def test_settings_and_locale_come_from_the_app(api):
    body = api.get("/api/test/whoami", headers={"Accept-Language": "en"}).json()
    assert body == {"timezone": "Asia/Shanghai", "language": "en"}
