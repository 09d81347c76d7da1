"""Follow-the-sun ownership: who owns new incidents, and when it changes hands.

The rotation is the regions sorted by ``rotation_order``. Ownership follows
two rules:

* Overlap: the *incoming* region takes over at the start of its shift, and
  the overlap is briefing time. At any instant the owner is the region in
  window whose current shift started most recently; a tie goes to the region
  earlier in the rotation.
* Gap: when nobody is in window, the last owner keeps ownership, so an
  incident is never without an owner.

Shifts come from :mod:`hub.teams.hours`, so handoffs stay on local wall-clock
time across daylight-saving changes in any region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hub.errors import BadInput
from hub.handoffs.timeline import LOOKBACK, Run, Slice, runs, stretches, sweep
from hub.teams.hours import Span, check_instant, check_range, region_spans
from hub.teams.models import Region

# How far on_duty looks ahead for the next handoff; a rotation that hands
# nothing off in a week and a day never will.
LOOKAHEAD = timedelta(days=8)
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class OnDuty:
    """Who owns new incidents at one instant."""

    region: Region
    # When ``region`` took ownership (the last handoff).
    since: datetime
    # The next handoff, or None when ownership never moves.
    until: datetime | None
    next_region: Region | None
    # False during a gap, when ``region`` keeps ownership out of hours.
    in_window: bool
    # Other regions also in their window now, in rotation order.
    overlapping: list[Region]


@dataclass(frozen=True)
class Handoff:
    at: datetime
    from_region: Region
    to_region: Region
    # ``at`` on each side's wall clock, for display.
    from_local: datetime
    to_local: datetime


@dataclass(frozen=True)
class Overlap:
    span: Span
    # In rotation order; the owner is the one whose shift started last.
    regions: list[Region]


@dataclass(frozen=True)
class Schedule:
    handoffs: list[Handoff]
    # Spans when nobody is in window (the last owner keeps ownership).
    gaps: list[Span]
    overlaps: list[Overlap]


def rotation(regions: Sequence[Region]) -> list[Region]:
    """The regions in follow-the-sun order; equal orders keep input order."""
    if not regions:
        raise BadInput("a rotation needs at least one region")
    return sorted(regions, key=lambda region: region.rotation_order)


def on_duty(regions: Sequence[Region], at: datetime) -> OnDuty:
    """Who owns new incidents at ``at``.

    Some region always owns: during a gap the region that was last on duty
    keeps ownership and ``in_window`` is False. Raises :class:`BadInput` if
    no region has a shift in the week before ``at``.
    """
    ordered = rotation(regions)
    check_instant(at, "at")
    slices = sweep(ordered, at - LOOKBACK, at + LOOKAHEAD)
    now = _slice_at(slices, at)
    if now.owner is None:
        raise BadInput(f"no region in the rotation works in the week before {at}")

    owned = runs(slices)
    i = next(k for k, run in enumerate(owned) if run.start <= at < run.end)
    ends_in_view = i + 1 < len(owned)
    nxt = owned[i + 1].owner if ends_in_view else None
    return OnDuty(
        region=ordered[now.owner],
        since=_since(ordered, owned, i, at),
        until=owned[i].end if ends_in_view else None,
        next_region=None if nxt is None else ordered[nxt],
        in_window=now.owner in now.active,
        overlapping=[ordered[j] for j in now.active if j != now.owner],
    )


def _slice_at(slices: Sequence[Slice], at: datetime) -> Slice:
    return next(sl for sl in slices if sl.start <= at < sl.end)


def _since(
    ordered: Sequence[Region],
    owned: Sequence[Run],
    i: int,
    at: datetime,
) -> datetime:
    run = owned[i]
    if i > 0 and owned[i - 1].owner is not None:
        return run.start
    # No handoff in view: a one-owner rotation. Its latest shift start is the
    # most useful answer, as far back as the look-back reaches.
    assert run.owner is not None
    shifts = region_spans(ordered[run.owner], at - LOOKBACK, at + _TICK)
    started = [span.start for span in shifts if span.start <= at]
    return started[-1] if started else run.start


def handoff_schedule(
    regions: Sequence[Region],
    start: datetime,
    end: datetime,
) -> Schedule:
    """Handoffs, gaps and overlaps in [start, end).

    A handoff is an instant where ``on_duty(regions, t).region`` changes; one
    exactly at ``start`` counts. Gaps and overlaps are cut to the range.
    """
    ordered = rotation(regions)
    check_instant(start, "from")
    check_instant(end, "to")
    check_range(start, end)
    slices = sweep(ordered, start - LOOKBACK, end)
    handoffs = [
        _handoff(ordered, before, after)
        for before, after in pairwise(slices)
        if after.start >= start and before.owner not in (None, after.owner)
    ]
    overlaps = [
        Overlap(span, [ordered[j] for j in active])
        for span, active in stretches(slices, start, end, _crowded)
    ]
    gaps = [span for span, _ in stretches(slices, start, end, _empty)]
    return Schedule(handoffs=handoffs, gaps=gaps, overlaps=overlaps)


def _crowded(active: tuple[int, ...]) -> bool:
    return len(active) > 1


def _empty(active: tuple[int, ...]) -> bool:
    return not active


def _handoff(
    ordered: Sequence[Region],
    before: Slice,
    after: Slice,
) -> Handoff:
    assert before.owner is not None and after.owner is not None
    giver, taker = ordered[before.owner], ordered[after.owner]
    return Handoff(
        at=after.start,
        from_region=giver,
        to_region=taker,
        from_local=after.start.astimezone(ZoneInfo(giver.time_zone)),
        to_local=after.start.astimezone(ZoneInfo(taker.time_zone)),
    )
