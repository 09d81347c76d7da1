"""API tokens, the audit log and the caller's own identity."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from hub.auth.models import ApiTokenCreate
from schema.context import Context
from schema.inputs import build
from schema.pagination import Connection, connection, page_request
from schema.types.auth import (
    ApiRole,
    ApiTokenType,
    AuditEntryType,
    CreateApiTokenPayload,
    ViewerType,
)


@strawberry.input
class CreateApiTokenInput:
    name: str = strawberry.field(description="Shown as the actor of everything the token does")
    role: ApiRole  # type: ignore[valid-type]
    region_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    team_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    expires_at: datetime | None = strawberry.field(
        default=None, description="At most two years away; 90 days when left out"
    )


@strawberry.type
class AuthQueries:
    @strawberry.field
    def me(self, info: Info[Context, None]) -> ViewerType:
        return ViewerType.from_principal(info.context.principal)

    @strawberry.field
    async def api_tokens(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ApiTokenType]:
        request = page_request(info, first, after, last, before)
        page = await info.context.hub.tokens.repo.page({}, [("_id", -1)], request)
        return connection(page, ApiTokenType.from_model)

    @strawberry.field
    async def audit_log(
        self,
        info: Info[Context, None],
        actor: str | None = None,
        operation: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditEntryType]:
        request = page_request(info, first, after, last, before)
        page = await info.context.hub.audit.page(request, actor=actor, operation=operation)
        return connection(page, AuditEntryType.from_model)


@strawberry.type
class AuthMutations:
    @strawberry.mutation
    async def create_api_token(
        self, info: Info[Context, None], input: CreateApiTokenInput
    ) -> CreateApiTokenPayload:
        data = build(ApiTokenCreate, strawberry.asdict(input))
        secret, token = await info.context.hub.tokens.create(
            data=data, actor=info.context.principal.actor
        )
        return CreateApiTokenPayload(token=secret, api_token=ApiTokenType.from_model(token))

    @strawberry.mutation
    async def revoke_api_token(self, info: Info[Context, None], id: strawberry.ID) -> ApiTokenType:
        token = await info.context.hub.tokens.revoke(
            token_id=str(id), actor=info.context.principal.actor
        )
        return ApiTokenType.from_model(token)
