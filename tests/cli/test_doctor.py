"""``jingwang doctor``: reports each check and how to fix it; exit code says whether all passed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jingwang.cli.app import main
from jingwang.cli.exit_codes import ExitCode
from jingwang.settings import Settings

HAS_CHROMIUM = Path("/usr/bin/chromium").exists()


def _doctor(
    capsys: pytest.CaptureFixture[str], settings: Settings, *extra: str
) -> tuple[int, list[dict[str, str]]]:
    code = main(["--data-dir", str(settings.data_dir), *extra, "doctor", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_without_chromium_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("JINGWANG_CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    code, checks = _doctor(capsys, settings)
    chromium = next(c for c in checks if c["name"] == "chromium")
    assert chromium["status"] == "fail"
    assert "apt-get install chromium" in chromium["fix"]
    assert code == ExitCode.UNAVAILABLE


def test_unreachable_database_fails_with_a_fix(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    code, checks = _doctor(
        capsys, settings, "--database-url", "postgresql://nobody@127.0.0.1:1/none"
    )
    database = next(c for c in checks if c["name"] == "database")
    assert database["status"] == "fail"
    assert "JINGWANG_DATABASE_URL" in database["fix"]
    assert code == ExitCode.UNAVAILABLE


@pytest.mark.skipif(not HAS_CHROMIUM, reason="Chromium not installed: apt-get install chromium")
def test_healthy_machine_passes(
    capsys: pytest.CaptureFixture[str], live_settings: Settings
) -> None:
    os.environ.pop("JINGWANG_CHROMIUM_PATH", None)
    code = main(
        [
            "--data-dir",
            str(live_settings.data_dir),
            "--database-url",
            live_settings.resolved_database_url,
            "doctor",
            "--json",
        ]
    )
    checks = json.loads(capsys.readouterr().out)
    assert {c["name"]: c["status"] for c in checks}["database"] == "ok"
    assert code == ExitCode.OK, checks


def test_human_output_is_a_table(capsys: pytest.CaptureFixture[str], settings: Settings) -> None:
    main(["--data-dir", str(settings.data_dir), "doctor"])
    out = capsys.readouterr().out
    assert "how to fix" in out
    assert "queue" in out


def test_the_audit_key_is_checked(
    capsys: pytest.CaptureFixture[str], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def audit_key() -> dict[str, str]:
        _, checks = _doctor(capsys, settings)
        return next(c for c in checks if c["name"] == "audit key")

    missing = audit_key()
    assert missing["status"] == "warn"  # development makes it at the first checkpoint
    assert "jingwang audit keygen" in missing["fix"]
    assert main(["--data-dir", str(settings.data_dir), "audit", "keygen"]) == ExitCode.OK
    capsys.readouterr()
    assert audit_key()["status"] == "ok"
    settings.resolved_audit_signing_key.chmod(0o644)
    monkeypatch.setenv("JINGWANG_MODE", "production")
    monkeypatch.setenv("JINGWANG_SECRET_KEY", "x" * 40)
    exposed = audit_key()
    assert exposed["status"] == "fail"
    assert "chmod 600" in exposed["detail"]


def test_more_fetch_workers_than_cores_is_a_warning(
    capsys: pytest.CaptureFixture[str], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    cores = len(os.sched_getaffinity(0))
    monkeypatch.setenv("JINGWANG_PROBE_FETCH_WORKERS", str(cores))
    _, checks = _doctor(capsys, settings)
    workers = next(c for c in checks if c["name"] == "fetch workers")
    assert workers["status"] == "warn"
    assert f"{max(cores - 1, 1)} or fewer" in workers["fix"]
    monkeypatch.setenv("JINGWANG_PROBE_FETCH_WORKERS", "0")
    _, checks = _doctor(capsys, settings)
    workers = next(c for c in checks if c["name"] == "fetch workers")
    assert workers["status"] == "ok"
    assert "runner's own process" in workers["detail"]
