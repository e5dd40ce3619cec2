"""``jingwang probe`` and ``jingwang evidence`` against a loopback server and a real database."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from accounts.accountkit import CliRun as Run
from accounts.accountkit import cli_runner
from jingwang.cli.exit_codes import ExitCode
from jingwang.demo.dns import LoopbackDNS
from jingwang.settings import Settings
from jingwang.store import Database
from probe.probekit import serve_app

PAGE = "<html><head><title>Hot shop</title></head><body>QQ 12345678 <img src=/a.png></body></html>"


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
        yield cli_runner(capsys, live_settings)


def _site() -> web.Application:
    async def home(_: web.Request) -> web.Response:
        raise web.HTTPFound("/shop")

    async def shop(_: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/", home)
    app.router.add_get("/shop", shop)
    return app


@pytest.mark.slow
def test_probe_a_url_show_it_verify_and_write_its_warc(run: Run, tmp_path: Path) -> None:
    with serve_app(_site()) as server:
        url = server.url("wap.hot.test", "/")
        code, out = run("probe", url, "--profile", "wap1", "--json")
    assert code == ExitCode.OK, out
    capture = json.loads(out)
    assert (capture["outcome"], capture["http_status"], capture["title"]) == ("ok", 200, "Hot shop")
    assert [hop["via"] for hop in capture["chain"]] == ["start", "http"]
    assert capture["final_url"].endswith("/shop")
    assert [row["kind"] for row in capture["evidence"]] == ["warc"]
    code, out = run("probe", "show", str(capture["id"]))
    assert code == ExitCode.OK
    assert "Hot shop" in out
    assert "sha256:" in out
    code, out = run("probe", "captures", "--domain", "hot.test", "--json")
    assert [c["id"] for c in json.loads(out)] == [capture["id"]]
    code, out = run("evidence", "verify", "--capture", str(capture["id"]))
    assert code == ExitCode.OK, out
    assert "passed 1, failed 0" in out
    target = tmp_path / "c.warc.gz"
    code, out = run("evidence", "warc", str(capture["id"]), "-o", str(target))
    assert code == ExitCode.OK, out
    assert b"WARC/1.1" in gzip.decompress(target.read_bytes())


def test_a_refused_url_exits_10_and_is_on_record(run: Run) -> None:
    code, out = run("probe", "http://10.1.2.3/", "--json")
    assert code == ExitCode.REFUSED, out
    refusal = json.loads(out)
    assert refusal["code"] == "probe.address_forbidden"
    code, out = run("probe", "captures", "--outcome", "refused", "--json")
    assert [c["id"] for c in json.loads(out)] == [refusal["capture_id"]]


def test_an_unknown_profile_exits_3(run: Run) -> None:
    code, out = run("probe", "http://wap.hot.test/", "--profile", "nokia9000")
    assert code == ExitCode.INVALID_INPUT
    assert "wap1" in out


def test_profiles_list_what_each_sends(run: Run) -> None:
    code, out = run("probe", "profiles", "--json")
    assert code == ExitCode.OK
    profiles = {p["name"]: p for p in json.loads(out)}
    assert {"wap1", "xhtmlmp", "android", "iphone", "desktop"} <= set(profiles)
    assert profiles["wap1"]["headers"][0] == ["User-Agent", profiles["wap1"]["user_agent"]]
