"""A subscriber's stream: what it missed, from the log, then live, seamlessly.

The live subscription is opened first and remembers the last sequence the feed
had released at that moment (its watermark). The replay reads the log only up
to that watermark, and everything after it arrives through the subscription,
so nothing falls between the two and nothing comes twice.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import timedelta
from typing import Any

from hub.clock import Clock
from hub.errors import BadInput
from hub.events.feed import EventFeed
from hub.events.log import EventLog
from hub.events.models import Event, decode_cursor

log = logging.getLogger(__name__)

REPLAY_BATCH = 500


class CursorExpired(BadInput):
    """Raised for a cursor older than the replay window: re-query, then subscribe."""


async def check_cursor(
    events: EventLog, clock: Clock, cursor: str, retention: timedelta
) -> int:
    seq = decode_cursor(cursor)
    if seq == 0:
        return 0
    event = await events.at(seq)
    if event is None or event.occurred_at < clock.now() - retention:
        raise CursorExpired(
            "this cursor is older than the replay window (or unknown); "
            "re-query the current state, then subscribe without `after`",
            argument="after",
        )
    return seq


async def stream(
    events: EventLog,
    feed: EventFeed,
    predicate: Callable[[Event], bool],
    *,
    query: Mapping[str, Any],
    after: int | None,
    maxsize: int = 1000,
) -> AsyncIterator[Event]:
    sub = feed.subscribe(predicate, maxsize=maxsize)
    try:
        last = sub.watermark
        if after is not None:
            last = after
            while last < sub.watermark:
                batch = await events.read(
                    after=last, until=sub.watermark, query=query, limit=REPLAY_BATCH
                )
                for event in batch:
                    if predicate(event):
                        yield event
                if len(batch) < REPLAY_BATCH:
                    break
                last = batch[-1].seq or last
            last = sub.watermark
        while True:
            event = await sub.get()
            if event.seq is not None and event.seq > last:
                last = event.seq
                yield event
    finally:
        feed.unsubscribe(sub)
