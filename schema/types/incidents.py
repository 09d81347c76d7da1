"""GraphQL types for incidents."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from hub.auth import scopes
from hub.errors import BadInput
from hub.incidents import models as m
from hub.incidents.protocols import protocol_state
from hub.incidents.updates import updates_in
from schema import described
from schema.context import Context
from schema.knowledge_scope import visible_suggestions
from schema.loaders import MAX_SUGGESTIONS
from schema.types.documentation import (
    AudienceEnum,
    FollowUpType,
    ProtocolType,
    StatusUpdateType,
)
from schema.types.enums import CategoryEnum, SeverityEnum, StatusEnum
from schema.types.events import EventType
from schema.types.knowledge import ArticleType, SuggestionType
from schema.types.teams import MemberType, RegionType, ServiceType, TeamType


@strawberry.type(name="StatusTime")
class StatusTimeType:
    status: StatusEnum  # type: ignore[valid-type]
    at: datetime


@strawberry.type(name="StatusChange")
class StatusChangeType:
    status: StatusEnum  # type: ignore[valid-type]
    at: datetime
    actor: str


@strawberry.type(name="Responder")
class ResponderType:
    handle: str
    role: str
    team_id: strawberry.ID | None
    assigned_at: datetime
    assigned_by: str

    @strawberry.field(description="The team member behind the handle, if any")
    async def member(self, info: Info[Context, None]) -> MemberType | None:
        found = await info.context.loaders.member.load(self.handle)
        return MemberType.from_model(found) if found else None

    @strawberry.field
    async def team(self, info: Info[Context, None]) -> TeamType | None:
        if self.team_id is None:
            return None
        found = await info.context.loaders.team.load(str(self.team_id))
        return TeamType.from_model(found) if found else None


@strawberry.type(name="OwnershipSpan")
class OwnershipSpanType:
    team_id: strawberry.ID
    region_id: strawberry.ID
    since: datetime
    until: datetime | None
    via: str
    handoff_id: strawberry.ID | None = strawberry.field(
        description="The accepted handoff that opened this span"
    )

    @strawberry.field
    def duration_seconds(self, info: Info[Context, None]) -> float:
        end = self.until or info.context.hub.clock.now()
        return (end - self.since).total_seconds()

    @strawberry.field
    async def team(self, info: Info[Context, None]) -> TeamType | None:
        found = await info.context.loaders.team.load(str(self.team_id))
        return TeamType.from_model(found) if found else None

    @strawberry.field
    async def region(self, info: Info[Context, None]) -> RegionType | None:
        found = await info.context.loaders.region.load(str(self.region_id))
        return RegionType.from_model(found) if found else None


@strawberry.type(name="AlertGroup")
class AlertGroupType:
    source: str
    alert_count: int
    firing_count: int
    truncated: int
    first_seen: datetime
    last_seen: datetime


@strawberry.federation.type(name="Incident", keys=["id"])
class IncidentType:
    id: strawberry.ID
    number: int
    ref: str = strawberry.field(description="Human reference, such as INC-42")
    title: str
    summary: str
    severity: SeverityEnum  # type: ignore[valid-type]
    category: CategoryEnum  # type: ignore[valid-type]
    status: StatusEnum  # type: ignore[valid-type]
    status_times: list[StatusTimeType] = strawberry.field(
        description="The first time the incident entered each status"
    )
    status_history: list[StatusChangeType] = strawberry.field(
        description="Every status the incident has been in, oldest first"
    )
    team_id: strawberry.ID
    region_id: strawberry.ID
    commander: str | None
    responders: list[ResponderType]
    service_ids: list[strawberry.ID]
    tags: list[str]
    exercise: bool
    ownership: list[OwnershipSpanType]
    alert_group: AlertGroupType | None
    declared_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    model: strawberry.Private[m.Incident | None] = None

    @strawberry.field
    async def team(self, info: Info[Context, None]) -> TeamType | None:
        found = await info.context.loaders.team.load(str(self.team_id))
        return TeamType.from_model(found) if found else None

    @strawberry.field
    async def region(self, info: Info[Context, None]) -> RegionType | None:
        found = await info.context.loaders.region.load(str(self.region_id))
        return RegionType.from_model(found) if found else None

    @strawberry.field
    async def services(self, info: Info[Context, None]) -> list[ServiceType]:
        found = await info.context.loaders.service.load_many([str(s) for s in self.service_ids])
        return [ServiceType.from_model(s) for s in found if s is not None]

    @strawberry.field(description="Every change, oldest first: the shared record")
    async def timeline(self, info: Info[Context, None]) -> list[EventType]:
        found = await info.context.loaders.timeline.load(str(self.id))
        return [EventType.from_model(e) for e in found]

    @strawberry.field
    async def suggested_articles(
        self, info: Info[Context, None], first: int = 5
    ) -> list[SuggestionType]:
        """Articles worth reading for this incident, best first."""
        if not 0 <= first <= MAX_SUGGESTIONS:
            raise BadInput(f"first must be between 0 and {MAX_SUGGESTIONS}", argument="first")
        found = await info.context.loaders.suggestions.load(str(self.id))
        shown = await visible_suggestions(info.context, found)
        return [SuggestionType.from_model(s) for s in shown[:first]]

    @strawberry.field
    async def postmortem(self, info: Info[Context, None]) -> ArticleType | None:
        """The postmortem drafted when the incident resolved."""
        found = await info.context.loaders.postmortem.load(str(self.id))
        return ArticleType.from_model(found) if found else None

    @described.field("This severity's response protocol, checked against now")
    def protocol(self, info: Info[Context, None]) -> ProtocolType:
        assert self.model is not None, "built by from_model"
        now = info.context.hub.clock.now()
        return ProtocolType.from_state(protocol_state(self.model, now=now))

    @strawberry.field
    def follow_ups(self) -> list[FollowUpType]:
        assert self.model is not None, "built by from_model"
        return [FollowUpType.from_model(f, self.model.id) for f in self.model.follow_ups]

    @described.field("Status updates, oldest first")
    async def status_updates(
        self,
        info: Info[Context, None],
        audience: AudienceEnum | None = None,  # type: ignore[valid-type]
    ) -> list[StatusUpdateType]:
        found = await info.context.loaders.timeline.load(str(self.id))
        return [StatusUpdateType.from_model(u) for u in updates_in(found, audience)]

    @classmethod
    def from_model(cls, i: m.Incident) -> IncidentType:
        return cls(
            id=strawberry.ID(i.id),
            number=i.number,
            ref=i.ref,
            title=i.title,
            summary=i.summary,
            severity=i.severity,
            category=i.category,
            status=i.status,
            status_times=[
                StatusTimeType(status=s, at=t)
                for s, t in sorted(i.status_times.items(), key=lambda p: p[1])
            ],
            status_history=[
                StatusChangeType(status=h.status, at=h.at, actor=h.actor)
                for h in i.status_history
            ],
            team_id=strawberry.ID(i.team_id),
            region_id=strawberry.ID(i.region_id),
            commander=i.commander,
            responders=[
                ResponderType(
                    handle=r.handle,
                    role=r.role,
                    team_id=strawberry.ID(r.team_id) if r.team_id else None,
                    assigned_at=r.assigned_at,
                    assigned_by=r.assigned_by,
                )
                for r in i.responders
            ],
            service_ids=[strawberry.ID(s) for s in i.service_ids],
            tags=list(i.tags),
            exercise=i.exercise,
            ownership=[
                OwnershipSpanType(
                    team_id=strawberry.ID(o.team_id),
                    region_id=strawberry.ID(o.region_id),
                    since=o.since,
                    until=o.until,
                    via=o.via,
                    handoff_id=strawberry.ID(o.handoff_id) if o.handoff_id else None,
                )
                for o in i.ownership
            ],
            alert_group=(
                AlertGroupType(
                    source=i.alert_group.source,
                    alert_count=i.alert_group.alert_count,
                    firing_count=i.alert_group.firing_count,
                    truncated=i.alert_group.truncated,
                    first_seen=i.alert_group.first_seen,
                    last_seen=i.alert_group.last_seen,
                )
                if i.alert_group
                else None
            ),
            declared_by=i.declared_by,
            created_at=i.created_at,
            updated_at=i.updated_at,
            version=i.version,
            model=i,
        )

    @classmethod
    async def resolve_reference(
        cls, info: Info[Context, None], id: strawberry.ID
    ) -> IncidentType | None:
        found = await info.context.loaders.incident.load(str(id))
        if found is None or not scopes.allows_incident(info.context.principal, found):
            return None  # outside the scope reads as missing
        return cls.from_model(found)
