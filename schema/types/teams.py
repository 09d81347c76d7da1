"""GraphQL types for regions, teams, members and services."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from hub.teams import models as m
from schema.context import Context
from schema.types.enums import ServiceTierEnum, WeekdayEnum

if TYPE_CHECKING:
    from schema.types.escalation import PolicyType
    from schema.types.knowledge import ArticleType


@strawberry.type(name="WorkingWindow")
class WorkingWindowType:
    days: list[WeekdayEnum]  # type: ignore[valid-type]
    start: str = strawberry.field(description="Local start time, HH:MM")
    end: str = strawberry.field(description="Local end time, HH:MM; at or before start: next day")

    @classmethod
    def from_model(cls, w: m.WorkingWindow) -> WorkingWindowType:
        return cls(days=list(w.days), start=w.start.strftime("%H:%M"), end=w.end.strftime("%H:%M"))


@strawberry.federation.type(name="Region", keys=["id"])
class RegionType:
    id: strawberry.ID
    name: str
    time_zone: str
    rotation_order: int
    working_hours: list[WorkingWindowType]

    @classmethod
    def from_model(cls, r: m.Region) -> RegionType:
        return cls(
            id=strawberry.ID(r.id),
            name=r.name,
            time_zone=r.time_zone,
            rotation_order=r.rotation_order,
            working_hours=[WorkingWindowType.from_model(w) for w in r.working_hours],
        )

    @classmethod
    async def resolve_reference(
        cls, info: Info[Context, None], id: strawberry.ID
    ) -> RegionType | None:
        found = await info.context.loaders.region.load(str(id))
        return cls.from_model(found) if found else None


@strawberry.type(name="Member")
class MemberType:
    handle: str
    display_name: str
    time_zone: str
    expertise: list[str]
    contact: str
    is_lead: bool

    @classmethod
    def from_model(cls, mem: m.Member) -> MemberType:
        return cls(**mem.model_dump())


@strawberry.federation.type(name="Team", keys=["id"])
class TeamType:
    id: strawberry.ID
    name: str
    slug: str
    members: list[MemberType]
    region_id: strawberry.ID
    escalation_policy_id: strawberry.ID | None
    created_at: datetime

    @strawberry.field
    async def region(self, info: Info[Context, None]) -> RegionType | None:
        found = await info.context.loaders.region.load(str(self.region_id))
        return RegionType.from_model(found) if found else None

    @strawberry.field
    async def escalation_policy(
        self, info: Info[Context, None]
    ) -> Annotated[PolicyType, strawberry.lazy("schema.types.escalation")] | None:
        from schema.types.escalation import PolicyType

        if self.escalation_policy_id is None:
            return None
        found = await info.context.loaders.policy.load(str(self.escalation_policy_id))
        return PolicyType.from_model(found) if found else None

    @strawberry.field
    async def services(
        self, info: Info[Context, None]
    ) -> list[Annotated[ServiceType, strawberry.lazy("schema.types.teams")]]:
        found = await info.context.loaders.team_services.load(str(self.id))
        return [ServiceType.from_model(s) for s in found]

    @classmethod
    def from_model(cls, t: m.Team) -> TeamType:
        return cls(
            id=strawberry.ID(t.id),
            name=t.name,
            slug=t.slug,
            members=[MemberType.from_model(x) for x in t.members],
            region_id=strawberry.ID(t.region_id),
            escalation_policy_id=(
                strawberry.ID(t.escalation_policy_id) if t.escalation_policy_id else None
            ),
            created_at=t.created_at,
        )

    @classmethod
    async def resolve_reference(
        cls, info: Info[Context, None], id: strawberry.ID
    ) -> TeamType | None:
        found = await info.context.loaders.team.load(str(id))
        return cls.from_model(found) if found else None


@strawberry.federation.type(name="Service", keys=["id"])
class ServiceType:
    id: strawberry.ID
    name: str
    tier: ServiceTierEnum  # type: ignore[valid-type]
    team_id: strawberry.ID

    @strawberry.field
    async def team(self, info: Info[Context, None]) -> TeamType | None:
        found = await info.context.loaders.team.load(str(self.team_id))
        return TeamType.from_model(found) if found else None

    @strawberry.field(description="Knowledge articles about this service")
    async def articles(
        self, info: Info[Context, None]
    ) -> list[Annotated[ArticleType, strawberry.lazy("schema.types.knowledge")]]:
        from schema.knowledge_scope import visible
        from schema.types.knowledge import ArticleType

        found = await info.context.loaders.service_articles.load(str(self.id))
        return [ArticleType.from_model(a) for a in await visible(info.context, found)]

    @classmethod
    def from_model(cls, s: m.Service) -> ServiceType:
        return cls(
            id=strawberry.ID(s.id), name=s.name, tier=s.tier, team_id=strawberry.ID(s.team_id)
        )

    @classmethod
    async def resolve_reference(
        cls, info: Info[Context, None], id: strawberry.ID
    ) -> ServiceType | None:
        found = await info.context.loaders.service.load(str(id))
        return cls.from_model(found) if found else None
