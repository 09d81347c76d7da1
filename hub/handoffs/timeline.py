"""The sweep behind follow-the-sun ownership.

Time is cut at every instant a region's shift starts or ends. Between two
cuts the set of regions in their window is fixed, so the owner is too, and
one pass over the cuts gives everything: owners, gaps and overlaps. Both
``on_duty`` and ``handoff_schedule`` read the same sweep, which is what keeps
them in agreement.

Regions are referred to by their index in the rotation.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from hub.teams.hours import Span, region_spans
from hub.teams.models import Region

# Weekly windows repeat every 7 days, so a week and a day of history shows
# every region's latest shift and any handoff that can still matter. A shift
# longer than that is round-the-clock coverage.
LOOKBACK = timedelta(days=8)


@dataclass(frozen=True, slots=True)
class Slice:
    """A stretch with a fixed owner and a fixed set of regions in window."""

    start: datetime
    end: datetime
    # None only before the first shift the sweep sees: nobody has owned yet.
    owner: int | None
    # Regions in their window, in rotation order.
    active: tuple[int, ...]


class _Shifts:
    """One region's merged shifts, indexed for "which shift holds t?"."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self.starts = [span.start for span in spans]

    def started_at(self, at: datetime) -> datetime | None:
        """When the shift holding ``at`` started, or None outside shifts."""
        i = bisect_right(self.starts, at) - 1
        if i >= 0 and self.spans[i].contains(at):
            return self.starts[i]
        return None


def sweep(
    rotation: Sequence[Region],
    lo: datetime,
    hi: datetime,
) -> list[Slice]:
    """Slices covering [lo, hi) in order, for a rotation already sorted."""
    shifts = [_Shifts(_clipped(region, lo, hi)) for region in rotation]
    slices: list[Slice] = []
    owner: int | None = None
    for start, end in pairwise(_cuts(shifts, lo, hi)):
        started = _in_window(shifts, start)
        if started:
            owner = _newest(started)
        # With nobody in window the last owner is kept, so owner carries over.
        slices.append(Slice(start, end, owner, tuple(started)))
    return slices


def _in_window(shifts: Sequence[_Shifts], at: datetime) -> dict[int, datetime]:
    """When each region in window at ``at`` began its shift, by index."""
    started: dict[int, datetime] = {}
    for i, sh in enumerate(shifts):
        since = sh.started_at(at)
        if since is not None:
            started[i] = since
    return started


def _clipped(region: Region, lo: datetime, hi: datetime) -> list[Span]:
    # Starts before ``lo`` are cut to ``lo`` so that two round-the-clock
    # regions tie there (and rotation order decides) however far back the
    # caller looked, instead of depending on where each one's days begin.
    spans = region_spans(region, lo, hi)
    return [Span(max(span.start, lo), span.end) for span in spans]


def _cuts(
    shifts: Sequence[_Shifts],
    lo: datetime,
    hi: datetime,
) -> list[datetime]:
    edges = {lo, hi}
    for sh in shifts:
        for span in sh.spans:
            edges.update(t for t in (span.start, span.end) if lo < t < hi)
    return sorted(edges)


def _newest(started: dict[int, datetime]) -> int:
    """The incoming region: latest shift start, then earliest in rotation."""
    return max(started, key=lambda i: (started[i], -i))


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive slices with one owner."""

    start: datetime
    end: datetime
    owner: int | None


def runs(slices: Sequence[Slice]) -> list[Run]:
    merged: list[Run] = []
    for sl in slices:
        if merged and merged[-1].owner == sl.owner:
            merged[-1] = Run(merged[-1].start, sl.end, sl.owner)
        else:
            merged.append(Run(sl.start, sl.end, sl.owner))
    return merged


def stretches(
    slices: Sequence[Slice],
    start: datetime,
    end: datetime,
    keep: Callable[[tuple[int, ...]], bool],
) -> list[tuple[Span, tuple[int, ...]]]:
    """Spans within [start, end) whose regions in window pass ``keep``.

    Neighbouring slices with the same regions in window are joined.
    """
    found: list[tuple[Span, tuple[int, ...]]] = []
    for sl in slices:
        lo, hi = max(sl.start, start), min(sl.end, end)
        if hi <= lo or not keep(sl.active):
            continue
        if found and found[-1][0].end == lo and found[-1][1] == sl.active:
            found[-1] = (Span(found[-1][0].start, hi), sl.active)
        else:
            found.append((Span(lo, hi), sl.active))
    return found
