"""GraphQL types for API tokens and the audit log."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hub.auth.audit import AuditEntry
from hub.auth.models import ApiToken, Principal, Role

ApiRole = strawberry.enum(Role, name="ApiRole")


@strawberry.type(name="ApiToken", description="A token's record; its secret is never shown")
class ApiTokenType:
    id: strawberry.ID
    name: str
    role: ApiRole  # type: ignore[valid-type]
    region_ids: list[strawberry.ID]
    team_ids: list[strawberry.ID]
    prefix: str = strawberry.field(description="The first characters of the secret")
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_model(cls, t: ApiToken) -> ApiTokenType:
        return cls(
            id=strawberry.ID(t.id),
            name=t.name,
            role=t.role,
            region_ids=[strawberry.ID(r) for r in t.region_ids],
            team_ids=[strawberry.ID(r) for r in t.team_ids],
            prefix=t.prefix,
            created_by=t.created_by,
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
        )


@strawberry.type
class CreateApiTokenPayload:
    token: str = strawberry.field(description="The secret: shown this once, stored only hashed")
    api_token: ApiTokenType


@strawberry.type(name="AuditEntry")
class AuditEntryType:
    id: strawberry.ID
    at: datetime
    actor: str
    role: str
    operation: str
    outcome: str = strawberry.field(description="OK, or the error code it ended with")
    target_ids: list[strawberry.ID]
    request_id: str

    @classmethod
    def from_model(cls, e: AuditEntry) -> AuditEntryType:
        return cls(
            id=strawberry.ID(e.id),
            at=e.at,
            actor=e.actor,
            role=e.role,
            operation=e.operation,
            outcome=e.outcome,
            target_ids=[strawberry.ID(i) for i in e.target_ids],
            request_id=e.request_id,
        )


@strawberry.type(name="Viewer", description="The caller, as its token describes it")
class ViewerType:
    actor: str
    role: ApiRole  # type: ignore[valid-type]
    region_ids: list[strawberry.ID]
    team_ids: list[strawberry.ID]

    @classmethod
    def from_principal(cls, p: Principal) -> ViewerType:
        return cls(
            actor=p.actor,
            role=p.role,
            region_ids=[strawberry.ID(r) for r in p.region_ids],
            team_ids=[strawberry.ID(t) for t in p.team_ids],
        )
