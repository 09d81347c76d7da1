"""Incident documentation: status updates, follow-ups and the response protocol."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from hub.incidents.followups import FollowUpCreate, FollowUpUpdate
from hub.incidents.protocols import PROTOCOLS
from hub.incidents.updates import Audience
from schema import described
from schema.context import Context
from schema.inputs import build, given
from schema.types.documentation import (
    AudienceEnum,
    FollowUpStateEnum,
    FollowUpType,
    ProtocolType,
    StatusUpdateType,
)
from schema.types.incidents import IncidentType


@strawberry.input
class FollowUpInput:
    title: str
    owner: str = strawberry.field(description="Handle of a team member")
    due_at: datetime | None = None


@strawberry.input
class FollowUpUpdateInput:
    title: str | None = strawberry.UNSET
    owner: str | None = strawberry.UNSET
    due_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="Null clears the due date"
    )
    state: FollowUpStateEnum | None = strawberry.UNSET  # type: ignore[valid-type]


@strawberry.type
class DocumentationQueries:
    @described.field("Every severity's response protocol, as defined")
    def response_protocols(self) -> list[ProtocolType]:
        return [ProtocolType.from_protocol(p) for p in PROTOCOLS.values()]


@strawberry.type
class DocumentationMutations:
    @described.mutation("Post a status update; it resets the update cadence")
    async def post_status_update(
        self,
        info: Info[Context, None],
        incident_id: strawberry.ID,
        body: str,
        audience: AudienceEnum = Audience.INTERNAL,  # type: ignore[valid-type]
        expected_version: int | None = None,
    ) -> StatusUpdateType:
        _, update = await info.context.hub.status_updates.post(
            str(incident_id),
            body,
            audience=Audience(audience),
            actor=info.context.principal.actor,
            expected_version=expected_version,
        )
        return StatusUpdateType.from_model(update)

    @strawberry.mutation
    async def add_follow_up(
        self, info: Info[Context, None], incident_id: strawberry.ID, input: FollowUpInput
    ) -> FollowUpType:
        data = build(FollowUpCreate, strawberry.asdict(input))
        incident, follow_up = await info.context.hub.follow_ups.add(
            str(incident_id), data, actor=info.context.principal.actor
        )
        return FollowUpType.from_model(follow_up, incident.id)

    @strawberry.mutation
    async def update_follow_up(
        self, info: Info[Context, None], id: strawberry.ID, input: FollowUpUpdateInput
    ) -> FollowUpType:
        data = build(FollowUpUpdate, given(strawberry.asdict(input)))
        incident, follow_up = await info.context.hub.follow_ups.update(
            str(id), data, actor=info.context.principal.actor
        )
        return FollowUpType.from_model(follow_up, incident.id)

    @described.mutation("Mark a checklist item of the incident's protocol done")
    async def check_protocol_item(
        self,
        info: Info[Context, None],
        incident_id: strawberry.ID,
        item: str,
        expected_version: int | None = None,
    ) -> IncidentType:
        incident = await info.context.hub.protocol_checks.check_item(
            str(incident_id),
            item,
            actor=info.context.principal.actor,
            expected_version=expected_version,
        )
        return IncidentType.from_model(incident)
