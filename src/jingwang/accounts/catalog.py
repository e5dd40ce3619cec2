"""The default catalog: organisation kinds, roles, permissions and provinces, as data.

These are the defaults :func:`jingwang.accounts.seed.seed_defaults` writes into the
``org_kinds``, ``roles``, ``permissions``, ``role_permissions`` and ``org_kind_permissions``
tables. The tables, not this module, are what the running system obeys: an installation may
change which role holds which permission. A permission a user has is one their roles grant
*and* their organisation's kind allows (the kind is a ceiling).

Each kind also says how far its members reach (see :mod:`jingwang.accounts.policy`):
``subtree`` (their own organisation and those below it), ``province`` (every organisation in
their province; the national office, province ``CN``, sees all) or ``global``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Access = Literal["read", "write"]
Reach = Literal["subtree", "province", "global"]

NATIONAL: Final = "CN"

# Province-level divisions of the mainland (ISO 3166-2:CN letter codes) and the national level.
PROVINCES: Final[dict[str, tuple[str, str]]] = {
    NATIONAL: ("全国", "National"),
    "BJ": ("北京", "Beijing"),
    "TJ": ("天津", "Tianjin"),
    "HE": ("河北", "Hebei"),
    "SX": ("山西", "Shanxi"),
    "NM": ("内蒙古", "Inner Mongolia"),
    "LN": ("辽宁", "Liaoning"),
    "JL": ("吉林", "Jilin"),
    "HL": ("黑龙江", "Heilongjiang"),
    "SH": ("上海", "Shanghai"),
    "JS": ("江苏", "Jiangsu"),
    "ZJ": ("浙江", "Zhejiang"),
    "AH": ("安徽", "Anhui"),
    "FJ": ("福建", "Fujian"),
    "JX": ("江西", "Jiangxi"),
    "SD": ("山东", "Shandong"),
    "HA": ("河南", "Henan"),
    "HB": ("湖北", "Hubei"),
    "HN": ("湖南", "Hunan"),
    "GD": ("广东", "Guangdong"),
    "GX": ("广西", "Guangxi"),
    "HI": ("海南", "Hainan"),
    "CQ": ("重庆", "Chongqing"),
    "SC": ("四川", "Sichuan"),
    "GZ": ("贵州", "Guizhou"),
    "YN": ("云南", "Yunnan"),
    "XZ": ("西藏", "Tibet"),
    "SN": ("陕西", "Shaanxi"),
    "GS": ("甘肃", "Gansu"),
    "QH": ("青海", "Qinghai"),
    "NX": ("宁夏", "Ningxia"),
    "XJ": ("新疆", "Xinjiang"),
}


@dataclass(frozen=True)
class PermissionSpec:
    name: str
    access: Access  # read: reaches what the kind may see; write: what it may manage
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class RoleSpec:
    name: str
    label_zh: str
    label_en: str
    permissions: frozenset[str]


@dataclass(frozen=True)
class OrgKindSpec:
    name: str
    label_zh: str
    label_en: str
    read_reach: Reach
    write_reach: Reach
    child_kinds: tuple[str, ...]  # kinds an organisation of this kind may have below it
    permissions: frozenset[str]  # the ceiling: what members may hold at all


PERMISSIONS: Final = (
    PermissionSpec("orgs:read", "read", "查看组织", "See organisations"),
    PermissionSpec("orgs:manage", "write", "管理组织", "Manage organisations"),
    PermissionSpec("users:read", "read", "查看用户", "See users"),
    PermissionSpec("users:manage", "write", "管理用户", "Manage users"),
    PermissionSpec("tokens:manage", "write", "管理 API 令牌", "Manage API tokens"),
    PermissionSpec("audit:read", "read", "查看审计日志", "Read the audit log"),
    PermissionSpec("audit:export", "read", "导出审计日志", "Export the audit log"),
    PermissionSpec("jobs:read", "read", "查看后台任务", "See background jobs"),
    PermissionSpec("jobs:manage", "write", "管理后台任务", "Manage background jobs"),
    PermissionSpec("reports:create", "write", "提交举报", "Submit reports"),
    PermissionSpec("reports:read", "read", "查看举报", "See reports"),
    PermissionSpec("cases:read", "read", "查看案件", "See cases"),
    PermissionSpec("cases:review", "write", "审核案件", "Review cases"),
    PermissionSpec("evidence:export", "read", "导出证据", "Export evidence"),
    PermissionSpec("probe:read", "read", "查看拨测与取证", "See probes and captures"),
    PermissionSpec("probe:run", "write", "执行拨测", "Run probes and campaigns"),
    PermissionSpec("classify:read", "read", "查看机器判定", "See machine verdicts"),
    PermissionSpec("classify:run", "write", "执行判定与重评", "Run classification and re-scoring"),
    PermissionSpec(
        "classify:manage", "write", "管理词库与已知图片", "Manage lexicons and known images"
    ),
    PermissionSpec("orders:issue", "write", "下发处置单", "Issue orders"),
    PermissionSpec("orders:read", "read", "查看处置单", "See orders"),
    PermissionSpec("orders:update", "write", "反馈处置单", "Answer orders"),
    PermissionSpec("lists:read", "read", "获取封堵名单", "Fetch block lists"),
    PermissionSpec("lists:publish", "write", "发布封堵名单", "Publish block lists"),
    PermissionSpec("registry:read", "read", "查看接入备案信息", "See the site registry"),
    PermissionSpec("registry:manage", "write", "维护接入备案信息", "Maintain the site registry"),
    PermissionSpec("oversight:read", "read", "查看督导任务", "See oversight tasks"),
    PermissionSpec("oversight:manage", "write", "管理督导任务", "Manage oversight tasks"),
    PermissionSpec("profile:manage", "write", "管理个人资料", "Manage one's own profile"),
)
ALL_PERMISSIONS: Final = frozenset(p.name for p in PERMISSIONS)

_ACCOUNT_ADMIN = {"orgs:read", "orgs:manage", "users:read", "users:manage", "tokens:manage"}
_EVERY_KIND = _ACCOUNT_ADMIN | {"audit:read", "audit:export", "profile:manage", "reports:create"}
_ORDER_TAKER = _EVERY_KIND | {"orders:read", "orders:update", "oversight:read"}

ROLES: Final = (
    RoleSpec(
        "admin",
        "管理员",
        "Administrator",
        frozenset(_ACCOUNT_ADMIN | {"audit:read", "jobs:read", "profile:manage"}),
    ),
    RoleSpec(
        "analyst",
        "分析员",
        "Analyst",
        frozenset(
            {"orgs:read", "reports:create", "reports:read", "cases:read", "evidence:export"}
            | {"orders:issue", "orders:read", "orders:update", "lists:read", "lists:publish"}
            | {"registry:read", "registry:manage", "jobs:read", "jobs:manage"}
            | {"oversight:read", "oversight:manage", "profile:manage", "probe:read", "probe:run"}
            | {"classify:read", "classify:run", "classify:manage"}
        ),
    ),
    RoleSpec(
        "reviewer",
        "审核员",
        "Reviewer",
        frozenset(
            {"orgs:read", "reports:read", "cases:read", "cases:review", "evidence:export"}
            | {"orders:read", "lists:read", "profile:manage", "probe:read", "probe:run"}
            | {"classify:read", "classify:run"}
        ),
    ),
    RoleSpec(
        "liaison",
        "联络员",
        "Liaison",
        frozenset(
            {"orgs:read", "reports:create", "reports:read", "orders:read", "orders:update"}
            | {"lists:read", "registry:read", "registry:manage", "oversight:read"}
            | {"profile:manage"}
        ),
    ),
    RoleSpec(
        "viewer",
        "查看者",
        "Viewer",
        frozenset(
            {"orgs:read", "reports:read", "cases:read", "orders:read", "lists:read"}
            | {"registry:read", "oversight:read", "profile:manage", "probe:read"}
            | {"classify:read"}
        ),
    ),
    RoleSpec(
        "auditor",
        "审计员",
        "Auditor",
        frozenset(
            {"orgs:read", "users:read", "audit:read", "audit:export", "jobs:read"}
            | {"profile:manage"}
        ),
    ),
)

_ACCESS = ("access_provider", "idc", "reseller")
ORG_KINDS: Final = (
    OrgKindSpec(
        "reporting_centre", "举报中心", "Reporting centre", "global", "global",
        ("reporting_centre",), ALL_PERMISSIONS,
    ),
    OrgKindSpec(
        "regulator", "监管部门", "Regulator", "province", "subtree", ("regulator",),
        frozenset(
            _EVERY_KIND
            | {"jobs:read", "reports:read", "cases:read", "orders:read", "lists:read"}
            | {"registry:read", "registry:manage", "oversight:read", "oversight:manage"}
            | {"probe:read", "probe:run", "evidence:export", "classify:read", "classify:run"}
        ),
    ),
    OrgKindSpec(
        "carrier", "基础电信企业", "Carrier", "subtree", "subtree", ("carrier",),
        frozenset(
            _ORDER_TAKER
            | {"jobs:read", "jobs:manage", "reports:read", "cases:read", "cases:review"}
            | {"evidence:export", "lists:read", "registry:read", "registry:manage"}
            | {"probe:read", "probe:run", "classify:read", "classify:run"}
        ),
    ),
    *(
        OrgKindSpec(
            name, label_zh, label_en, "subtree", "subtree", _ACCESS[index:],
            frozenset(
                _ORDER_TAKER | {"reports:read", "lists:read", "registry:read", "registry:manage"}
            ),
        )
        for index, (name, label_zh, label_en) in enumerate(
            (
                ("access_provider", "接入服务商", "Access provider"),
                ("idc", "IDC 机房", "Data centre (IDC)"),
                ("reseller", "转租代理商", "Reseller"),
            )
        )
    ),
    *(
        OrgKindSpec(
            name, label_zh, label_en, "subtree", "subtree", (name,),
            frozenset(_ORDER_TAKER | {"lists:read"}),
        )
        for name, label_zh, label_en in (
            ("registry", "域名注册管理机构", "Domain registry"),
            ("registrar", "域名注册服务机构", "Registrar"),
            ("search_engine", "搜索引擎", "Search engine"),
        )
    ),
    *(
        OrgKindSpec(
            name, label_zh, label_en, "subtree", "subtree", (name,), frozenset(_ORDER_TAKER)
        )
        for name, label_zh, label_en in (
            ("sp", "增值服务提供商 (SP)", "Service provider (SP)"),
            ("promotion_partner", "推广合作方", "Promotion partner"),
        )
    ),
    OrgKindSpec(
        "police", "公安机关", "Police", "subtree", "subtree", ("police",),
        frozenset(
            _EVERY_KIND
            | {"reports:read", "cases:read", "evidence:export", "orders:read", "lists:read"}
            | {"probe:read", "classify:read"}
        ),
    ),
    OrgKindSpec(
        "other", "其他", "Other", "subtree", "subtree", ("other",), frozenset(_EVERY_KIND)
    ),
)  # fmt: skip

ROLE_NAMES: Final = tuple(role.name for role in ROLES)
ORG_KIND_NAMES: Final = tuple(kind.name for kind in ORG_KINDS)


def province_label(code: str, language: str) -> str:
    zh, en = PROVINCES.get(code, (code, code))
    return zh if language.startswith("zh") else en


__all__ = [
    "ALL_PERMISSIONS",
    "NATIONAL",
    "ORG_KINDS",
    "ORG_KIND_NAMES",
    "PERMISSIONS",
    "PROVINCES",
    "ROLES",
    "ROLE_NAMES",
    "Access",
    "OrgKindSpec",
    "PermissionSpec",
    "Reach",
    "RoleSpec",
    "province_label",
]
