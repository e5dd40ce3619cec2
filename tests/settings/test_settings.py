"""Settings: precedence, data-dir derived paths, production refusal, documentation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jingwang.errors import ConfigError
from jingwang.settings import DEFAULT_SECRET_KEY, Settings, load_settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_defaults_put_everything_under_the_data_dir(settings: Settings) -> None:
    data = settings.data_dir.resolve()
    assert settings.resolved_database_url == f"sqlite:///{data / 'jingwang.db'}"
    assert settings.resolved_blob_dir == data / "blobs"
    assert load_settings().resolved_queue_url == f"sqlite:///{Path('var').resolve() / 'queue.db'}"


def test_precedence_defaults_toml_env_flags(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "custom.toml"
    toml.write_text('port = 8100\nhost = "0.0.0.0"\nlog_level = "DEBUG"\n')
    assert load_settings(toml).port == 8100
    monkeypatch.setenv("JINGWANG_PORT", "8200")
    loaded = load_settings(toml)
    assert (loaded.port, loaded.host, loaded.log_level) == (8200, "0.0.0.0", "DEBUG")
    assert load_settings(toml, port=8300).port == 8300
    assert load_settings(toml, port=None).port == 8200  # a flag not given masks nothing


def test_jingwang_toml_in_working_directory_is_read(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "jingwang.toml").write_text("port = 8111\n")
    assert load_settings().port == 8111


def test_config_from_environment_variable(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "elsewhere.toml"
    toml.write_text("worker_threads = 7\n")
    monkeypatch.setenv("JINGWANG_CONFIG", str(toml))
    assert load_settings().worker_threads == 7


def test_missing_config_file_says_so(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_unknown_key_in_toml_is_refused(settings: Settings, tmp_path: Path) -> None:
    toml = tmp_path / "typo.toml"
    toml.write_text("prot = 1\n")
    with pytest.raises(ConfigError, match="prot"):
        load_settings(toml)


def test_bad_value_names_the_setting(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JINGWANG_PORT", "eighty")
    with pytest.raises(ConfigError, match="port"):
        load_settings()


def test_production_refuses_default_secret(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="JINGWANG_SECRET_KEY"):
        load_settings(mode="production")
    with pytest.raises(ConfigError, match="32 characters"):
        load_settings(mode="production", secret_key="short")
    good = load_settings(mode="production", secret_key="x" * 40)
    assert good.secret_key.get_secret_value() != DEFAULT_SECRET_KEY
    assert "x" * 40 not in repr(good)  # secrets never printed


def test_every_setting_is_described_and_documented() -> None:
    documented = DOCS.read_text(encoding="utf-8")
    missing = []
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"
        env = f"JINGWANG_{name.upper()}"
        if not re.search(rf"`{name}`", documented) or env not in documented:
            missing.append(name)
    assert not missing, f"settings missing from docs/configuration.md: {missing}"
