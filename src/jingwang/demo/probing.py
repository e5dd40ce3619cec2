"""The demo's probing: the sample mobile web, its DNS and test CA, and a seeded campaign run.

While ``jingwang demo`` runs, :func:`start_sample_web` serves the sample mobile web (HTTP, and
HTTPS with a certificate from a test CA made in the demo folder) and a
:class:`~jingwang.demo.dns.LoopbackDNS` that answers its ``.test`` names with 127.0.0.1.
:attr:`DemoWeb.settings_update` points the prober at them (the web process, and through
:func:`jingwang.web.supervisor.worker_env` the worker too), and :meth:`DemoWeb.write_config`
writes the same settings to a TOML file so ``jingwang --config FILE probe URL`` works from
another terminal.

The sample web listens on ports 80 and 443 when they are free to take (root, or a container
that lets anyone bind them), so the registry's port-less URLs reach it as they are; otherwise
on free ports, and :meth:`DemoWeb.localise` adds the port to the registry's URLs.
:func:`seed_probing` then creates the demo's campaigns (the sites of 南粤数据接入 and its
sublet chain, the landing pages of the promotion channels and SP services, re-probed daily,
and the sample web's redirectors) and runs them to completion in this process, so captures
with their chains, screenshots, WML views and WARC files exist when the UI opens.
"""

from __future__ import annotations

import errno
import json
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jingwang.accounts.models import Organisation
from jingwang.accounts.policy import Actor
from jingwang.demo.dns import LoopbackDNS
from jingwang.demo.sampleweb import RunningWeb, SampleWeb, generate, serve
from jingwang.demo.testca import ServerTLS, TestCA
from jingwang.probe.campaigns import create_campaign
from jingwang.probe.frontier import add_sourced, parse_target
from jingwang.probe.models import Campaign, Capture, Evidence, Target
from jingwang.probe.runner import RunReport, run_campaign
from jingwang.probe.selections import select_urls
from jingwang.settings import Settings
from jingwang.store import BlobStore, Database

SAMPLE_SEED: Final = 2009
SAMPLE_SITES: Final = 20  # drawn sites, besides the registry's and the awkward ones
STANDARD_PORTS: Final = (80, 443)
CONFIG_NAME: Final = "jingwang.toml"
CAMPAIGN_SECONDS: Final = 60.0  # a seeded campaign that takes longer is left to the worker
# Chromium is CPU-bound: several screenshots at once on a small machine need longer than one
SEED_SCREENSHOT_SECONDS: Final = 60.0

CARRIER: Final = "华夏移动广东分公司"
PROVIDER: Final = "南粤数据接入有限公司"
CENTRE: Final = "网络不良信息举报中心（演示）"

# The sample web's redirectors the demo shows, one per way of moving a handset on.
REDIRECTORS: Final = (
    "http://redirect-http.test/",  # 301 → 302 → 307
    "http://meta-refresh.test/",
    "http://wml-timer.test/",  # <timer> + ontimer
    "http://wml-onevent.test/",  # <onevent type="onenterforward"> with a $(var)
    "http://js-location.test/",
    "http://redirect-mixed.test/",  # HTTP → meta refresh → WML timer → script
)


@dataclass
class DemoWeb:
    """The sample web, its name server and test CA, running for the demo."""

    web: SampleWeb
    running: RunningWeb
    dns: LoopbackDNS
    ca: TestCA

    @property
    def http_port(self) -> int:
        return self.running.http_port

    @property
    def https_port(self) -> int | None:
        return self.running.https_port

    @property
    def settings_update(self) -> dict[str, Any]:
        """The settings that point the prober at this web (for ``Settings.model_copy``)."""
        return {
            "probe_resolver": self.dns.address,
            "probe_allow_loopback": True,
            "probe_allow_any_port": True,
            "probe_ca_file": self.ca.cert_path,
        }

    def url(self, host: str, path: str = "/", *, https: bool = False) -> str:
        """Where the sample web serves ``host``'s ``path`` (no port when it is the default)."""
        return self.localise(f"{'https' if https else 'http'}://{host}{path}")

    def localise(self, url: str) -> str:
        """``url`` with the sample web's port when it names a served host on the default port.

        Other URLs come back unchanged: the prober fetches them where they say.
        """
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.port is not None or self.web.get(host) is None:
            return url
        port = self.https_port if parts.scheme == "https" else self.http_port
        default = 443 if parts.scheme == "https" else 80
        if port is None or port == default or parts.scheme not in ("http", "https"):
            return url
        return urlunsplit(parts._replace(netloc=f"{host}:{port}"))

    def write_config(self, data_dir: Path) -> Path:
        """A TOML settings file for the demo's data folder and this web; returns its path."""
        values: dict[str, Any] = {"data_dir": str(data_dir), **self.settings_update}
        lines = ["# written by `jingwang demo`: valid while that demo runs"]
        for name, value in values.items():
            # JSON's strings and booleans are TOML's too
            lines.append(f"{name} = {json.dumps(str(value) if isinstance(value, Path) else value)}")
        path = data_dir / CONFIG_NAME
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def stop(self) -> None:
        """Stop serving and answering names; safe to call twice."""
        self.running.stop()
        self.dns.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _free(port: int) -> bool:
    """Whether this process may listen on 127.0.0.1:``port`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EADDRINUSE, errno.EPERM):
                return False
            raise
    return True


def start_sample_web(
    data_dir: Path,
    *,
    sites: int = SAMPLE_SITES,
    standard_ports: bool = False,
) -> DemoWeb:
    """Generate and serve the sample web with DNS and a test CA made under ``data_dir``.

    ``standard_ports``: listen on 80 and 443 when both are free to take, else on free ports.
    """
    web = generate(seed=SAMPLE_SEED, sites=sites)
    ca_dir = data_dir / "testca"
    ca = TestCA.create(ca_dir, name="Jingwang Demo Test CA")
    cert, key = ca.issue(sorted(site.host for site in web.sites), ca_dir)
    http_port, https_port = 0, 0
    if standard_ports and all(_free(port) for port in STANDARD_PORTS):
        http_port, https_port = STANDARD_PORTS
    try:
        running = serve(
            web, http_port=http_port, https_port=https_port, tls=ServerTLS(cert, key).context()
        )
    except RuntimeError:
        if (http_port, https_port) == (0, 0):
            raise
        running = serve(web, tls=ServerTLS(cert, key).context())  # taken meanwhile
    dns = LoopbackDNS(web.zone())
    try:
        dns.start()
    except BaseException:
        running.stop()
        raise
    return DemoWeb(web, running, dns, ca)


# Seeding -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCampaign:
    name: str
    owner: str  # organisation name
    profile: str
    selections: tuple[dict[str, Any], ...] = ()
    urls: tuple[str, ...] = ()
    interval_hours: int | None = None


@dataclass
class ProbingSummary:
    campaigns: int = 0
    captures: int = 0
    screenshots: int = 0
    wml_views: int = 0
    seconds: float = 0.0
    reports: list[RunReport] = field(default_factory=list)


def demo_campaigns(provider_id: int) -> list[DemoCampaign]:
    """The campaigns the demo seeds (``provider_id``: 南粤数据接入's organisation id)."""
    return [
        DemoCampaign(
            "南粤数据接入及其转租链的网站（WAP 1.x 手机）",
            CARRIER,
            "wap1",
            ({"kind": "provider_sites", "org_id": provider_id, "sublets": True},),
        ),
        DemoCampaign(
            "推广渠道与 SP 业务落地页（每日复测）",
            CARRIER,
            "android",
            ({"kind": "channels"}, {"kind": "sp_services"}),
            interval_hours=24,
        ),
        DemoCampaign("跳转方式样例（样例手机网）", CENTRE, "android", urls=REDIRECTORS),
    ]


def _org_id(session: Session, name: str) -> int:
    found = session.scalar(select(Organisation.id).where(Organisation.name == name))
    if found is None:
        raise LookupError(f"the demo organisation {name!r} is missing; seed the accounts first")
    return found


def _create(session: Session, actor: Actor, web: DemoWeb, spec: DemoCampaign) -> Campaign:
    """The campaign over its selections' URLs, localised to the sample web's ports.

    On the standard ports the registry selection is stored as it is (a later round selects
    again); otherwise the campaign is a list of the localised URLs, each with its source.
    """
    owner = _org_id(session, spec.owner)
    chosen = [
        (item.url, item.source)
        for selection in spec.selections
        for item in select_urls(session, actor, selection)
    ]
    chosen += [(url, "list") for url in spec.urls]
    selected = [(web.localise(url), source) for url, source in chosen]
    if len(spec.selections) == 1 and selected == chosen:
        campaign, _ = create_campaign(
            session,
            actor,
            name=spec.name,
            profile=spec.profile,
            selection=spec.selections[0],
            urls=spec.urls,
            interval_hours=spec.interval_hours,
            org_id=owner,
            start=False,
        )
        return campaign
    campaign, _ = create_campaign(
        session,
        actor,
        name=spec.name,
        profile=spec.profile,
        selection={"kind": "list"},
        urls=[selected[0][0]],
        interval_hours=spec.interval_hours,
        org_id=owner,
        start=False,
    )
    first_url, first_source = selected[0]
    session.execute(  # create_campaign labels its URLs "list"; keep what chose this one
        update(Target)
        .where(Target.campaign_id == campaign.id, Target.url == parse_target(first_url)[0])
        .values(source=first_source)
    )
    add_sourced(session, campaign.id, selected[1:])
    return campaign


def seed_probing(
    settings: Settings,
    db: Database,
    blobs: BlobStore,
    web: DemoWeb,
    *,
    campaigns: Sequence[DemoCampaign] | None = None,
) -> ProbingSummary:
    """Create the demo's campaigns and run each to completion here; idempotent by name.

    The runs allow screenshots up to :data:`SEED_SCREENSHOT_SECONDS` (they start together).
    """
    started = time.monotonic()
    timeout = max(settings.probe_screenshot_timeout_seconds, SEED_SCREENSHOT_SECONDS)
    # The demo's runner fetches in a worker process (probe_fetch_workers), as a large campaign
    # would, so the demo shows that path: screenshots, WARC and blobs made there.
    workers = max(settings.probe_fetch_workers, 1)
    run_settings = settings.model_copy(
        update={"probe_screenshot_timeout_seconds": timeout, "probe_fetch_workers": workers}
    )
    actor = Actor.system("demo")
    summary = ProbingSummary()
    ids: list[int] = []
    with db.session() as session:
        specs = campaigns if campaigns is not None else demo_campaigns(_org_id(session, PROVIDER))
        existing = set(session.scalars(select(Campaign.name)))
        for spec in specs:
            if spec.name not in existing:
                ids.append(_create(session, actor, web, spec).id)
    for campaign_id in ids:
        summary.reports.append(
            run_campaign(run_settings, db, blobs, campaign_id, max_seconds=CAMPAIGN_SECONDS)
        )
    with db.session() as session:
        summary.campaigns = session.scalar(select(func.count(Campaign.id))) or 0
        summary.captures = session.scalar(select(func.count(Capture.id))) or 0
        kinds = dict(
            session.execute(
                select(Evidence.kind, func.count(Evidence.id)).group_by(Evidence.kind)
            ).all()
        )
    summary.screenshots = kinds.get("screenshot", 0)
    summary.wml_views = kinds.get("wml_view", 0)
    summary.seconds = round(time.monotonic() - started, 1)
    return summary


__all__ = [
    "CONFIG_NAME",
    "REDIRECTORS",
    "DemoCampaign",
    "DemoWeb",
    "ProbingSummary",
    "demo_campaigns",
    "seed_probing",
    "start_sample_web",
]
