"""Availability of a service over a period: the share of time it was not DOWN.

Windows are clipped to the period and merged before they are measured, so two
overlapping reports of one outage count once. Degraded time is reported apart
and only where the service was not also down. A window still open counts up to
now, and a period reaching past now is measured up to now: the future has
neither uptime nor downtime yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from hub.analytics.impacts import Impact, ImpactLevel, ImpactService
from hub.analytics.periods import to_utc
from hub.clock import Clock
from hub.errors import BadInput

Span = tuple[datetime, datetime]


def merged(spans: Iterable[Span]) -> list[Span]:
    """``spans`` as disjoint spans in order; touching or overlapping ones join."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def seconds(spans: Iterable[Span]) -> float:
    return sum((end - start).total_seconds() for start, end in spans)


def clipped(impacts: Sequence[Impact], level: set[ImpactLevel], period: Span) -> list[Span]:
    start, end = period
    spans = []
    for impact in impacts:
        if impact.level not in level:
            continue
        lo = max(impact.start, start)
        hi = min(impact.end or end, end)
        if lo < hi:
            spans.append((lo, hi))
    return merged(spans)


@dataclass(frozen=True)
class Availability:
    service_id: str
    start: datetime
    end: datetime
    availability: float
    down_seconds: float
    degraded_seconds: float
    windows: list[Impact]

    @property
    def period_seconds(self) -> float:
        return (self.end - self.start).total_seconds()


class AvailabilityReport:
    def __init__(self, impacts: ImpactService, clock: Clock) -> None:
        self._impacts = impacts
        self._clock = clock

    async def service(self, service_id: str, start: datetime, end: datetime) -> Availability:
        start, end = to_utc(start, "from"), to_utc(end, "to")
        if end <= start:
            raise BadInput("`to` must be after `from`", argument="to")
        now = self._clock.now()
        if start >= now:
            raise BadInput("the period starts in the future", argument="from")
        await self._impacts.teams.services.get(service_id)
        end = min(end, now)
        period = (start, end)
        windows = await self._impacts.overlapping(service_id, start, end)
        # Ongoing windows end at the measured end; clipped() handles that.
        down = seconds(clipped(windows, {ImpactLevel.DOWN}, period))
        hit = seconds(clipped(windows, {ImpactLevel.DOWN, ImpactLevel.DEGRADED}, period))
        total = (end - start).total_seconds()
        return Availability(
            service_id=service_id,
            start=start,
            end=end,
            availability=1.0 - down / total,
            down_seconds=down,
            degraded_seconds=hit - down,
            windows=windows,
        )
