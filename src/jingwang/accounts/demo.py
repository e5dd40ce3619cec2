"""Demo organisations and users: the parties of the 2009 plan, with one login per role.

Every name here is made up. All demo users share :data:`DEMO_PASSWORD`; the demo prints the
logins :func:`seed_demo_accounts` returns. The hashes are made with cheap argon2 parameters so
the demo starts fast; each is renewed with the installation's parameters at the user's first
login (the rehash-on-login path, visible in the audit log as ``accounts.password_rehashed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.accounts.config import AccountsConfig
from jingwang.accounts.models import Organisation
from jingwang.accounts.orgs import create_org
from jingwang.accounts.passwords import Passwords
from jingwang.accounts.policy import Actor
from jingwang.accounts.schemas import OrgCreate, UserCreate
from jingwang.accounts.secretbox import SecretBox
from jingwang.accounts.users import create_user, find_user

DEMO_PASSWORD: Final = "Demo-Passw0rd-2010"  # noqa: S105 - published demo password


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    org_name: str
    org_kind: str
    province: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class _Org:
    key: str  # user name prefix
    name: str
    kind: str
    province: str
    parent: str | None
    roles: tuple[str, ...]


_ADMIN, _ANALYST, _REVIEWER, _LIAISON, _VIEWER, _AUDITOR = (
    "admin", "analyst", "reviewer", "liaison", "viewer", "auditor",
)  # fmt: skip
_ALL_ROLES = (_ADMIN, _ANALYST, _REVIEWER, _LIAISON, _VIEWER, _AUDITOR)
DEMO_ORGS: Final = (
    _Org("rc", "网络不良信息举报中心（演示）", "reporting_centre", "CN", None, _ALL_ROLES),
    _Org("reg", "国家通信管理部门（演示）", "regulator", "CN", None,
         (_ADMIN, _ANALYST, _VIEWER, _AUDITOR)),
    _Org("gdca", "广东省通信管理局（演示）", "regulator", "GD", "reg", (_ADMIN, _ANALYST, _VIEWER)),
    _Org("bjca", "北京市通信管理局（演示）", "regulator", "BJ", "reg", (_ADMIN, _VIEWER)),
    _Org("hxm", "华夏移动", "carrier", "CN", None, (_ADMIN, _ANALYST, _REVIEWER, _LIAISON)),
    _Org("hxm-gd", "华夏移动广东分公司", "carrier", "GD", "hxm", (_ADMIN, _LIAISON)),
    _Org("hxm-bj", "华夏移动北京分公司", "carrier", "BJ", "hxm", (_LIAISON,)),
    _Org("hxu", "华夏联通", "carrier", "CN", None, (_ADMIN, _LIAISON)),
    _Org("hxu-gd", "华夏联通广东分公司", "carrier", "GD", "hxu", (_LIAISON,)),
    _Org("hxt", "华夏电信", "carrier", "CN", None, (_ADMIN, _LIAISON)),
    _Org("hxt-bj", "华夏电信北京分公司", "carrier", "BJ", "hxt", (_LIAISON,)),
    _Org("nyjr", "南粤数据接入有限公司", "access_provider", "GD", None,
         (_ADMIN, _LIAISON, _AUDITOR)),
    _Org("nyidc", "南粤一号机房", "idc", "GD", "nyjr", (_ADMIN,)),
    _Org("ycdl", "羊城主机代理", "reseller", "GD", "nyidc", (_ADMIN, _LIAISON)),
    _Org("thdl", "天河小型主机代理", "reseller", "GD", "ycdl", (_LIAISON,)),
    _Org("spdl", "石牌微型主机代理", "reseller", "GD", "thdl", (_LIAISON,)),
    _Org("jbjr", "京北云接入有限公司", "access_provider", "BJ", None, (_ADMIN, _LIAISON)),
    _Org("jbdl", "京北主机代理", "reseller", "BJ", "jbjr", (_LIAISON,)),
    _Org("dnreg", "示例域名注册管理中心", "registry", "CN", None, (_ADMIN, _LIAISON)),
    _Org("dnrr", "示例域名注册服务商", "registrar", "CN", None, (_LIAISON,)),
    _Org("sousou", "搜搜看搜索", "search_engine", "CN", None, (_ADMIN, _LIAISON)),
    _Org("tanlu", "探路移动搜索", "search_engine", "CN", None, (_LIAISON,)),
    _Org("lexun", "乐讯增值服务", "sp", "GD", None, (_LIAISON,)),
    _Org("xinghe", "星河无线", "sp", "BJ", None, (_LIAISON,)),
    _Org("zstg", "掌上推广联盟", "promotion_partner", "GD", None, (_LIAISON,)),
    _Org("gdpol", "广东省公安厅网络安全保卫总队（演示）", "police", "GD", None,
         (_ADMIN, _VIEWER)),
)  # fmt: skip


def demo_config() -> AccountsConfig:
    """Cheap hashing for seeding only; logins renew the hashes with the real parameters."""
    return AccountsConfig(
        passwords=Passwords(time_cost=1, memory_kib=8192, parallelism=1),
        secrets=SecretBox("demo seeding does not store secrets"),
    )


def seed_demo_accounts(session: Session, config: AccountsConfig | None = None) -> list[DemoLogin]:
    """Create the demo organisations and users (those missing); returns every demo login."""
    config = config or demo_config()
    actor = Actor.system("demo")
    ids: dict[str, int] = {}
    logins: list[DemoLogin] = []
    for spec in DEMO_ORGS:
        org = session.scalars(select(Organisation).where(Organisation.name == spec.name)).first()
        if org is None:
            parent_id = ids[spec.parent] if spec.parent else None
            data = OrgCreate(
                name=spec.name, kind=spec.kind, province=spec.province, parent_id=parent_id
            )
            org = create_org(session, actor, data, config)
        ids[spec.key] = org.id
        for role in spec.roles:
            username = f"{spec.key}-{role}"
            if find_user(session, username) is None:
                data_user = UserCreate.model_validate(
                    {"org_id": org.id, "username": username, "display_name": f"{spec.name} {role}",
                     "roles": [role], "password": DEMO_PASSWORD, "must_change_password": False}
                )  # fmt: skip
                create_user(session, actor, data_user, config)
            logins.append(
                DemoLogin(username, DEMO_PASSWORD, spec.name, spec.kind, spec.province, (role,))
            )
    return logins


__all__ = ["DEMO_ORGS", "DEMO_PASSWORD", "DemoLogin", "demo_config", "seed_demo_accounts"]
