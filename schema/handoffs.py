"""On-duty answers, handoff schedules, handoffs and their live events."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime, timedelta
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from hub.auth import scopes
from hub.events.models import Event
from hub.events.stream import check_cursor
from hub.handoffs.models import HANDOFF_EVENTS, HandoffPropose, HandoffStatus
from schema.context import Context
from schema.events import live_events
from schema.inputs import build
from schema.pagination import Connection, connection, page_request
from schema.types.duty import HandoffScheduleType, OnDutyType
from schema.types.events import EventType
from schema.types.handoffs import HandoffStatusEnum, HandoffType


@strawberry.input
class HandoffActionInput:
    text: str
    done: bool = False


@strawberry.input
class HandoffBriefInput:
    current_status: str = ""
    tried: list[str] = strawberry.field(default_factory=list)
    next_actions: list[HandoffActionInput] = strawberry.field(default_factory=list)
    risks: list[str] = strawberry.field(default_factory=list)
    links: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class ProposeHandoffInput:
    incident_ids: list[strawberry.ID]
    to_team_id: strawberry.ID
    brief: HandoffBriefInput = strawberry.field(default_factory=HandoffBriefInput)


@strawberry.type
class HandoffQueries:
    @strawberry.field
    async def on_duty(self, info: Info[Context, None], at: datetime | None = None) -> OnDutyType:
        hub = info.context.hub
        return OnDutyType.from_model(await hub.duty.on_duty(at or hub.clock.now()))

    @strawberry.field
    async def handoff_schedule(
        self,
        info: Info[Context, None],
        start: Annotated[datetime, strawberry.argument(name="from")],
        end: Annotated[datetime, strawberry.argument(name="to")],
    ) -> HandoffScheduleType:
        schedule = await info.context.hub.duty.schedule(start, end)
        return HandoffScheduleType.from_model(schedule)

    @strawberry.field
    async def handoffs(
        self,
        info: Info[Context, None],
        region: str | None = None,
        status: HandoffStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[HandoffType]:
        """Newest first; a region matches either side of a handoff."""
        hub = info.context.hub
        principal = info.context.principal
        request = page_request(info, first, after, last, before)
        region_id = (await hub.teams.resolve_region(region)).id if region else None
        within = (principal.region_ids, principal.team_ids) if principal.scoped else None
        page = await hub.handoffs.handoffs.page_handoffs(
            request,
            region_id=region_id,
            status=HandoffStatus(status) if status else None,
            within=within,
        )
        return connection(page, HandoffType.from_model)

    @strawberry.field
    async def handoff(self, info: Info[Context, None], id: strawberry.ID) -> HandoffType:
        found = await info.context.hub.handoffs.handoffs.get(str(id))
        scopes.check_handoff(info.context.principal, found)
        return HandoffType.from_model(found)


@strawberry.type
class HandoffMutations:
    @strawberry.mutation
    async def propose_handoff(
        self, info: Info[Context, None], input: ProposeHandoffInput
    ) -> HandoffType:
        data = build(HandoffPropose, strawberry.asdict(input))
        handoff = await info.context.hub.handoffs.propose(data, actor=info.context.principal.actor)
        return HandoffType.from_model(handoff)

    @strawberry.mutation
    async def accept_handoff(self, info: Info[Context, None], id: strawberry.ID) -> HandoffType:
        handoff = await info.context.hub.handoffs.accept(str(id), by=info.context.principal)
        return HandoffType.from_model(handoff)

    @strawberry.mutation
    async def reject_handoff(
        self, info: Info[Context, None], id: strawberry.ID, reason: str
    ) -> HandoffType:
        handoff = await info.context.hub.handoffs.reject(
            str(id), reason, by=info.context.principal
        )
        return HandoffType.from_model(handoff)


@strawberry.type
class HandoffSubscriptions:
    @strawberry.subscription
    async def handoff_events(
        self, info: Info[Context, None], region: str, after: str | None = None
    ) -> AsyncGenerator[EventType, None]:
        hub = info.context.hub
        region_id = (await hub.teams.resolve_region(region)).id
        scopes.check_subscription(info.context.principal, region_id=region_id, team=None)
        after_seq = None
        if after is not None:
            retention = timedelta(days=hub.settings.event_retention_days)
            after_seq = await check_cursor(hub.events, hub.clock, after, retention)
        query: dict[str, Any] = {"type": {"$in": list(HANDOFF_EVENTS)}, "region_ids": region_id}

        principal = info.context.principal

        def wanted(event: Event) -> bool:
            return (
                event.type in HANDOFF_EVENTS
                and region_id in event.region_ids
                and scopes.allows_event(principal, event)
            )

        # Arguments are checked above, before the stream exists, so a refused
        # one is an `error` message for this operation, as for incident events.
        return live_events(info.context, wanted, query, after_seq)
