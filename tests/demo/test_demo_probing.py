"""The demo's probing: the sample web it serves, the campaigns it seeds, the banner it prints."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from jingwang.classify.models import VerdictRow
from jingwang.demo.datadir import fresh_data_dir
from jingwang.demo.probing import CONFIG_NAME, DemoWeb, start_sample_web
from jingwang.demo.seed import DemoSummary, seed_demo
from jingwang.probe.evidence import verify_evidence
from jingwang.probe.models import Campaign, Capture, Evidence, Target
from jingwang.settings import Settings, load_settings
from jingwang.store import FileBlobStore, create_database

READY = re.compile(r"jingwang demo ready at (http://\S+)")
SAMPLE_LINE = re.compile(
    r"sample mobile web: (http://th-meinv\.test(?::\d+)?/) \(names answered by DNS at "
    r"127\.0\.0\.1:\d+\)"
)
DEADLINE_S = 180.0


@dataclass
class Seeded:
    settings: Settings
    web: DemoWeb
    summary: DemoSummary


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """The demo seeded once against a sample web on free ports (the port-adding path)."""
    data_dir = fresh_data_dir(tmp_path_factory.mktemp("probing") / "demo")
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("JINGWANG_"):
                patch.delenv(name)
        patch.chdir(data_dir)
        with start_sample_web(data_dir) as web:
            settings = load_settings(data_dir=data_dir, queue_url="memory://").model_copy(
                update=web.settings_update
            )
            summary = seed_demo(settings, web)
            yield Seeded(settings, web, summary)


def _captures(seeded: Seeded) -> list[tuple[Capture, list[Evidence]]]:
    db = create_database(seeded.settings.resolved_database_url)
    try:
        with db.session() as session:
            captures = list(session.scalars(select(Capture).order_by(Capture.id)))
            evidence = list(session.scalars(select(Evidence)))
            session.expunge_all()
    finally:
        db.dispose()
    return [(c, [e for e in evidence if e.capture_id == c.id]) for c in captures]


@pytest.mark.slow
@pytest.mark.db
def test_the_seed_runs_its_campaigns_over_the_registry(seeded: Seeded) -> None:
    probing = seeded.summary.probing
    assert probing is not None
    assert all(r.stopped == "done" and r.failed == 0 for r in probing.reports), probing.reports
    db = create_database(seeded.settings.resolved_database_url)
    try:
        with db.session() as session:
            campaigns = list(session.scalars(select(Campaign).order_by(Campaign.id)))
            targets = list(session.scalars(select(Target).where(Target.campaign_id == 1)))
    finally:
        db.dispose()
    assert [c.state for c in campaigns] == ["done"] * 3
    assert probing.campaigns == 3
    daily = [c for c in campaigns if c.interval_hours == 24]
    assert len(daily) == 1
    assert daily[0].next_run_at is not None
    # 南粤数据接入 and its sublet chain connect seven sites; the URLs carry the web's port
    port = seeded.web.http_port
    hosts = sorted(t.url for t in targets)
    assert hosts == [
        f"http://{h}.test:{port}/"
        for h in (
            "lexun-game",
            "nanyue-3g",
            "nanyue-news",
            "th-meinv",
            "wap-xiaoshuo",
            "xx-tupian",
            "yc-dongman",
        )
    ]
    assert all(t.source and t.source.startswith("provider:") for t in targets)

    # seeding again adds no campaign and probes nothing twice
    db = create_database(seeded.settings.resolved_database_url)
    try:
        from jingwang.demo.probing import seed_probing

        again = seed_probing(
            seeded.settings, db, FileBlobStore(seeded.settings.resolved_blob_dir), seeded.web
        )
    finally:
        db.dispose()
    assert (again.campaigns, again.captures, again.reports) == (3, probing.captures, [])


@pytest.mark.slow
@pytest.mark.db
def test_captures_have_chains_and_evidence_that_verifies(seeded: Seeded) -> None:
    captures = _captures(seeded)
    assert len(captures) == seeded.summary.probing.captures == 19  # type: ignore[union-attr]
    assert all(c.outcome == "ok" for c, _ in captures), [(c.url, c.outcome) for c, _ in captures]
    chains = {c.url.split(":")[1].strip("/"): [h["via"] for h in c.chain] for c, _ in captures}
    assert chains["redirect-mixed.test"] == [
        "start",
        "http",
        "meta_refresh",
        "wml_ontimer",
        "script",
    ]
    assert chains["wml-timer.test"] == ["start", "wml_ontimer"]
    assert chains["wml-onevent.test"] == ["start", "wml_onenterforward"]
    assert chains["redirect-http.test"] == ["start", "http", "http", "http"]
    assert all(any(e.kind == "warc" for e in ev) for _, ev in captures)

    db = create_database(seeded.settings.resolved_database_url)
    try:
        with db.session() as session:
            report = verify_evidence(session, FileBlobStore(seeded.settings.resolved_blob_dir))
    finally:
        db.dispose()
    assert report.failed == report.unknown == 0
    assert report.passed == sum(len(ev) for _, ev in captures)


@pytest.mark.slow
@pytest.mark.db
def test_wml_captures_get_a_view_and_html_ones_a_screenshot(seeded: Seeded) -> None:
    blobs = FileBlobStore(seeded.settings.resolved_blob_dir)
    captures = _captures(seeded)
    wml = [
        (c, e)
        for c, ev in captures
        for e in ev
        if e.kind == "wml_view" and c.url.startswith("http://th-meinv.test")
    ]
    assert wml, "th-meinv.test is a WML site: its captures need a WML view"
    view = blobs.get(wml[0][1].digest).decode("utf-8")
    assert "美女图片站" in view
    assert "<script" not in view.lower()

    shots = [e for _, ev in captures for e in ev if e.kind == "screenshot"]
    if not seeded.settings.chromium_path.is_file():
        assert shots == []
        return
    assert shots, "Chromium is present: the HTML pages need screenshots"
    assert blobs.get(shots[0].digest).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.slow
@pytest.mark.db
def test_every_capture_is_judged_before_the_ui_opens(seeded: Seeded) -> None:
    judging = seeded.summary.judging
    assert judging is not None
    captures = _captures(seeded)
    assert judging.captures == len(captures)
    assert sum(judging.labels.values()) == len(captures)
    db = create_database(seeded.settings.resolved_database_url)
    try:
        with db.session() as session:
            rows = list(
                session.scalars(
                    select(VerdictRow).where(
                        VerdictRow.subject == "capture", VerdictRow.current.is_(True)
                    )
                )
            )
            session.expunge_all()
    finally:
        db.dispose()
    assert sorted(row.capture_id for row in rows) == [c.id for c, _ in captures]
    hosts = {c.id: c.url.split("//")[1].split(":")[0].split("/")[0] for c, _ in captures}
    labels = {hosts[row.capture_id]: row.label for row in rows if row.capture_id}
    assert labels["xx-tupian.test"] in ("porn", "suspect"), labels  # the porn-like picture site
    assert "porn" in labels.values(), labels
    assert all(row.reasons for row in rows if row.label != "unknown")


def test_localise_adds_the_port_only_to_served_default_port_urls(tmp_path: Path) -> None:
    with start_sample_web(tmp_path) as web:
        port, tls_port = web.http_port, web.https_port
        assert web.localise("http://th-meinv.test/wap/index.wml") == (
            f"http://th-meinv.test:{port}/wap/index.wml"
        )
        assert web.url("th-meinv.test", https=True) == f"https://th-meinv.test:{tls_port}/"
        assert web.localise("http://th-meinv.test:8080/") == "http://th-meinv.test:8080/"
        assert web.localise("http://elsewhere.test/") == "http://elsewhere.test/"
        config = web.write_config(tmp_path)
        assert config.name == CONFIG_NAME
        loaded = load_settings(config)
        assert loaded.probe_resolver == web.dns.address
        assert loaded.probe_allow_loopback
        assert loaded.probe_allow_any_port
        assert loaded.probe_ca_file == web.ca.cert_path
        assert loaded.data_dir == tmp_path


@pytest.mark.slow
def test_the_demo_banner_names_the_sample_web_and_its_probe_command_works(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINGWANG_")}
    env["PYTHONUNBUFFERED"] = "1"
    log, data_dir = tmp_path / "demo.log", tmp_path / "demo-data"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "jingwang", "demo", "--dir", str(data_dir), "--port", "0"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + DEADLINE_S
        while not READY.search(log.read_text(errors="replace")):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the demo did not get ready:\n{log.read_text()}")
            time.sleep(0.5)
        output = log.read_text(errors="replace")
        assert re.search(r"\d+ captures \(\d+ screenshots, \d+ WML views\) from 3 probing", output)
        sample = SAMPLE_LINE.search(output)
        assert sample is not None, output
        config = data_dir / CONFIG_NAME
        assert f"--config {config} probe {sample.group(1)}" in output
        probe = subprocess.run(
            [
                sys.executable,
                "-m",
                "jingwang",
                "--data-dir",
                str(data_dir),
                "--config",
                str(config),
                "probe",
                sample.group(1),
                "--json",
            ],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert probe.returncode == 0, probe.stdout + probe.stderr
        assert '"outcome": "ok"' in probe.stdout
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
