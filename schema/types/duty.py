"""GraphQL types for on-duty answers and handoff schedules."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hub.handoffs.duty import Duty
from hub.handoffs.rotation import Schedule
from schema.types.teams import RegionType, TeamType


@strawberry.type(name="OnDuty")
class OnDutyType:
    region: RegionType
    team: TeamType | None = strawberry.field(
        description="The region's on-duty team: its first team by name"
    )
    since: datetime = strawberry.field(description="When this region took ownership")
    until: datetime | None = strawberry.field(description="The next handoff, if any")
    next_region: RegionType | None
    in_window: bool = strawberry.field(
        description="False in a gap: the last region on duty keeps ownership out of hours"
    )
    overlapping: list[RegionType] = strawberry.field(
        description="Other regions in their working window now"
    )

    @classmethod
    def from_model(cls, duty: Duty) -> OnDutyType:
        d = duty.on_duty
        return cls(
            region=RegionType.from_model(d.region),
            team=TeamType.from_model(duty.team) if duty.team else None,
            since=d.since,
            until=d.until,
            next_region=RegionType.from_model(d.next_region) if d.next_region else None,
            in_window=d.in_window,
            overlapping=[RegionType.from_model(r) for r in d.overlapping],
        )


@strawberry.type(name="ShiftHandoff")
class ShiftHandoffType:
    at: datetime = strawberry.field(description="The handoff instant, in UTC")
    from_region: RegionType
    to_region: RegionType
    from_local: datetime = strawberry.field(description="`at` on the outgoing region's clock")
    to_local: datetime = strawberry.field(description="`at` on the incoming region's clock")


@strawberry.type(name="TimeSpan")
class TimeSpanType:
    start: datetime
    end: datetime


@strawberry.type(name="OverlapSpan")
class OverlapSpanType:
    start: datetime
    end: datetime
    regions: list[RegionType]


@strawberry.type(name="HandoffSchedule")
class HandoffScheduleType:
    handoffs: list[ShiftHandoffType]
    gaps: list[TimeSpanType] = strawberry.field(
        description="Nobody in window; the last owner keeps ownership"
    )
    overlaps: list[OverlapSpanType]

    @classmethod
    def from_model(cls, s: Schedule) -> HandoffScheduleType:
        return cls(
            handoffs=[
                ShiftHandoffType(
                    at=h.at,
                    from_region=RegionType.from_model(h.from_region),
                    to_region=RegionType.from_model(h.to_region),
                    from_local=h.from_local,
                    to_local=h.to_local,
                )
                for h in s.handoffs
            ],
            gaps=[TimeSpanType(start=g.start, end=g.end) for g in s.gaps],
            overlaps=[
                OverlapSpanType(
                    start=o.span.start,
                    end=o.span.end,
                    regions=[RegionType.from_model(r) for r in o.regions],
                )
                for o in s.overlaps
            ],
        )
