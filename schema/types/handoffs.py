"""GraphQL types for handoff records and their briefs."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from hub.auth import scopes
from hub.errors import NotFound
from hub.handoffs import models as hm
from schema.context import Context
from schema.types.incidents import IncidentType
from schema.types.teams import RegionType, TeamType

HandoffStatusEnum = strawberry.enum(hm.HandoffStatus, name="HandoffStatus")


@strawberry.type(name="HandoffAction")
class ActionItemType:
    text: str
    done: bool


@strawberry.type(name="HandoffBrief")
class BriefType:
    current_status: str
    tried: list[str]
    next_actions: list[ActionItemType]
    risks: list[str]
    links: list[str]

    @classmethod
    def from_model(cls, b: hm.Brief) -> BriefType:
        return cls(
            current_status=b.current_status,
            tried=list(b.tried),
            next_actions=[ActionItemType(text=a.text, done=a.done) for a in b.next_actions],
            risks=list(b.risks),
            links=list(b.links),
        )


@strawberry.federation.type(name="Handoff", keys=["id"])
class HandoffType:
    id: strawberry.ID
    status: HandoffStatusEnum  # type: ignore[valid-type]
    brief: BriefType
    proposed_by: str
    proposed_at: datetime
    expires_at: datetime
    responded_by: str | None
    responded_at: datetime | None
    reject_reason: str | None
    automatic: bool = strawberry.field(description="Proposed by the hub at a shift end")
    shift_end_at: datetime | None
    incident_ids: strawberry.Private[list[str]]
    team_ids: strawberry.Private[tuple[str, str]]
    region_ids: strawberry.Private[tuple[str, str]]

    @strawberry.field
    async def from_team(self, info: Info[Context, None]) -> TeamType:
        return await _team(info, self.team_ids[0])

    @strawberry.field
    async def to_team(self, info: Info[Context, None]) -> TeamType:
        return await _team(info, self.team_ids[1])

    @strawberry.field
    async def from_region(self, info: Info[Context, None]) -> RegionType:
        return await _region(info, self.region_ids[0])

    @strawberry.field
    async def to_region(self, info: Info[Context, None]) -> RegionType:
        return await _region(info, self.region_ids[1])

    @strawberry.field
    async def incidents(self, info: Info[Context, None]) -> list[IncidentType]:
        """The incidents covered that this token may read."""
        found = await info.context.loaders.incident.load_many(self.incident_ids)
        principal = info.context.principal
        return [
            IncidentType.from_model(i)
            for i in found
            if i is not None and scopes.allows_incident(principal, i)
        ]

    @classmethod
    def from_model(cls, h: hm.Handoff) -> HandoffType:
        return cls(
            id=strawberry.ID(h.id),
            status=h.status,
            brief=BriefType.from_model(h.brief),
            proposed_by=h.proposed_by,
            proposed_at=h.proposed_at,
            expires_at=h.expires_at,
            responded_by=h.responded_by,
            responded_at=h.responded_at,
            reject_reason=h.reject_reason,
            automatic=h.automatic,
            shift_end_at=h.shift_end_at,
            incident_ids=list(h.incident_ids),
            team_ids=(h.from_team_id, h.to_team_id),
            region_ids=(h.from_region_id, h.to_region_id),
        )

    @classmethod
    async def resolve_reference(
        cls, info: Info[Context, None], id: strawberry.ID
    ) -> HandoffType | None:
        [found] = await info.context.hub.handoffs.handoffs.get_many([str(id)])
        if found is None:
            return None
        scopes.check_handoff(info.context.principal, found)
        return cls.from_model(found)


async def _team(info: Info[Context, None], team_id: str) -> TeamType:
    found = await info.context.loaders.team.load(team_id)
    if found is None:
        raise NotFound(f"no team with id {team_id!r}", id=team_id)
    return TeamType.from_model(found)


async def _region(info: Info[Context, None], region_id: str) -> RegionType:
    found = await info.context.loaders.region.load(region_id)
    if found is None:
        raise NotFound(f"no region with id {region_id!r}", id=region_id)
    return RegionType.from_model(found)
