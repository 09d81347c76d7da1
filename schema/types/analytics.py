"""GraphQL types for downtime, availability and incident metrics."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from hub.analytics.availability import Availability
from hub.analytics.impacts import Impact, ImpactLevel
from hub.analytics.metrics import Bucket, GroupBy, MetricsReport
from schema.context import Context
from schema.types.teams import ServiceType

ImpactLevelEnum = strawberry.enum(ImpactLevel, name="ImpactLevel")
GroupByEnum = strawberry.enum(GroupBy, name="MetricsGroupBy")


@strawberry.type(name="ImpactWindow")
class ImpactType:
    id: strawberry.ID
    service_id: strawberry.ID
    level: ImpactLevelEnum  # type: ignore[valid-type]
    start: datetime
    end: datetime | None = strawberry.field(description="Null while the impact goes on")
    incident_id: strawberry.ID | None
    drill: bool
    note: str
    recorded_by: str

    @strawberry.field
    async def service(self, info: Info[Context, None]) -> ServiceType | None:
        found = await info.context.loaders.service.load(str(self.service_id))
        return ServiceType.from_model(found) if found else None

    @classmethod
    def from_model(cls, i: Impact) -> ImpactType:
        return cls(
            id=strawberry.ID(i.id),
            service_id=strawberry.ID(i.service_id),
            level=i.level,
            start=i.start,
            end=i.end,
            incident_id=strawberry.ID(i.incident_id) if i.incident_id else None,
            drill=i.exercise,
            note=i.note,
            recorded_by=i.recorded_by,
        )


@strawberry.type(name="ServiceAvailability")
class AvailabilityType:
    service_id: strawberry.ID
    start: datetime = strawberry.field(name="from")
    end: datetime = strawberry.field(
        name="to", description="The end measured: never later than now"
    )
    availability: float = strawberry.field(description="Share of the period not DOWN, 0..1")
    period_seconds: float
    down_seconds: float
    degraded_seconds: float = strawberry.field(description="Degraded and not also down")
    windows: list[ImpactType]

    @classmethod
    def from_model(cls, a: Availability) -> AvailabilityType:
        return cls(
            service_id=strawberry.ID(a.service_id),
            start=a.start,
            end=a.end,
            availability=a.availability,
            period_seconds=a.period_seconds,
            down_seconds=a.down_seconds,
            degraded_seconds=a.degraded_seconds,
            windows=[ImpactType.from_model(w) for w in a.windows],
        )


@strawberry.type(name="MetricsBucket")
class BucketType:
    key: str = strawberry.field(description="Region or team id, severity, or local date")
    label: str
    count: int
    acknowledged: int = strawberry.field(
        description="Incidents a person moved out of TRIGGERED: acknowledged, or put "
        "straight into a later status"
    )
    resolved: int
    mtta_seconds: float | None = strawberry.field(
        description="Mean time from TRIGGERED to that first move by a person"
    )
    mttr_seconds: float | None
    handoffs: int
    handoffs_accepted: int
    handoff_acceptance_seconds: float | None = strawberry.field(
        description="Mean time from a handoff's proposal to its acceptance"
    )

    @classmethod
    def from_model(cls, b: Bucket) -> BucketType:
        return cls(
            key=b.key,
            label=b.label,
            count=b.count,
            acknowledged=len(b.ack_seconds),
            resolved=len(b.resolve_seconds),
            mtta_seconds=b.mtta_seconds,
            mttr_seconds=b.mttr_seconds,
            handoffs=b.handoffs,
            handoffs_accepted=len(b.acceptance_seconds),
            handoff_acceptance_seconds=b.handoff_acceptance_seconds,
        )


@strawberry.type(name="IncidentMetrics")
class MetricsType:
    start: datetime = strawberry.field(name="from")
    end: datetime = strawberry.field(name="to")
    time_zone: str
    group_by: GroupByEnum  # type: ignore[valid-type]
    total: BucketType
    groups: list[BucketType]
    days: list[BucketType] = strawberry.field(
        description="One bucket per local date in timeZone, keyed YYYY-MM-DD"
    )

    @classmethod
    def from_model(cls, r: MetricsReport) -> MetricsType:
        return cls(
            start=r.period.start,
            end=r.period.end,
            time_zone=r.period.time_zone,
            group_by=r.group_by,
            total=BucketType.from_model(r.total),
            groups=[BucketType.from_model(b) for b in r.groups],
            days=[BucketType.from_model(b) for b in r.days],
        )
