"""Subscriptions: live incident events for a region, a team or one incident."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import timedelta
from typing import Any

import strawberry
from strawberry.types import Info

from hub.auth import scopes
from hub.events.models import Event
from hub.events.stream import check_cursor, stream
from schema.context import Context
from schema.types.events import EventType


@strawberry.type
class EventSubscriptions:
    @strawberry.subscription(
        description="Incident events, in sequence order. Pass a cursor as `after` to "
        "receive what you missed first."
    )
    async def incident_events(
        self,
        info: Info[Context, None],
        region: str | None = None,
        team_id: strawberry.ID | None = None,
        incident_id: strawberry.ID | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[EventType, None]:
        hub = info.context.hub
        principal = info.context.principal
        query: dict[str, Any] = {"incident_id": {"$ne": None}}
        region_id = None
        if region is not None:
            region_id = (await hub.teams.resolve_region(region)).id
            query["region_ids"] = region_id
        team = None
        if team_id is not None:
            team = await hub.teams.teams.get(str(team_id))
            query["team_ids"] = str(team_id)
        if incident_id is not None:
            scopes.check_incident(principal, await hub.incidents.get(str(incident_id)))
            query["incident_id"] = str(incident_id)
        scopes.check_subscription(principal, region_id=region_id, team=team)
        after_seq = None
        if after is not None:
            retention = timedelta(days=hub.settings.event_retention_days)
            after_seq = await check_cursor(hub.events, hub.clock, after, retention)
        # Arguments are checked above, before the stream exists, so a bad one is
        # an `error` message for this operation rather than a broken stream.
        wanted = wanted_for(region_id, team_id, incident_id)
        return live_events(
            info.context,
            lambda e: wanted(e) and scopes.allows_event(principal, e),
            query,
            after_seq,
        )


def wanted_for(
    region_id: str | None, team_id: str | None, incident_id: str | None
) -> Callable[[Event], bool]:
    def wanted(event: Event) -> bool:
        return (
            event.incident_id is not None
            and (region_id is None or region_id in event.region_ids)
            and (team_id is None or str(team_id) in event.team_ids)
            and (incident_id is None or event.incident_id == str(incident_id))
        )

    return wanted


async def live_events(
    context: Context,
    wanted: Callable[[Event], bool],
    query: dict[str, Any],
    after: int | None,
) -> AsyncGenerator[EventType, None]:
    """The stored and then live events ``wanted`` picks, each read afresh."""
    hub = context.hub
    async for event in stream(hub.events, hub.feed, wanted, query=query, after=after):
        context.fresh_loaders()
        yield EventType.from_model(event)
