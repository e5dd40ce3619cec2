"""The one ``Settings`` object.

Precedence, lowest first: defaults < TOML file (``jingwang.toml`` in the working directory, or
the file given by ``--config`` / ``JINGWANG_CONFIG``) < ``JINGWANG_*`` environment variables <
CLI flags (passed to :func:`load_settings` as overrides). Every field carries a description;
``docs/configuration.md`` lists them all and a test fails when one is missing there.

Settings are built explicitly and passed down; nothing reads the environment at import.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from jingwang.errors import ConfigError

DEFAULT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 - refused in production
DEFAULT_CONFIG_FILE = Path("jingwang.toml")
ENV_PREFIX = "JINGWANG_"


class Settings(BaseSettings):
    """Every setting of jingwang, with its default and meaning."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

    mode: Literal["development", "production"] = Field(
        "development",
        description="'production' refuses to start with the default secret key.",
    )
    data_dir: Path = Field(
        Path("var"),
        description="Folder for the SQLite database, the queue database and blobs.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL of the database; empty means SQLite at DATA_DIR/jingwang.db. "
        "Use postgresql+psycopg://user@host/db for many machines.",
    )
    queue_url: str = Field(
        "",
        description="Huey queue: empty means SqliteHuey at DATA_DIR/queue.db; "
        "postgresql://… uses PostgresHuey, redis://… uses RedisHuey, memory:// runs jobs "
        "in-process immediately (unit tests).",
    )
    queue_name: str = Field("jingwang", description="Name of the Huey queue (lets many share one).")
    blob_dir: Path | None = Field(
        None, description="Folder of the content-addressed blob store; empty means DATA_DIR/blobs."
    )
    secret_key: SecretStr = Field(
        SecretStr(DEFAULT_SECRET_KEY),
        description="Key that signs sessions and CSRF tokens. Must be changed in production.",
    )
    host: str = Field("127.0.0.1", description="Address `jingwang serve` listens on.")
    port: int = Field(8000, ge=0, le=65535, description="Port `jingwang serve` listens on.")
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are trusted (client address for login throttling, https for cookies).",
    )
    default_language: Literal["zh-CN", "en"] = Field(
        "zh-CN", description="Language of the web UI when the browser does not choose one."
    )
    display_timezone: str = Field(
        "Asia/Shanghai", description="Time zone the UI shows times in (stored times are UTC)."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Logging level of every process."
    )
    worker_threads: int = Field(
        2, ge=1, le=64, description="Huey consumer threads per `jingwang worker` process."
    )
    serve_worker: bool = Field(
        True, description="Whether `jingwang serve` also supervises one worker process."
    )
    jobs_lease_seconds: int = Field(
        60, ge=5, description="How long a worker's lease on a job lasts before it must renew."
    )
    jobs_heartbeat_seconds: int = Field(
        15, ge=1, description="How often a running job renews its lease."
    )
    jobs_max_attempts: int = Field(
        5, ge=1, description="Attempts before a failing job is marked dead."
    )
    jobs_retry_base_seconds: float = Field(
        10.0, ge=0, description="First retry delay; each later retry doubles it (with jitter)."
    )
    jobs_retry_max_seconds: float = Field(
        3600.0, ge=0, description="Upper bound of the retry delay."
    )
    jobs_dispatch_interval_seconds: float = Field(
        2.0, gt=0, description="How often the dispatcher looks for due jobs and expired leases."
    )
    job_modules: list[str] = Field(
        default_factory=list,
        description="Extra Python modules that define job kinds, imported by every process that "
        "runs or enqueues jobs (env: a JSON list, e.g. '[\"myplugin.jobs\"]').",
    )
    outbox_batch_size: int = Field(
        500, ge=1, description="Events the sequencer publishes per batch."
    )
    session_idle_minutes: int = Field(
        60, ge=1, description="A web session ends after this many minutes without a request."
    )
    session_max_hours: int = Field(
        12, ge=1, description="A web session ends this many hours after login, however busy."
    )
    session_cookie_secure: Literal["auto", "always", "never"] = Field(
        "auto",
        description="Mark the session cookie Secure (and name it __Host-…): 'auto' does so "
        "unless the request is plain http to a loopback address.",
    )
    login_max_failures: int = Field(
        5, ge=1, description="Failed logins for one user name before it is locked out."
    )
    login_max_failures_per_ip: int = Field(
        50, ge=1, description="Failed logins from one client address before it is locked out."
    )
    login_lockout_seconds: int = Field(
        60, ge=1, description="First lockout; each further failure doubles it."
    )
    login_lockout_max_seconds: int = Field(
        3600, ge=1, description="Longest lockout after repeated failed logins."
    )
    password_min_length: int = Field(12, ge=8, le=128, description="Shortest password accepted.")
    password_hash_time_cost: int = Field(
        3, ge=1, description="argon2id iterations; raising it renews hashes at the next login."
    )
    password_hash_memory_kib: int = Field(
        65536, ge=64, description="argon2id memory in KiB; raising it renews hashes at login."
    )
    password_hash_parallelism: int = Field(4, ge=1, le=64, description="argon2id lanes.")
    api_token_default_days: int = Field(
        90, ge=1, description="Lifetime of a new API token when none is given."
    )
    api_token_max_days: int = Field(366, ge=1, description="Longest lifetime of an API token.")
    audit_signing_key: Path | None = Field(
        None,
        description="PEM file of the Ed25519 private key that signs audit checkpoints; empty "
        "means DATA_DIR/keys/audit-ed25519.pem. Keep it off the database server, mode 0600.",
    )
    audit_checkpoint_interval_seconds: int = Field(
        600, ge=10, description="How often the worker signs a checkpoint of the audit log."
    )
    chromium_path: Path = Field(
        Path("/usr/bin/chromium"), description="Chromium binary for screenshots and UI tests."
    )
    min_free_disk_mb: int = Field(
        1024, ge=0, description="`jingwang doctor` warns below this much free space in DATA_DIR."
    )
    registry_import_max_rows: int = Field(
        5_000_000, ge=1, description="Most data rows a registry import file may hold."
    )
    registry_import_max_bytes: int = Field(
        512 * 1024 * 1024,
        ge=1,
        description="Most bytes a registry import file (an XLSX sheet: uncompressed) may hold.",
    )
    registry_max_sublet_depth: int = Field(
        3, ge=1, description="Longest sublet chain (edges from a root to a provider) audits allow."
    )
    registry_web_import_max_rows: int = Field(
        200_000, ge=1, description="Most rows a registry import through the web UI or API may hold."
    )
    probe_resolver: str = Field(
        "",
        description="Name server the prober (and attribution) ask, as HOST:PORT over UDP (e.g. "
        "the demo's 127.0.0.1:5353); empty means the system resolver.",
    )
    probe_allow_loopback: bool = Field(
        False,
        description="Let the prober fetch loopback addresses (127.0.0.0/8, ::1). Only tests and "
        "the demo set it, for their own servers; never in production.",
    )
    probe_allow_private: bool = Field(
        False,
        description="Let the prober fetch private addresses (10/8, 172.16/12, 192.168/16, "
        "fc00::/7). Every other special-purpose address stays refused.",
    )
    probe_allowed_ports: list[int] = Field(
        default_factory=lambda: [80, 443, 8080, 8000, 8443, 8888],
        description="Ports the prober may connect to (env: a JSON list).",
    )
    probe_allow_any_port: bool = Field(
        False, description="Let the prober connect to any port (tests and the demo set it)."
    )
    probe_max_redirects: int = Field(
        10,
        ge=0,
        le=50,
        description="Most redirect hops (HTTP, meta refresh, WML, script) a probe follows.",
    )
    probe_max_wire_bytes: int = Field(
        8 * 1024 * 1024, ge=1024, description="Most bytes of one response body read off the wire."
    )
    probe_max_body_bytes: int = Field(
        16 * 1024 * 1024,
        ge=1024,
        description="Most bytes of one response body after decompression (gzip/deflate/br bombs).",
    )
    probe_connect_timeout_seconds: float = Field(
        10.0, gt=0, description="Time allowed to connect (and finish the TLS handshake)."
    )
    probe_first_byte_timeout_seconds: float = Field(
        15.0, gt=0, description="Time allowed from sending a request to the response's first byte."
    )
    probe_total_timeout_seconds: float = Field(
        30.0, gt=0, description="Time allowed for one whole response (slow-drip servers)."
    )
    probe_max_nesting: int = Field(
        256, ge=16, description="Deepest element nesting read from an HTML or WML page."
    )
    probe_max_image_pixels: int = Field(
        40_000_000, ge=1, description="Largest image (width x height) the prober decodes."
    )
    probe_image_formats: list[str] = Field(
        default_factory=lambda: ["JPEG", "PNG", "GIF", "WEBP", "BMP", "ICO", "WBMP"],
        description="Image formats the prober accepts (Pillow names, plus WBMP).",
    )
    probe_max_subresources: int = Field(
        20, ge=0, description="Most images (and the favicon) fetched for one page."
    )
    probe_ca_file: Path | None = Field(
        None,
        description="Extra trust anchors (PEM) when judging a site's TLS chain, e.g. the demo's "
        "test CA; captures happen whether or not the chain is valid.",
    )
    probe_default_profile: str = Field(
        "android", description="Fetch profile used when none is named (`jingwang probe profiles`)."
    )
    probe_concurrency: int = Field(
        32,
        ge=1,
        description="Requests one campaign runner keeps on the network at once (probes whose "
        "page is fetched free their slot while their evidence is written).",
    )
    probe_fetch_workers: int = Field(
        0,
        ge=0,
        le=64,
        description="Fetch worker processes one campaign runner starts: they fetch, parse and "
        "write the evidence while the runner keeps the database work, so a runner can use "
        "more than one core. 0: the runner does it all in its own process.",
    )
    probe_host_concurrency: int = Field(
        1, ge=1, description="Requests in flight to one host at once, across all runners."
    )
    probe_host_delay_seconds: float = Field(
        1.0, ge=0, description="Pause between two requests to the same host (politeness)."
    )
    probe_backoff_seconds: float = Field(
        60.0,
        ge=0,
        description="First pause for a host that answered 429 or 503; doubles each time.",
    )
    probe_backoff_max_seconds: float = Field(
        3600.0, ge=0, description="Longest pause for a host that keeps answering 429 or 503."
    )
    probe_lease_seconds: int = Field(
        120, ge=5, description="How long a runner holds a claimed URL before another may take it."
    )
    probe_max_attempts: int = Field(
        5,
        ge=1,
        description="Tries of one campaign URL whose host answers 429 or 503 before giving up.",
    )
    probe_screenshots: bool = Field(
        True, description="Take a Chromium screenshot of HTML and XHTML-MP pages (when present)."
    )
    probe_screenshot_timeout_seconds: float = Field(
        20.0, gt=0, description="Time allowed for one screenshot."
    )

    # Detection (classify/) ---------------------------------------------------------------------
    classify_after_probe: bool = Field(
        True, description="Judge every new capture in a background job right after it is recorded."
    )
    classify_porn_threshold: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Score at or above which a page is labelled porn; empty: the text model's "
        "own threshold, tuned on the development set.",
    )
    classify_suspect_threshold: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Score at or above which a page is labelled suspect (below the porn "
        "threshold); empty: the text model's own.",
    )
    classify_lexicon_paths: list[Path] = Field(
        default_factory=list,
        description="Extra lexicon files or folders of *.lex files, added to the bundled lexicon.",
    )
    classify_bundled_lexicon: bool = Field(
        True, description="Use the lexicon shipped with jingwang (zh and en, every category)."
    )
    classify_text_model: Path | None = Field(
        None,
        description="A text model file (.npz) made by `jingwang classify train`; empty: "
        "the bundled model.",
    )
    classify_images: bool = Field(
        True, description="Score the images of a capture with the open_nsfw model."
    )
    classify_image_batch_size: int = Field(
        16, ge=1, le=256, description="Images scored together in one model call."
    )
    classify_image_threads: int = Field(
        0, ge=0, description="CPU threads of the image model; 0: onnxruntime's default."
    )
    classify_max_images: int = Field(
        40, ge=0, description="Most images of one capture that are scored."
    )
    classify_pdq_max_distance: int = Field(
        31, ge=0, le=128, description="Largest Hamming distance (bits) of a known-image match."
    )
    classify_pdq_min_quality: int = Field(
        50, ge=0, le=100, description="PDQ hashes of lower quality are kept but never matched."
    )
    classify_thumbnail_max_side: int = Field(
        200, ge=16, description="An image no larger than this (pixels, each side) is a thumbnail."
    )
    classify_grid_min_images: int = Field(
        6,
        ge=2,
        description="A page with at least this many thumbnails is a thumbnail grid: its images "
        "alone never make it porn, its text must agree.",
    )
    classify_batch_size: int = Field(
        50, ge=1, description="Captures judged by one classification job."
    )

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.mode == "production" and (
            self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
            or len(self.secret_key.get_secret_value()) < 32
        ):
            raise ValueError(
                "production mode needs JINGWANG_SECRET_KEY set to a random value of at least "
                "32 characters, e.g. from "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
            )
        return self

    @model_validator(mode="after")
    def _refuse_weak_password_hashing_in_production(self) -> Settings:
        if self.mode == "production" and (
            self.password_hash_memory_kib < 19456 or self.password_hash_time_cost < 2
        ):
            raise ValueError(
                "production mode needs password_hash_memory_kib >= 19456 and "
                "password_hash_time_cost >= 2 (OWASP's argon2id minimum); raise them"
            )
        return self

    # Derived locations -------------------------------------------------------------------

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'jingwang.db').resolve()}"

    @property
    def resolved_queue_url(self) -> str:
        return self.queue_url or f"sqlite:///{(self.data_dir / 'queue.db').resolve()}"

    @property
    def resolved_blob_dir(self) -> Path:
        return (self.blob_dir or self.data_dir / "blobs").resolve()

    @property
    def resolved_audit_signing_key(self) -> Path:
        return (self.audit_signing_key or self.data_dir / "keys" / "audit-ed25519.pem").resolve()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = _CONFIG_FILE_HOLDER.get("path")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)


# pydantic-settings builds sources in a classmethod, so the chosen file is handed over here for
# the duration of one load_settings() call only.
_CONFIG_FILE_HOLDER: dict[str, Path | None] = {}


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from defaults, the TOML file, the environment and ``overrides``.

    ``config`` (or ``JINGWANG_CONFIG``) names the TOML file; without one, ``jingwang.toml`` in
    the working directory is read when it exists. Overrides whose value is ``None`` are
    ignored, so CLI flags that were not given do not mask lower layers.
    """
    path = config or _env_config_path()
    if path is not None and not path.is_file():
        raise ConfigError(f"config file {path} does not exist; create it or drop --config")
    if path is None and DEFAULT_CONFIG_FILE.is_file():
        path = DEFAULT_CONFIG_FILE
    _CONFIG_FILE_HOLDER["path"] = path
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as exc:  # pydantic.ValidationError is a ValueError
        raise ConfigError(
            f"invalid settings: {exc}", config_file=str(path) if path else None
        ) from exc
    finally:
        _CONFIG_FILE_HOLDER.pop("path", None)


def _env_config_path() -> Path | None:
    raw = os.environ.get(f"{ENV_PREFIX}CONFIG")
    return Path(raw) if raw else None


__all__ = ["DEFAULT_SECRET_KEY", "Settings", "load_settings"]
