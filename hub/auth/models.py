"""API tokens and the principal a token makes of its bearer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class Role(StrEnum):
    VIEWER = "viewer"  # reads and subscribes
    RESPONDER = "responder"  # works incidents: declare, acknowledge, notes, handoffs
    AUTOMATION = "automation"  # bots: open, update and close incidents
    ADMIN = "admin"  # everything, including configuration and tokens


class ApiTokenCreate(BaseModel):
    # The name is the actor on every timeline event and audit entry.
    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._@-]*$")
    role: Role
    region_ids: list[str] = Field(default_factory=list, max_length=20)
    team_ids: list[str] = Field(default_factory=list, max_length=50)
    # None: the token never expires (bootstrap and demo tokens only).
    expires_at: datetime | None = None


class ApiToken(BaseModel):
    id: str
    name: str
    role: Role
    region_ids: list[str] = Field(default_factory=list)
    team_ids: list[str] = Field(default_factory=list)
    # The first characters of the secret, so people can tell tokens apart.
    prefix: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    def usable_at(self, now: datetime) -> bool:
        live = self.expires_at is None or now < self.expires_at
        return live and self.revoked_at is None


@dataclass(frozen=True)
class Principal:
    """The caller of one request: the token's name, role and scope."""

    actor: str
    role: Role = Role.ADMIN
    region_ids: tuple[str, ...] = ()
    team_ids: tuple[str, ...] = ()
    token_id: str | None = None

    @property
    def scoped(self) -> bool:
        return bool(self.region_ids or self.team_ids)

    @classmethod
    def of(cls, token: ApiToken) -> Principal:
        return cls(
            actor=token.name,
            role=token.role,
            region_ids=tuple(token.region_ids),
            team_ids=tuple(token.team_ids),
            token_id=token.id,
        )
