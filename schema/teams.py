"""Queries and mutations for regions, teams and services."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from hub.teams.models import (
    RegionCreate,
    ServiceCreate,
    ServiceUpdate,
    TeamCreate,
    TeamUpdate,
)
from schema.context import Context
from schema.inputs import build, given
from schema.pagination import Connection, connection, page_request
from schema.types.enums import ServiceTierEnum, WeekdayEnum
from schema.types.teams import RegionType, ServiceType, TeamType


@strawberry.input
class WorkingWindowInput:
    days: list[WeekdayEnum]  # type: ignore[valid-type]
    start: str = strawberry.field(description="HH:MM local time")
    end: str = strawberry.field(description="HH:MM local time; at or before start: next day")


@strawberry.input
class RegionInput:
    name: str
    time_zone: str
    working_hours: list[WorkingWindowInput] = strawberry.field(default_factory=list)
    rotation_order: int = 0


@strawberry.input
class MemberInput:
    handle: str
    display_name: str
    time_zone: str
    expertise: list[str] = strawberry.field(default_factory=list)
    contact: str = ""
    is_lead: bool = False


@strawberry.input
class TeamInput:
    name: str
    slug: str
    region_id: strawberry.ID
    members: list[MemberInput] = strawberry.field(default_factory=list)
    escalation_policy_id: strawberry.ID | None = None


@strawberry.input
class TeamUpdateInput:
    name: str | None = strawberry.UNSET
    region_id: strawberry.ID | None = strawberry.UNSET
    members: list[MemberInput] | None = strawberry.UNSET
    escalation_policy_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class ServiceInput:
    name: str
    team_id: strawberry.ID
    tier: ServiceTierEnum = ServiceTierEnum.TIER_2  # type: ignore[valid-type]


@strawberry.input
class ServiceUpdateInput:
    name: str | None = strawberry.UNSET
    team_id: strawberry.ID | None = strawberry.UNSET
    tier: ServiceTierEnum | None = strawberry.UNSET  # type: ignore[valid-type]


@strawberry.type
class TeamQueries:
    @strawberry.field
    async def regions(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[RegionType]:
        request = page_request(info, first, after, last, before)
        page = await info.context.hub.teams.page_regions(request)
        return connection(page, RegionType.from_model)

    @strawberry.field(description="A region by id or by name")
    async def region(self, info: Info[Context, None], name: str) -> RegionType:
        return RegionType.from_model(await info.context.hub.teams.resolve_region(name))

    @strawberry.field
    async def teams(
        self,
        info: Info[Context, None],
        region_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[TeamType]:
        request = page_request(info, first, after, last, before)
        page = await info.context.hub.teams.page_teams(
            request, region_id=str(region_id) if region_id else None
        )
        return connection(page, TeamType.from_model)

    @strawberry.field
    async def team(self, info: Info[Context, None], id: strawberry.ID) -> TeamType:
        return TeamType.from_model(await info.context.hub.teams.teams.get(str(id)))

    @strawberry.field
    async def services(
        self,
        info: Info[Context, None],
        team_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ServiceType]:
        request = page_request(info, first, after, last, before)
        page = await info.context.hub.teams.page_services(
            request, team_id=str(team_id) if team_id else None
        )
        return connection(page, ServiceType.from_model)

    @strawberry.field
    async def service(self, info: Info[Context, None], id: strawberry.ID) -> ServiceType:
        return ServiceType.from_model(await info.context.hub.teams.services.get(str(id)))


@strawberry.type
class TeamMutations:
    @strawberry.mutation
    async def create_region(self, info: Info[Context, None], input: RegionInput) -> RegionType:
        data = build(RegionCreate, strawberry.asdict(input))
        return RegionType.from_model(await info.context.hub.teams.create_region(data=data))

    @strawberry.mutation
    async def create_team(self, info: Info[Context, None], input: TeamInput) -> TeamType:
        data = build(TeamCreate, strawberry.asdict(input))
        return TeamType.from_model(await info.context.hub.teams.create_team(data=data))

    @strawberry.mutation
    async def update_team(
        self, info: Info[Context, None], id: strawberry.ID, input: TeamUpdateInput
    ) -> TeamType:
        data = build(TeamUpdate, given(strawberry.asdict(input)))
        team = await info.context.hub.teams.update_team(team_id=str(id), data=data)
        return TeamType.from_model(team)

    @strawberry.mutation
    async def create_service(self, info: Info[Context, None], input: ServiceInput) -> ServiceType:
        data = build(ServiceCreate, strawberry.asdict(input))
        return ServiceType.from_model(await info.context.hub.teams.create_service(data=data))

    @strawberry.mutation
    async def update_service(
        self, info: Info[Context, None], id: strawberry.ID, input: ServiceUpdateInput
    ) -> ServiceType:
        data = build(ServiceUpdate, given(strawberry.asdict(input)))
        service = await info.context.hub.teams.update_service(service_id=str(id), data=data)
        return ServiceType.from_model(service)
