"""GraphQL type of an event: a timeline entry and a subscription message alike."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from hub.events.models import Event
from schema.context import Context

if TYPE_CHECKING:
    from schema.types.incidents import IncidentType


@strawberry.type(name="IncidentEvent")
class EventType:
    id: strawberry.ID
    cursor: str = strawberry.field(description="Opaque; pass as `after` to resume from here")
    sequence: int = strawberry.field(description="Increases across the whole hub")
    type: str
    occurred_at: datetime
    actor: str
    incident_id: strawberry.ID | None
    region_ids: list[strawberry.ID]
    data: JSON

    @strawberry.field
    async def incident(
        self, info: Info[Context, None]
    ) -> Annotated[IncidentType, strawberry.lazy("schema.types.incidents")] | None:
        from schema.types.incidents import IncidentType

        if self.incident_id is None:
            return None
        found = await info.context.loaders.incident.load(str(self.incident_id))
        return IncidentType.from_model(found) if found else None

    @classmethod
    def from_model(cls, e: Event) -> EventType:
        assert e.seq is not None, "only stored events are shown"
        return cls(
            id=strawberry.ID(e.id),
            cursor=e.cursor,
            sequence=e.seq,
            type=e.type,
            occurred_at=e.occurred_at,
            actor=e.actor,
            incident_id=strawberry.ID(e.incident_id) if e.incident_id else None,
            region_ids=[strawberry.ID(r) for r in e.region_ids],
            data=cast(JSON, e.data),
        )
