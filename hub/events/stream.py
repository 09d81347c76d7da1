"""A subscriber's stream: what it missed, from the log, then live, seamlessly.

A client that resumes far behind first catches up from the log without
holding a live buffer (which would fill during a long replay). Close to the
live edge it joins the feed, which remembers the last sequence released at
that moment (the watermark); the log is read up to the watermark and
everything after it arrives live, so nothing falls between the two and
nothing comes twice.

The websocket edge runs one stream for a whole group of identical
subscriptions and needs to know where each event sits in the sequence; it
passes a :class:`StreamControl` through :data:`current_control` and the
stream reports into it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from hub.clock import Clock
from hub.errors import BadInput
from hub.events.feed import EventFeed
from hub.events.log import EventLog
from hub.events.models import Event, decode_cursor
from hub.events.subscriber import Ended, Overflow

log = logging.getLogger(__name__)

REPLAY_BATCH = 500

Predicate = Callable[[Event], bool]


class CursorExpired(BadInput):
    """Raised for a cursor older than the replay window: re-query, then subscribe."""


class StreamControl:
    """What one consumer of :func:`stream` asks of it and learns from it."""

    def __init__(self, *, until: int | None = None) -> None:
        # Replay up to this sequence only, then stop: no live part.
        self.until = until
        # The sequence after which the live part starts; set once joined.
        self.watermark: int | None = None
        self.joined = asyncio.Event()
        # The sequence of the event most recently yielded.
        self.last_seq: int | None = None
        self.ended: Ended | None = None
        self.overflowed = False


current_control: ContextVar[StreamControl | None] = ContextVar(
    "current_stream_control", default=None
)


async def check_cursor(events: EventLog, clock: Clock, cursor: str, retention: timedelta) -> int:
    seq = decode_cursor(cursor)
    if seq == 0:
        # "From the beginning" is allowed while the beginning is in the window.
        first = await events.read(after=0, limit=1)
        event = first[0] if first else None
        if event is None:
            return 0
    else:
        event = await events.at(seq)
    if event is None or event.occurred_at < clock.now() - retention:
        raise CursorExpired(
            "this cursor is older than the replay window (or unknown); "
            "re-query the current state, then subscribe without `after`",
            argument="after",
        )
    return seq


async def _replay(
    events: EventLog, predicate: Predicate, query: Mapping[str, Any], after: int, until: int
) -> AsyncIterator[Event]:
    last = after
    while last < until:
        batch = await events.read(after=last, until=until, query=query, limit=REPLAY_BATCH)
        for event in batch:
            if predicate(event):
                yield event
        if len(batch) < REPLAY_BATCH:
            return
        last = batch[-1].seq or last


async def stream(
    events: EventLog,
    feed: EventFeed,
    predicate: Predicate,
    *,
    query: Mapping[str, Any],
    after: int | None,
    maxsize: int = 1000,
) -> AsyncIterator[Event]:
    control = current_control.get() or StreamControl()
    if control.until is not None:
        async for event in _replay(events, predicate, query, after or 0, control.until):
            control.last_seq = event.seq
            yield event
        return

    position = after
    while position is not None and feed.released - position > REPLAY_BATCH:
        target = feed.released
        async for event in _replay(events, predicate, query, position, target):
            control.last_seq = event.seq
            yield event
        position = target

    sub = feed.subscribe(predicate, maxsize=maxsize)
    control.watermark = sub.watermark
    control.joined.set()
    try:
        if position is not None:
            async for event in _replay(events, predicate, query, position, sub.watermark):
                control.last_seq = event.seq
                yield event
        position = max(position or 0, sub.watermark)
        while (live := await sub.get()) is not None:
            if live.seq is not None and live.seq > position:
                position = live.seq
                control.last_seq = live.seq
                yield live
        control.ended = sub.ended
    except Overflow:
        control.overflowed = True
        log.info("event=stream.overflow watermark=%d position=%d", sub.watermark, position)
        raise
    finally:
        feed.unsubscribe(sub)
