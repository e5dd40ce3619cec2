"""``jingwang probe list | candidates | campaign …`` against a loopback server and a database."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import func, select

from accounts.accountkit import CliRun as Run
from accounts.accountkit import cli_runner, make_org
from jingwang.cli.exit_codes import ExitCode
from jingwang.demo.dns import LoopbackDNS
from jingwang.probe.models import Target
from jingwang.settings import Settings
from jingwang.store import Database
from probe.campaignkit import demo_world
from probe.probekit import serve_app

pytestmark = [pytest.mark.db, pytest.mark.slow]  # each runs several commands: > 1 s

OWNER = "Probe Centre"
NYJR = "南粤数据接入有限公司"


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str],
    live_settings: Settings,
    live_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Run]:
    with LoopbackDNS({}) as dns:
        monkeypatch.setenv("JINGWANG_PROBE_RESOLVER", dns.address)
        monkeypatch.setenv("JINGWANG_PROBE_ALLOW_LOOPBACK", "true")
        monkeypatch.setenv("JINGWANG_PROBE_ALLOW_ANY_PORT", "true")
        monkeypatch.setenv("JINGWANG_PROBE_SCREENSHOTS", "false")
        monkeypatch.setenv("JINGWANG_PROBE_HOST_DELAY_SECONDS", "0")
        yield cli_runner(capsys, live_settings)


@pytest.fixture
def owned(live_db: Database) -> None:
    """One top-level organisation: the operator's campaigns belong to it by default."""
    with live_db.session() as session:
        make_org(session, OWNER, "reporting_centre")


def _site() -> web.Application:
    async def page(request: web.Request) -> web.Response:
        body = (
            f"<html><head><title>Page {request.path}</title></head><body>QQ 12345678"
            ' <a href="http://elsewhere.test/x">more</a></body></html>'
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/{name}", page)
    return app


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "urls.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _json(out: str) -> dict:  # type: ignore[type-arg]
    """The JSON document of a command's output (stderr lines around it are ignored)."""
    start = min(i for i in (out.find("{"), out.find("[")) if i >= 0)
    value, _ = json.JSONDecoder().raw_decode(out[start:])
    return value  # type: ignore[no-any-return]


@pytest.mark.usefixtures("owned")
def test_probe_list_keeps_good_lines_and_reports_bad_ones(run: Run, tmp_path: Path) -> None:
    with serve_app(_site()) as server:
        urls = _write(
            tmp_path,
            "# shops to check",
            server.url("wap.a.test", "/one"),
            "",
            "http://bad host.test/",
            server.url("wap.b.test", "/two"),
            "http://10.1.2.3/",
        )
        # through a fetch worker: refusals, identifiers and the report as in-process
        code, out = run("probe", "list", str(urls), "--profile", "wap1", "--workers", "1", "--json")
    assert code == ExitCode.OK, out
    result = _json(out)
    assert [(bad["line"], bad["url"]) for bad in result["bad_lines"]] == [
        (4, "http://bad host.test/")
    ]
    assert "space" in result["bad_lines"][0]["reason"]
    assert result["added"] == 3
    report = result["report"]
    assert report["outcomes"] == {"ok": 2, "refused": 1}
    assert report["refused"] == {"probe.address_forbidden": 1}
    assert report["totals"]["targets"] == {"queued": 0, "leased": 0, "done": 2, "failed": 1}
    assert report["campaign"]["state"] == "done"
    assert report["identifiers"]["qq"]["distinct"] == 1
    assert result["run"]["stopped"] == "done"
    code, out = run("probe", "captures", "--campaign", str(result["campaign_id"]), "--json")
    assert len(json.loads(out)) == 3


@pytest.mark.usefixtures("owned")
def test_probe_list_exits_1_when_nothing_could_be_fetched(run: Run, tmp_path: Path) -> None:
    code, out = run("probe", "list", str(_write(tmp_path, "http://10.9.9.9/", "ftp://x.test/")))
    assert code == ExitCode.FAILURE, out
    assert "line 2" in out  # ftp:// is not a URL the prober takes
    assert "probe.address_forbidden 1" in out
    code, out = run("probe", "list", str(_write(tmp_path, "# nothing", "")))
    assert code == ExitCode.FAILURE
    assert "no URL to probe" in out


@pytest.mark.usefixtures("owned")
def test_create_list_show_pause_resume_cancel_report(run: Run, tmp_path: Path) -> None:
    urls = _write(tmp_path, "http://wap.one.test/", "http://wap.two.test/")
    code, out = run(
        "probe", "campaign", "create", "--name", "weekly", "--selection", "list",
        "--file", str(urls), "--every", "24", "--json",
    )  # fmt: skip
    assert code == ExitCode.OK, out
    created = _json(out)
    ident = str(created["id"])
    assert (created["state"], created["interval_hours"], created["added"]) == ("queued", 24, 2)
    code, out = run("probe", "campaign", "list", "--json")
    assert [row["id"] for row in _json(out)] == [created["id"]]
    code, out = run("probe", "campaign", "show", ident)
    assert code == ExitCode.OK
    assert "weekly" in out
    assert "0/2" in out
    code, out = run("probe", "campaign", "pause", ident)
    assert (code, out.strip()) == (ExitCode.OK, f"campaign {ident}: paused")
    code, out = run("probe", "campaign", "pause", ident)
    assert code == ExitCode.CONFLICT, out
    code, out = run("probe", "campaign", "run", ident)
    assert code == ExitCode.CONFLICT
    assert f"probe campaign resume {ident}" in out
    code, out = run("probe", "campaign", "resume", ident)
    assert (code, out.strip()) == (ExitCode.OK, f"campaign {ident}: running")
    code, out = run("probe", "campaign", "cancel", ident)
    assert (code, out.strip()) == (ExitCode.OK, f"campaign {ident}: cancelled")
    code, out = run("probe", "campaign", "cancel", ident)
    assert code == ExitCode.CONFLICT
    code, out = run("probe", "campaign", "report", ident, "--round", "1", "--json")
    assert code == ExitCode.OK
    report = _json(out)
    assert (report["round"], report["totals"]["targets"]["queued"]) == (1, 2)
    code, out = run("probe", "campaign", "report", ident, "--round", "2")
    assert code == ExitCode.INVALID_INPUT
    code, out = run("probe", "campaign", "show", "999")
    assert code == ExitCode.NOT_FOUND


def test_create_over_a_registry_selection(run: Run, live_db: Database) -> None:
    with live_db.session() as session:
        demo_world(session)
    create = ("probe", "campaign", "create", "--name", "nanyue", "--selection", "provider_sites")
    code, out = run(*create, "--org", NYJR)
    assert code == ExitCode.INVALID_INPUT  # several top-level organisations: name the owner
    assert "--owner" in out
    code, out = run(*create, "--org", NYJR, "--sublets", "--owner", NYJR, "--json")
    assert code == ExitCode.OK, out
    created = _json(out)
    assert created["selection"] == {"kind": "provider_sites", "org_id": created["org_id"],
                                    "sublets": True}  # fmt: skip
    assert created["added"] == 7
    code, out = run(*create[:-1], "findings", "--owner", NYJR)
    assert code == ExitCode.INVALID_INPUT
    assert "--rule" in out
    code, out = run(*create[:-1], "list", "--owner", NYJR)
    assert code == ExitCode.INVALID_INPUT
    assert "--file" in out


@pytest.mark.usefixtures("owned")
def test_run_stops_at_max_seconds_then_continues_to_the_end(run: Run, tmp_path: Path) -> None:
    with serve_app(_site()) as server:
        urls = _write(tmp_path, *(server.url(f"wap{n}.c.test", f"/p{n}") for n in range(4)))
        code, out = run(
            "probe", "campaign", "create", "--name", "c", "--selection", "list",
            "--file", str(urls), "--discovery", "--json",
        )  # fmt: skip
        assert code == ExitCode.OK, out
        ident = str(_json(out)["id"])
        code, out = run("probe", "campaign", "run", ident, "--max-seconds", "0", "--json")
        assert code == ExitCode.OK, out
        first = _json(out)
        assert first["run"]["stopped"] == "time"
        code, out = run("probe", "campaign", "run", ident, "--workers", "2")
        assert code == ExitCode.OK, out
        assert "the round is done" in out
        assert "ok 4" in out
    pages = {key: n for key, n in server.hits.items() if key[1] != "/favicon.ico"}
    assert sorted(pages.values()) == [1, 1, 1, 1]  # each page once, over the two runs
    code, out = run("probe", "campaign", "show", ident, "--json")
    assert _json(out)["state"] == "done"
    code, out = run("probe", "candidates", "--campaign", ident, "--json")
    assert code == ExitCode.OK
    assert [row["host"] for row in _json(out)] == ["elsewhere.test"]
    code, out = run("probe", "candidates")
    assert "elsewhere.test" in out


def test_ctrl_c_stops_cleanly_and_the_campaign_resumes(
    run: Run, live_settings: Settings, live_db: Database, tmp_path: Path
) -> None:
    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(1.0)
        return web.Response(text="<html><title>slow</title></html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/{name}", slow)
    with live_db.session() as session:
        make_org(session, OWNER, "reporting_centre")
    with serve_app(app) as server:
        urls = _write(tmp_path, *(server.url(f"h{n}.slow.test", f"/p{n}") for n in range(9)))
        code, out = run(
            "probe", "campaign", "create", "--name", "slow", "--selection", "list",
            "--file", str(urls), "--json",
        )  # fmt: skip
        assert code == ExitCode.OK, out
        ident = str(_json(out)["id"])
        env = {**os.environ, "JINGWANG_PROBE_CONCURRENCY": "3"}  # the fixture's probe_* too
        command = [
            sys.executable, "-m", "jingwang", "--data-dir", str(live_settings.data_dir),
            "--database-url", live_settings.resolved_database_url, "--queue-url", "memory://",
            "probe", "campaign", "run", ident,
        ]  # fmt: skip
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while _leased(live_db) == 0 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            proc.send_signal(signal.SIGINT)
            said, _ = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        text = said.decode()
        assert proc.returncode == ExitCode.OK, text
        assert "stopped on request" in text
        assert f"campaign run {ident}` continues it" in text
        assert _leased(live_db) == 0  # the probes in flight were recorded, no lease left over
        code, out = run("probe", "campaign", "show", ident, "--json")
        stopped = _json(out)
        assert stopped["state"] == "running"
        assert 0 < stopped["progress"]["finished"] < 9
        code, out = run("probe", "campaign", "run", ident, "--json")
        assert code == ExitCode.OK, out
        assert _json(out)["report"]["outcomes"] == {"ok": 9}
    pages = {key: n for key, n in server.hits.items() if key[1] != "/favicon.ico"}
    assert sorted(pages.values()) == [1] * 9  # nothing probed twice


def _leased(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).where(Target.state == "leased")) or 0)
