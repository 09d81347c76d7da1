"""Downtime and metrics: impact windows, availability, incident metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from hub.analytics.impacts import ImpactCreate
from hub.analytics.metrics import GroupBy
from hub.auth import scopes
from hub.incidents.service import IncidentFilter
from schema import described
from schema.context import Context
from schema.inputs import build
from schema.types.analytics import (
    AvailabilityType,
    GroupByEnum,
    ImpactLevelEnum,
    ImpactType,
    MetricsType,
)


@strawberry.type
class AnalyticsQueries:
    @described.field(
        "Share of [from, to) a service was not DOWN; drills excluded. A scoped token "
        "may ask only about services of teams in its scope."
    )
    async def service_availability(
        self,
        info: Info[Context, None],
        service_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> AvailabilityType:
        await _check_service(info.context, str(service_id))
        found = await info.context.hub.availability.service(str(service_id), from_, to)
        return AvailabilityType.from_model(found)

    @described.field(
        "Incidents declared in [from, to), drills excluded. Days are local "
        "dates in timeZone, else the zone of teamId's region, else UTC; a `from` or `to` "
        "without an offset is wall time in that zone. A scoped token counts only the "
        "incidents it may see."
    )
    async def incident_metrics(
        self,
        info: Info[Context, None],
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        group_by: GroupByEnum = GroupBy.SEVERITY,  # type: ignore[valid-type]
        time_zone: str | None = None,
        team_id: strawberry.ID | None = None,
    ) -> MetricsType:
        report = await info.context.hub.metrics.report_for(
            start=from_,
            end=to,
            group_by=GroupBy(group_by),
            time_zone=time_zone,
            team_id=str(team_id) if team_id is not None else None,
            within=scopes.narrow(info.context.principal, IncidentFilter()),
        )
        return MetricsType.from_model(report)


async def _check_service(context: Context, service_id: str) -> None:
    """A scoped token reads the availability of its own teams' services only:
    the windows name incidents and notes of the owning team."""
    if not context.principal.scoped:
        return
    service = await context.loaders.service.load(service_id)
    team = await context.loaders.team.load(service.team_id) if service else None
    if team is not None:
        scopes.check_team(context.principal, team)


@strawberry.type
class AnalyticsMutations:
    @described.mutation("Record a window when a service was degraded or down")
    async def record_impact(
        self,
        info: Info[Context, None],
        service_id: strawberry.ID,
        level: ImpactLevelEnum,  # type: ignore[valid-type]
        start: datetime,
        end: datetime | None = None,
        incident_id: strawberry.ID | None = None,
        note: str = "",
    ) -> ImpactType:
        values = {
            "service_id": str(service_id),
            "level": level,
            "start": start,
            "end": end,
            "incident_id": str(incident_id) if incident_id else None,
            "note": note,
        }
        impact = await info.context.hub.impacts.record(
            build(ImpactCreate, values), actor=info.context.principal.actor
        )
        return ImpactType.from_model(impact)

    @described.mutation("Close an open impact window (at now by default)")
    async def end_impact(
        self, info: Info[Context, None], id: strawberry.ID, end: datetime | None = None
    ) -> ImpactType:
        impact = await info.context.hub.impacts.end(
            str(id), end=end, actor=info.context.principal.actor
        )
        return ImpactType.from_model(impact)
