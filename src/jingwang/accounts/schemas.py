"""Shapes at the seams: what callers send (Create / Update) and what they get back (Public).

The same models serve the services, the JSON API and the CLI's ``--json``. Secrets never
appear in a Public model; a new API token's secret appears once, in :class:`TokenIssued`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr

Language = Literal["zh-CN", "en"]


class OrgCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(description="An organisation kind, e.g. carrier, access_provider.")
    province: str = Field("CN", description="Province code (BJ, GD …) or CN for national.")
    contact_email: str | None = Field(None, max_length=254)
    webhook_url: str | None = Field(None, max_length=2000, description="https:// URL.")
    parent_id: int | None = Field(None, description="The organisation this one sits below.")


class OrgUpdate(BaseModel):
    """Fields to change; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    kind: str | None = None
    province: str | None = None
    contact_email: str | None = Field(None, max_length=254)
    webhook_url: str | None = Field(None, max_length=2000)
    parent_id: int | None = None
    active: bool | None = None


class OrgPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    province: str
    contact_email: str | None
    webhook_url: str | None
    parent_id: int | None
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_id: int
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    display_name: str = Field("", max_length=200)
    email: str | None = Field(None, max_length=254)
    language: Language | None = None
    roles: list[str] = Field(default_factory=list)
    password: SecretStr | None = Field(
        None, description="Leave out to have a temporary password generated and returned once."
    )
    must_change_password: bool = Field(
        True, description="Whether the user must choose a new password at the first login."
    )


class UserUpdate(BaseModel):
    """Fields to change; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    language: Language | None = None
    roles: list[str] | None = None
    active: bool | None = None


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    org_id: int
    username: str
    display_name: str
    email: str | None
    language: str | None
    roles: list[str] = Field(validation_alias=AliasChoices("role_names", "roles"))
    active: bool
    totp_enabled: bool
    must_change_password: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None


class UserCreated(BaseModel):
    user: UserPublic
    temporary_password: str | None = Field(
        None, description="Shown once when jingwang generated the password."
    )


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str = Field(max_length=200)
    email: str | None = Field(None, max_length=254)
    language: Language | None = None


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_id: int | None = Field(None, description="Defaults to the creator's organisation.")
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(min_length=1, description="Permissions, e.g. orders:read.")
    expires_in_days: int | None = Field(None, ge=1, description="Defaults to the setting.")


class TokenPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    org_id: int
    name: str
    prefix: str
    scopes: list[str]
    created_by: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenIssued(BaseModel):
    token: TokenPublic
    secret: str = Field(description="The token itself: shown this once, never again.")


class SessionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    user_agent: str | None
    ip: str | None


class MePublic(BaseModel):
    """Who the API sees: the caller's identity, organisation and permissions."""

    type: str
    name: str
    id: int | None
    org_id: int | None
    org_name: str | None
    org_kind: str | None
    province: str | None
    roles: list[str]
    permissions: list[str]


__all__ = [
    "Language",
    "MePublic",
    "OrgCreate",
    "OrgPublic",
    "OrgUpdate",
    "ProfileUpdate",
    "SessionPublic",
    "TokenCreate",
    "TokenIssued",
    "TokenPublic",
    "UserCreate",
    "UserCreated",
    "UserPublic",
    "UserUpdate",
]
