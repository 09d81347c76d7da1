"""Concrete working spans from weekly local-time windows.

A :class:`~hub.teams.models.WorkingWindow` says "09:00-17:00 on weekdays" in
a region's own zone. This module turns it into UTC instants, one local day at
a time, so a daylight-saving change moves the UTC instant and keeps the local
wall-clock time (09:00 stays 09:00 local).

Local times that a change skips or repeats are resolved with ``fold=0``:

* a time in the spring-forward gap (02:30 on a day that jumps from 02:00 to
  03:00) is read with the offset in force before the change, so it lands as
  far past the gap as it was into it (02:30 becomes 03:30);
* a time the fall-back repeats (01:30 on a day that goes from 02:00 back to
  01:00) means its first occurrence, still on the summer offset.

A window wholly inside the gap moves past it whole. One that starts in the gap
and ends just after it can come out empty (02:30-03:10 reads as 03:30-03:10);
it has no span that day rather than a negative one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hub.errors import BadInput
from hub.teams.models import Region, WorkingWindow

# A window starting up to two local days before the range can still reach it:
# one for a window that crosses midnight, one for an offset that pushes the
# range's first local date back a day.
_REACH_BACK = timedelta(days=2)
_ONE_DAY = timedelta(days=1)
# The smallest step datetime can take, so [at, at + _TICK) holds only ``at``.
_TICK = timedelta(microseconds=1)
# The instants schedules are worked out for. Lookups reach days to either
# side of what was asked and zone data ends somewhere; these bounds keep that
# arithmetic far from datetime's own limits (years 1 and 9999) while covering
# any date an incident or a rota can have.
EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open stretch of time [start, end), held in UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        # Normalised here so spans from any zone compare and print alike.
        start = require_aware(self.start, "start").astimezone(UTC)
        end = require_aware(self.end, "end").astimezone(UTC)
        if end <= start:
            raise BadInput(f"span end {end} must be after start {start}")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


def require_aware(value: datetime, name: str) -> datetime:
    """``value`` unchanged; a naive datetime is refused, not guessed at."""
    if value.tzinfo is None or value.utcoffset() is None:
        naive = value.isoformat()
        raise BadInput(f"{name} must be timezone-aware, got naive {naive}")
    return value


def check_instant(value: datetime, name: str) -> datetime:
    """``value`` if it is aware and within the years schedules are computed for."""
    require_aware(value, name)
    if not EARLIEST <= value < LATEST:
        raise BadInput(
            f"{name} must be between {EARLIEST.year} and {LATEST.year} (UTC); "
            f"got {value.isoformat()}",
            argument=name,
        )
    return value


def check_range(start: datetime, end: datetime) -> None:
    require_aware(start, "start")
    require_aware(end, "end")
    if end < start:
        raise BadInput(f"range end {end} is before start {start}")


def window_spans(
    window: WorkingWindow,
    zone: str,
    start: datetime,
    end: datetime,
) -> list[Span]:
    """Every occurrence of ``window`` in ``zone`` that overlaps [start, end).

    Spans are whole occurrences, not cut to the range, in time order.
    """
    check_range(start, end)
    tz = ZoneInfo(zone)
    starts_on = {day.iso for day in window.days}
    day = start.astimezone(tz).date() - _REACH_BACK
    last = end.astimezone(tz).date()

    spans: list[Span] = []
    while day <= last:
        if day.isoweekday() in starts_on:
            span = _occurrence(window, tz, day)
            if span is not None and span.overlaps(start, end):
                spans.append(span)
        day += _ONE_DAY
    return spans


def _occurrence(window: WorkingWindow, tz: ZoneInfo, day: date) -> Span | None:
    """The window started on local ``day``; None if a DST gap empties it."""
    end_day = day + _ONE_DAY if window.crosses_midnight else day
    start = _local_instant(day, window.start, tz)
    end = _local_instant(end_day, window.end, tz)
    if end <= start:
        return None
    return Span(start, end)


def _local_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    # fold=0 on purpose: see the module docstring for what it does to skipped
    # and repeated wall-clock times.
    local = datetime.combine(day, wall.replace(tzinfo=None, fold=0), tzinfo=tz)
    return local.astimezone(UTC)


def merge(spans: Sequence[Span]) -> list[Span]:
    """Spans joined where they overlap or touch, in time order."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = Span(last.start, span.end)
        else:
            merged.append(span)
    return merged


def zone_spans(
    zone: str, windows: Sequence[WorkingWindow], start: datetime, end: datetime
) -> list[Span]:
    """All of ``windows`` in ``zone`` over [start, end), merged.

    Only occurrences that overlap the range are merged, so a merged span that
    runs into the range from before it starts where its first overlapping
    occurrence starts.
    """
    return merge([s for w in windows for s in window_spans(w, zone, start, end)])


def region_spans(region: Region, start: datetime, end: datetime) -> list[Span]:
    """A region's working time over [start, end), its windows merged."""
    return zone_spans(region.time_zone, region.working_hours, start, end)


def is_working(
    zone: str,
    windows: Sequence[WorkingWindow],
    at: datetime,
) -> bool:
    """Whether ``at`` falls inside one of ``windows`` read in ``zone``.

    Takes a zone and windows rather than a region so a member's own zone can
    be checked against a team's hours.
    """
    end = require_aware(at, "at") + _TICK
    return any(window_spans(window, zone, at, end) for window in windows)


def region_is_working(region: Region, at: datetime) -> bool:
    return is_working(region.time_zone, region.working_hours, at)
