"""A national-scale registry, generated from a seed, in SQLite and as CSV files for DuckDB.

The shape follows the 2010 campaign the registry is built for: 1.78 M sites, 1.5 M ICP
filings, 200 k organisations and 3 M connections at scale ``full`` (``smoke`` is 1/200 of it,
``tiny`` 1/2000, with a floor under the counts that must stay meaningful). What it holds:

* organisations: 3 carriers; ~31 provincial access providers (roots of their own trees);
  IDCs below them; resellers in chains below IDCs (and some directly below access providers),
  1 to 6 reseller levels deep (70, 18, 7, 3, 1.3, 0.7 %); SPs and promotion partners.
  ``parent_id`` is the letting tree;
* operator licences: every access provider and IDC, most resellers (~93 % active, ~2 % expired,
  ~5 % none at all);
* sublet edges: carrier → access provider → IDC → reseller → …, each child's IP range inside
  its parent's (ranges are packed buddy-style from each subtree's size, so they nest exactly);
  ~2 % of edges were renewed and keep a closed earlier row;
* domains (``*.test``: no real names) and sites (one or two domains each, ~6.7 % two), each
  domain belonging to its site since a date;
* ICP filings for ~84 % of sites (~92 % active, ~5 % revoked, ~3 % expired; ~3 % have a closed
  earlier version; ~5 % carry a ``-N`` site suffix), listing the site's domains (a few leave
  out a second domain);
* connections: every domain of a filed site and 40 % of the unfiled ones are connected by
  resellers (mostly), IDCs or access providers, at an address of the provider's own block
  (~3 % elsewhere: an undeclared link; ~3 % no address); ~25 % were connected before by
  another provider (closed history row), ~2 % were disconnected, ~50 % are also connected by a
  second provider; ~2 % name no site; the customer is the filing's holder (~5 % spelled
  differently, ~3 % someone else, ~7 % not given); ~7 % of connections are of sites with no
  filing at all (with the revoked and expired ones, the unfiled rule hits ~12 %);
* observed numbers on ~5 % of filed domains (~7 % of them another or no filing's number, ~13 % the
  base number without the site suffix), confirmed and withdrawn decisions, promotion channels
  and SP services with landing URLs (~1 % landing on a domain with a confirmed illegal
  decision, ~1 % on another domain of such a site).

Rows go into a fresh SQLite database made by the project's migrations (sqlite3 ``executemany``
inside one transaction per table, the migrated schema and indexes as they are) and, the same
rows, into one CSV file per table for DuckDB. :func:`generate` is deterministic for a seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jingwang.store import create_database, upgrade

SEED = 20100101
AS_OF = dt.date(2010, 4, 1)  # the audits run on this date
EPOCH = dt.date(2004, 6, 1)  # the national filing system opened in 2004
FACTORS = {"tiny": 1 / 2000, "smoke": 1 / 200, "full": 1.0}
CHUNK = 20_000
NOW = "2010-04-01 00:00:00.000000"  # created_at and friends, as SQLAlchemy writes them
IPV4_MAPPED = 0xFFFF00000000
OWN_BLOCK = 16  # addresses an access organisation keeps for its own servers (a /28)
CARRIER_BASE = 36 << 24  # carriers' ranges are packed from 36.0.0.0 up

PROVINCES = (
    ("BJ", "北京", "京"), ("TJ", "天津", "津"), ("HE", "河北", "冀"), ("SX", "山西", "晋"),
    ("NM", "内蒙古", "蒙"), ("LN", "辽宁", "辽"), ("JL", "吉林", "吉"), ("HL", "黑龙江", "黑"),
    ("SH", "上海", "沪"), ("JS", "江苏", "苏"), ("ZJ", "浙江", "浙"), ("AH", "安徽", "皖"),
    ("FJ", "福建", "闽"), ("JX", "江西", "赣"), ("SD", "山东", "鲁"), ("HA", "河南", "豫"),
    ("HB", "湖北", "鄂"), ("HN", "湖南", "湘"), ("GD", "广东", "粤"), ("GX", "广西", "桂"),
    ("HI", "海南", "琼"), ("CQ", "重庆", "渝"), ("SC", "四川", "川"), ("GZ", "贵州", "贵"),
    ("YN", "云南", "云"), ("XZ", "西藏", "藏"), ("SN", "陕西", "陕"), ("GS", "甘肃", "甘"),
    ("QH", "青海", "青"), ("NX", "宁夏", "宁"), ("XJ", "新疆", "新"),
)  # fmt: skip
SITE_WORDS = (
    "wap", "3g", "shouji", "xiaoshuo", "meinv", "youxi", "dongman", "tupian", "yinyue",
    "shipin", "news", "mall", "tianqi", "caipiao", "liaotian", "bbs", "qq", "soft", "mm", "waptx",
)  # fmt: skip
NAME_WORDS = (
    "华夏", "神州", "天宇", "星河", "蓝海", "金桥", "博远", "瑞达", "鼎盛", "恒通",
    "新锐", "宏图", "万象", "嘉禾", "云帆", "汇通", "正阳", "东方", "启明", "腾飞",
)  # fmt: skip
TRADES = ("信息科技", "网络科技", "文化传播", "电子商务", "软件开发", "数码科技")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
CARRIERS = ("华夏移动", "华夏联通", "华夏电信")
ILLEGAL = ("porn", "unfiled", "gambling", "fraud", "other")


@dataclass(frozen=True, slots=True)
class Shape:
    """How many of each thing a scale makes (connections follow from the sites' fates)."""

    carriers: int
    providers: int
    idcs: int
    sps: int
    partners: int
    resellers: int
    sites: int
    filings: int
    channels: int
    sp_services: int
    decisions: int

    @property
    def organisations(self) -> int:
        return (
            self.carriers + self.providers + self.idcs + self.sps + self.partners + self.resellers
        )


def shape(scale: str) -> Shape:
    """The counts of ``scale`` (``tiny``, ``smoke`` or ``full``)."""
    f = FACTORS[scale]
    orgs = round(200_000 * f)
    providers = max(4, min(31, orgs // 30))
    idcs, sps, partners = max(8, orgs // 100), max(3, orgs // 50), max(3, orgs // 66)
    return Shape(
        carriers=3,
        providers=providers,
        idcs=idcs,
        sps=sps,
        partners=partners,
        resellers=orgs - 3 - providers - idcs - sps - partners,
        sites=round(1_780_000 * f),
        filings=round(1_500_000 * f),
        channels=max(10, round(20_000 * f)),
        sp_services=max(10, round(10_000 * f)),
        decisions=max(30, round(30_000 * f)),
    )


# --- small helpers -----------------------------------------------------------------------------

_DAYS = (AS_OF - EPOCH).days
_DAY_TEXT = [(EPOCH + dt.timedelta(days=n)).isoformat() for n in range(_DAYS + 400)]


def day_text(n: int) -> str:
    """The date ``n`` days after the epoch, as SQLAlchemy stores a Date on SQLite."""
    return _DAY_TEXT[n]


def filing_number(short: str, serial: int) -> str:
    """A canonical ten-digit filing number (year, then six digits), unique for ``serial``."""
    return f"{short}ICP备{2005 + serial // 1_000_000}{serial % 1_000_000:06d}号"


def dotted(ip: int) -> str:
    return f"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}"


def bounds(low: int, size: int) -> tuple[str, str]:
    """What :func:`jingwang.registry.cells.ip_bounds` gives for an IPv4 block (fast path)."""
    return f"{IPV4_MAPPED + low:032x}", f"{IPV4_MAPPED + low + size - 1:032x}"


def network(low: int, size: int) -> str:
    return f"{dotted(low)}/{32 - size.bit_length() + 1}"


def _pow2(n: int) -> int:
    return 1 << max(0, math.ceil(math.log2(max(1, n))))


def _batched(rows: Iterable[tuple[object, ...]], size: int) -> Iterator[list[tuple[object, ...]]]:
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- the result --------------------------------------------------------------------------------


@dataclass(slots=True)
class Registry:
    """What :func:`generate` made, and what the benchmark needs to drive it."""

    scale: str
    seed: int
    db_path: Path
    csv_dir: Path
    counts: dict[str, int] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # table → CSV header
    org_names: list[str] = field(default_factory=list)  # index: org id
    access_orgs: list[int] = field(default_factory=list)  # providers, IDCs, resellers
    own_block: dict[int, int] = field(default_factory=dict)  # access org → first own address
    domain_names: list[str] = field(default_factory=list)  # index: domain id
    domain_site: list[int] = field(default_factory=list)  # index: domain id → site id
    site_names: list[str] = field(default_factory=list)  # index: site id
    open_connections: list[tuple[int, int]] = field(default_factory=list)  # (provider, domain)
    unfiled_domains: list[int] = field(default_factory=list)
    illegal_domains: list[int] = field(default_factory=list)  # confirmed illegal decisions

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db_path}"


class Sink:
    """Writes each table's rows into SQLite and into ``<table>.csv``, chunk by chunk."""

    def __init__(self, conn: sqlite3.Connection, csv_dir: Path) -> None:
        self.conn = conn
        self.csv_dir = csv_dir
        self.counts: dict[str, int] = {}
        self.columns: dict[str, tuple[str, ...]] = {}

    def write(self, table: str, columns: Sequence[str], rows: Iterable[tuple[object, ...]]) -> int:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        done = 0
        path = self.csv_dir / f"{table}.csv"
        with path.open("a" if table in self.counts else "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            if table not in self.counts:
                writer.writerow(columns)
            self.conn.execute("BEGIN")
            for batch in _batched(rows, CHUNK):
                self.conn.executemany(sql, batch)
                writer.writerows(batch)
                done += len(batch)
            self.conn.execute("COMMIT")
        self.counts[table] = self.counts.get(table, 0) + done
        self.columns[table] = tuple(columns)
        return done


# --- organisations and their ranges -------------------------------------------------------------


@dataclass(slots=True)
class _Org:
    id: int
    name: str
    kind: str
    province: str
    parent: int | None  # the organisation that lets to it (carrier for a provider)
    tree_parent: int | None  # organisations.parent_id
    children: list[int] = field(default_factory=list)
    size: int = 0
    low: int = 0
    level: int = 0  # reseller level, 1..6; 0 for others


class _World:
    """Everything generated, kept while the tables are written."""

    def __init__(self, scale: str, seed: int) -> None:
        self.scale = scale
        self.shape = shape(scale)
        self.rng = random.Random(seed)
        self.orgs: list[_Org] = []
        self.carriers: list[int] = []
        self.providers: list[int] = []
        self.idcs: list[int] = []
        self.resellers: list[int] = []
        self.sps: list[int] = []
        self.partners: list[int] = []

    def _add(
        self, name: str, kind: str, province: str, parent: int | None, tree_parent: int | None
    ) -> _Org:
        org = _Org(len(self.orgs) + 1, name, kind, province, parent, tree_parent)
        self.orgs.append(org)
        if parent is not None:
            self.org(parent).children.append(org.id)
        return org

    def org(self, org_id: int) -> _Org:
        return self.orgs[org_id - 1]

    def make_orgs(self) -> None:
        s, rng = self.shape, self.rng
        for name in CARRIERS[: s.carriers]:
            self.carriers.append(self._add(name, "carrier", "CN", None, None).id)
        for n in range(s.providers):
            code, zh, _ = PROVINCES[n % len(PROVINCES)]
            carrier = self.carriers[n % len(self.carriers)]
            name = (
                f"{zh}{NAME_WORDS[n % len(NAME_WORDS)]}数据接入有限公司{n // len(PROVINCES) or ''}"
            )
            self.providers.append(self._add(name, "access_provider", code, carrier, None).id)
        for n in range(s.idcs):
            ap = self.org(rng.choice(self.providers))
            name = f"{PROVINCES[n % 31][1]}第{n + 1}数据中心"
            self.idcs.append(self._add(name, "idc", ap.province, ap.id, ap.id).id)
        self._make_resellers()
        for n in range(s.sps):
            code = PROVINCES[n % 31][0]
            name = f"{NAME_WORDS[n % 20]}无线增值服务{n + 1}号"
            self.sps.append(self._add(name, "sp", code, None, None).id)
        for n in range(s.partners):
            code = PROVINCES[n % 31][0]
            name = f"{NAME_WORDS[n % 20]}推广联盟{n + 1}号"
            self.partners.append(self._add(name, "promotion_partner", code, None, None).id)

    def _make_resellers(self) -> None:
        """Resellers level by level: level 1 below an IDC (80 %) or a provider, deeper below one
        of the level above (shares: see the module documentation)."""
        rng, total = self.rng, self.shape.resellers
        shares = (0.70, 0.18, 0.07, 0.03, 0.013, 0.007)
        counts = [max(1, round(total * share)) for share in shares]
        counts[0] += total - sum(counts)
        above: list[int] = []
        n = 0
        for level, count in enumerate(counts, start=1):
            current: list[int] = []
            for _ in range(count):
                if level == 1:
                    pool = self.idcs if rng.random() < 0.8 else self.providers
                    parent = self.org(rng.choice(pool))
                else:
                    parent = self.org(rng.choice(above))
                n += 1
                zh = next(p[1] for p in PROVINCES if p[0] == parent.province)
                org = self._add(
                    f"{zh}{n:06d}主机代理", "reseller", parent.province, parent.id, parent.id
                )
                org.level = level
                current.append(org.id)
            self.resellers.extend(current)
            above = current

    def allocate(self) -> None:
        """Pack IP ranges: a subtree's size is its own block plus its children's, a power of two;
        children sit in descending size order, so every block is aligned and nested."""
        for org_id in reversed(range(1, len(self.orgs) + 1)):  # children come after parents
            org = self.org(org_id)
            if org.kind in ("access_provider", "idc", "reseller", "carrier"):
                own = 0 if org.kind == "carrier" else OWN_BLOCK
                org.size = _pow2(own + sum(self.org(c).size for c in org.children))
        low = CARRIER_BASE
        for carrier in sorted(self.carriers, key=lambda c: -self.org(c).size):
            self._place(carrier, low)
            low += self.org(carrier).size

    def _place(self, org_id: int, low: int) -> None:
        org = self.org(org_id)
        org.low = low
        offset = low
        for child in sorted(org.children, key=lambda c: -self.org(c).size):
            self._place(child, offset)
            offset += self.org(child).size

    def own_address(self, org_id: int) -> int:
        """The start of the block an access organisation keeps for itself (after its children)."""
        org = self.org(org_id)
        return org.low + sum(self.org(c).size for c in org.children)


# --- the tables --------------------------------------------------------------------------------

ORG_COLUMNS = (
    "id", "name", "kind", "province", "parent_id", "active", "created_at", "updated_at",
)  # fmt: skip


def _org_rows(world: _World) -> Iterator[tuple[object, ...]]:
    for org in world.orgs:
        yield (org.id, org.name, org.kind, org.province, org.tree_parent, 1, NOW, NOW)


def _licence_rows(world: _World) -> Iterator[tuple[object, ...]]:
    rng, n = world.rng, 0
    for org in world.orgs:
        if org.kind not in ("access_provider", "idc", "reseller"):
            continue
        roll = rng.random() if org.kind == "reseller" else 0.0
        if roll >= 0.95:
            continue  # no licence at all
        n += 1
        status, expires = ("expired", day_text(_DAYS - 30)) if roll >= 0.93 else ("active", None)
        kind = {"access_provider": "isp", "idc": "idc"}.get(org.kind, "idc")
        number = f"B1-2008{n:05d}"
        since = day_text(rng.randrange(0, _DAYS // 2))
        yield (n, org.id, number, kind, status, expires, since, None)


LICENCE_COLUMNS = (
    "id", "org_id", "number", "kind", "status", "expires_on", "valid_from", "valid_to",
)  # fmt: skip
EDGE_COLUMNS = (
    "id", "parent_org_id", "child_org_id", "ip_range", "ip_lo", "ip_hi", "evidence",
    "valid_from", "valid_to",
)  # fmt: skip


def _edge_rows(world: _World) -> Iterator[tuple[object, ...]]:
    rng, n = world.rng, 0
    for org in world.orgs:
        if org.parent is None or org.kind not in ("access_provider", "idc", "reseller"):
            continue
        lo, hi = bounds(org.low, org.size)
        net = network(org.low, org.size)
        since = rng.randrange(0, _DAYS // 2)
        if rng.random() < 0.02:  # renewed: the earlier contract's row is closed
            renewed = since + rng.randrange(30, _DAYS // 2)
            n += 1
            yield (n, org.parent, org.id, net, lo, hi, f"合同 E{n:07d}", day_text(since),
                   day_text(renewed))  # fmt: skip
            since = renewed
        n += 1
        yield (n, org.parent, org.id, net, lo, hi, f"合同 E{n:07d}", day_text(since), None)


def _holder(rng: random.Random, province: str) -> tuple[str, str]:
    if rng.random() < 0.3:
        name = (
            rng.choice(SURNAMES)
            + rng.choice(GIVEN)
            + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        )
        return name, "individual"
    trade = rng.choice(TRADES)
    return f"{province}{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{trade}有限公司", "company"


def _variant(holder: str, rng: random.Random) -> str:
    """The same holder written differently (spaces, brackets, 有限责任公司)."""
    roll = rng.random()
    if roll < 0.4:
        return f" {holder} "
    if roll < 0.7:
        return holder.replace("有限公司", "有限责任公司") if "有限公司" in holder else holder + " "
    return holder[:2] + " " + holder[2:]


@dataclass(slots=True)
class _Sites:
    """Sites, their domains, and their filings (as parallel lists, index = id)."""

    domain_names: list[str] = field(default_factory=lambda: [""])
    domain_site: list[int] = field(default_factory=lambda: [0])
    domain_since: list[int] = field(default_factory=lambda: [0])
    site_names: list[str] = field(default_factory=lambda: [""])
    site_domains: list[tuple[int, ...]] = field(default_factory=lambda: [()])
    site_holder: list[str | None] = field(default_factory=lambda: [None])
    site_filing: list[str | None] = field(default_factory=lambda: [None])  # number
    site_status: list[str | None] = field(default_factory=lambda: [None])
    site_filed: list[int] = field(default_factory=lambda: [0])  # day
    filing_rows: list[tuple[object, ...]] = field(default_factory=list)
    filed_rows: list[tuple[int, int]] = field(default_factory=list)


def _make_sites(world: _World) -> _Sites:
    rng, s = world.rng, world.shape
    out = _Sites()
    filed = set(rng.sample(range(1, s.sites + 1), s.filings))
    filing_id = 0
    for site in range(1, s.sites + 1):
        word = SITE_WORDS[site % len(SITE_WORDS)]
        count = 2 if rng.random() < 0.067 else 1
        start = rng.randrange(0, _DAYS - 60)
        ids = []
        for k in range(count):
            ids.append(len(out.domain_names))
            out.domain_names.append(f"{word}{site:x}{'m' if k else ''}.test")
            out.domain_site.append(site)
            out.domain_since.append(start)
        out.site_names.append(f"{word}站{site}")
        out.site_domains.append(tuple(ids))
        if site not in filed:
            out.site_holder.append(None)
            out.site_filing.append(None)
            out.site_status.append(None)
            out.site_filed.append(0)
            continue
        code, _, short = PROVINCES[rng.randrange(len(PROVINCES))]
        holder, holder_type = _holder(rng, short)
        number = filing_number(short, site)
        if rng.random() < 0.05:  # the N-th site of its holder's filing
            number += f"-{1 + site % 3}"
        roll = rng.random()
        status = "active" if roll < 0.92 else "revoked" if roll < 0.97 else "expired"
        listed = ids if count == 1 or rng.random() >= 0.4 else ids[:1]
        if rng.random() < 0.03:  # an earlier version, closed when the holder changed
            filing_id += 1
            changed = start + rng.randrange(1, 60)
            other, _ = _holder(rng, short)
            out.filing_rows.append(
                (
                    filing_id,
                    number,
                    "filing",
                    other,
                    holder_type,
                    code,
                    "active",
                    day_text(start),
                    day_text(changed),
                )
            )
            out.filed_rows.extend((filing_id, d) for d in listed)
            start = changed
        filing_id += 1
        out.filing_rows.append(
            (filing_id, number, "filing", holder, holder_type, code, status, day_text(start), None)
        )
        out.filed_rows.extend((filing_id, d) for d in listed)
        out.site_holder.append(holder)
        out.site_filing.append(number)
        out.site_status.append(status)
        out.site_filed.append(start)
    return out


FILING_COLUMNS = (
    "id", "number", "kind", "holder", "holder_type", "province", "status", "valid_from",
    "valid_to",
)  # fmt: skip
CONNECTION_COLUMNS = (
    "id", "provider_org_id", "domain_id", "site_id", "ip_range", "ip_lo", "ip_hi", "customer",
    "server", "contract_ref", "valid_from", "valid_to",
)  # fmt: skip


class _Connections:
    """Connection rows, and who holds which domain open at the end (for the benchmark)."""

    def __init__(self, world: _World, sites: _Sites) -> None:
        self.world, self.sites = world, sites
        orgs = world.orgs
        self.resellers, self.idcs, self.providers = world.resellers, world.idcs, world.providers
        self.own = {o.id: world.own_address(o.id) for o in orgs if o.kind != "carrier" and o.size}
        self.open: list[tuple[int, int]] = []
        self.unfiled: list[int] = []
        self.n = 0

    def _provider(self) -> int:
        roll = self.world.rng.random()
        pool = self.resellers if roll < 0.85 else self.idcs if roll < 0.95 else self.providers
        return self.world.rng.choice(pool)

    def _row(self, provider: int, domain: int, start: int, end: int | None) -> tuple[object, ...]:
        rng, sites = self.world.rng, self.sites
        site = sites.domain_site[domain]
        named = site if rng.random() >= 0.02 else None  # ~2 % name no site
        roll = rng.random()
        if roll < 0.03:
            ip_range = lo = hi = None
        else:
            owner = provider if roll >= 0.06 else rng.choice(self.resellers)
            address = self.own[owner] + rng.randrange(OWN_BLOCK)
            ip_range = f"{dotted(address)}/32"
            lo, hi = bounds(address, 1)
        holder = sites.site_holder[site]
        roll = rng.random()
        if holder is None:
            customer = None if roll < 0.3 else _holder(rng, "")[0]
        elif roll < 0.85:
            customer = holder
        elif roll < 0.90:
            customer = _variant(holder, rng)
        elif roll < 0.93:
            customer = _holder(rng, "")[0]
        else:
            customer = None
        contract = f"C{self.n + 1:08d}" if rng.random() < 0.9 else None
        self.n += 1
        return (self.n, provider, domain, named, ip_range, lo, hi, customer, None, contract,
                day_text(start), day_text(end) if end is not None else None)  # fmt: skip

    def rows(self) -> Iterator[tuple[object, ...]]:
        rng, sites = self.world.rng, self.sites
        for domain in range(1, len(sites.domain_names)):
            site = sites.domain_site[domain]
            if sites.site_filing[site] is None:
                self.unfiled.append(domain)
                if rng.random() < 0.6:
                    continue
            start = max(sites.domain_since[domain], sites.site_filed[site]) + rng.randrange(1, 30)
            provider = self._provider()
            if rng.random() < 0.25:  # connected before by another provider
                before = self._provider()
                moved = start + rng.randrange(1, max(2, _DAYS - start))
                yield self._row(before, domain, start, moved)
                start = moved
            if rng.random() < 0.02:  # disconnected since
                yield self._row(provider, domain, start, min(_DAYS, start + rng.randrange(1, 90)))
                continue
            yield self._row(provider, domain, start, None)
            self.open.append((provider, domain))
            if rng.random() < 0.5:  # also connected by a second provider
                second = self._provider()
                if second != provider:
                    yield self._row(second, domain, start + rng.randrange(0, 60), None)
                    self.open.append((second, domain))


def _observed_rows(world: _World, sites: _Sites) -> Iterator[tuple[object, ...]]:
    rng, n = world.rng, 0
    suffixed = [number for number in sites.site_filing if number and "-" in number]
    for domain in range(1, len(sites.domain_names)):
        number = sites.site_filing[sites.domain_site[domain]]
        if number is None or rng.random() >= 0.05:
            continue
        n += 1
        roll = rng.random()
        if roll < 0.03 and suffixed:  # the base number of another holder's filing (of a site)
            shown = rng.choice(suffixed).partition("-")[0]
        elif roll < 0.07:  # a number no filing has
            shown = filing_number(number[0], sites.domain_site[domain] + 7)
        elif roll < 0.2:  # the filing's base number, without its -N site suffix
            shown = number.partition("-")[0]
        else:
            shown = number
        name = sites.domain_names[domain]
        yield (n, domain, f"http://wap.{name}/", shown, None, "probe", None, NOW)


OBSERVED_COLUMNS = (
    "id", "domain_id", "url", "number", "text", "source", "capture_ref", "observed_at",
)  # fmt: skip
DECISION_COLUMNS = (
    "id", "domain", "url", "verdict", "state", "reason", "org_id", "decided_by", "decided_at",
)  # fmt: skip


def _decisions(
    world: _World, sites: _Sites, unfiled: list[int]
) -> tuple[list[tuple[object, ...]], list[int]]:
    rng = world.rng
    rows: list[tuple[object, ...]] = []
    illegal: list[int] = []
    count = world.shape.decisions
    for n in range(1, count + 1):
        pool_unfiled = unfiled and rng.random() < 0.6
        domain = rng.choice(unfiled) if pool_unfiled else rng.randrange(1, len(sites.domain_names))
        roll = rng.random()
        verdict = "legal" if roll < 0.1 else ILLEGAL[int(roll * 10) % len(ILLEGAL)]
        state = "withdrawn" if rng.random() < 0.08 else "confirmed"
        if verdict != "legal" and state == "confirmed":
            illegal.append(domain)
        name = sites.domain_names[domain]
        rows.append((n, name, f"http://wap.{name}/", verdict, state, "bench", None, "bench", NOW))
    return rows, illegal


CHANNEL_COLUMNS = (
    "id", "carrier_org_id", "partner_org_id", "partner_name", "code", "status", "valid_from",
    "valid_to",
)  # fmt: skip
SP_COLUMNS = (
    "id", "carrier_org_id", "sp_org_id", "sp_name", "code", "name", "billing_type", "status",
    "valid_from", "valid_to",
)  # fmt: skip
LANDING_COLUMNS = ("id", "owner_kind", "owner_id", "url", "domain_id")


def _owners(
    world: _World, sites: _Sites, illegal: list[int]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    rng, s = world.rng, world.shape
    channels: list[tuple[object, ...]] = []
    services: list[tuple[object, ...]] = []
    landings: list[tuple[object, ...]] = []

    # Domains whose site's other domain has a confirmed illegal decision.
    siblings = [
        other
        for d in illegal
        for other in sites.site_domains[sites.domain_site[d]]
        if other != d and other not in illegal
    ]

    def land(kind: str, owner: int) -> None:
        for k in range(rng.randint(1, 3)):
            roll = rng.random()
            if illegal and (roll < 0.01 or (owner == 1 and k == 0)):
                domain = rng.choice(illegal)
            elif siblings and (roll < 0.02 or (owner == 2 and k == 0)):
                domain = rng.choice(siblings)
            else:
                domain = rng.randrange(1, len(sites.domain_names))
            url = f"http://wap.{sites.domain_names[domain]}/{kind}/{owner}"
            landings.append((len(landings) + 1, kind, owner, url, domain))

    for n in range(1, s.channels + 1):
        partner = world.org(rng.choice(world.partners))
        status = "active" if rng.random() < 0.9 else "suspended"
        channels.append(
            (
                n,
                rng.choice(world.carriers),
                partner.id,
                partner.name,
                f"QD{n:07d}",
                status,
                day_text(rng.randrange(0, _DAYS)),
                None,
            )
        )
        land("channel", n)
    for n in range(1, s.sp_services + 1):
        sp = world.org(rng.choice(world.sps))
        billing = "monthly" if rng.random() < 0.6 else "per_use"
        status = "active" if rng.random() < 0.9 else "suspended"
        services.append(
            (
                n,
                rng.choice(world.carriers),
                sp.id,
                sp.name,
                f"SP{n:07d}",
                f"业务{n}",
                billing,
                status,
                day_text(rng.randrange(0, _DAYS)),
                None,
            )
        )
        land("sp_service", n)
    return channels, services, landings


# --- putting it together ------------------------------------------------------------------------


def fresh_database(path: Path) -> None:
    """A new SQLite file at ``path``, migrated to the head revision."""
    if path.exists():
        path.unlink()
    database = create_database(f"sqlite:///{path}")
    upgrade(database)
    database.dispose()


def _bulk_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")  # no WAL copy of a multi-GB load
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")  # 1 GB of pages while indexes are built
    conn.execute("PRAGMA foreign_keys=OFF")  # the generator writes parents first anyway
    return conn


def generate(scale: str, folder: Path, seed: int = SEED) -> Registry:
    """Generate the registry of ``scale`` into ``folder`` (``registry.db`` and ``csv/``)."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_dir = folder / "csv"
    csv_dir.mkdir(exist_ok=True)
    db_path = folder / "registry.db"
    fresh_database(db_path)
    world = _World(scale, seed)
    world.make_orgs()
    world.allocate()
    conn = _bulk_connection(db_path)
    sink = Sink(conn, csv_dir)
    sink.write("organisations", ORG_COLUMNS, _org_rows(world))
    sink.write("registry_operator_licences", LICENCE_COLUMNS, _licence_rows(world))
    sink.write("registry_sublet_edges", EDGE_COLUMNS, _edge_rows(world))
    sites = _make_sites(world)
    sink.write(
        "registry_sites",
        ("id", "name", "operator", "created_at"),
        (
            (n, sites.site_names[n], sites.site_holder[n], NOW)
            for n in range(1, len(sites.site_names))
        ),
    )
    sink.write(
        "registry_domains",
        ("id", "name", "registrar", "first_seen", "last_seen"),
        (
            (n, sites.domain_names[n], None, day_text(sites.domain_since[n]), day_text(_DAYS))
            for n in range(1, len(sites.domain_names))
        ),
    )
    sink.write(
        "registry_domain_sites",
        ("id", "domain_id", "site_id", "valid_from", "valid_to"),
        (
            (n, n, sites.domain_site[n], day_text(sites.domain_since[n]), None)
            for n in range(1, len(sites.domain_names))
        ),
    )
    sink.write("registry_icp_filings", FILING_COLUMNS, sites.filing_rows)
    sink.write("registry_icp_filed_domains", ("filing_id", "domain_id"), sites.filed_rows)
    connections = _Connections(world, sites)
    sink.write("registry_connections", CONNECTION_COLUMNS, connections.rows())
    sink.write("registry_observed_numbers", OBSERVED_COLUMNS, _observed_rows(world, sites))
    decisions, illegal = _decisions(world, sites, connections.unfiled)
    sink.write("decisions", DECISION_COLUMNS, decisions)
    channels, services, landings = _owners(world, sites, illegal)
    sink.write("registry_channels", CHANNEL_COLUMNS, channels)
    sink.write("registry_sp_services", SP_COLUMNS, services)
    sink.write("registry_landings", LANDING_COLUMNS, landings)
    conn.execute("ANALYZE")
    conn.close()
    return Registry(
        scale=scale,
        seed=seed,
        db_path=db_path,
        csv_dir=csv_dir,
        counts=dict(sink.counts),
        columns=dict(sink.columns),
        org_names=["", *(o.name for o in world.orgs)],
        access_orgs=[*world.providers, *world.idcs, *world.resellers],
        own_block=connections.own,
        domain_names=sites.domain_names,
        domain_site=sites.domain_site,
        site_names=sites.site_names,
        open_connections=connections.open,
        unfiled_domains=connections.unfiled,
        illegal_domains=sorted(set(illegal)),
    )


__all__ = ["AS_OF", "SEED", "Registry", "Shape", "generate", "shape"]
