"""Graceful shutdown of live connections: every committed event, then 1001.

When a hub stops, the events already committed must still reach the sockets
that are subscribed to them. The drain notes the last sequence number taken
when shutdown begins, waits for the feed to release everything up to it, then
ends every subscriber's stream after the events it already holds. Each live
connection (registered here by the websocket edge) sends what it has and
closes with 1001, "going away"; a client resumes elsewhere by cursor.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from hub.events.feed import EventFeed
from hub.events.log import EventLog
from hub.events.subscriber import Ended

log = logging.getLogger(__name__)

GOING_AWAY = 1001


class Drainable(Protocol):
    async def drain(self, code: int, reason: str) -> None:
        """Deliver what is buffered, then close with ``code``."""
        ...


class Drain:
    def __init__(self, log_: EventLog, feed: EventFeed, *, release_wait: float) -> None:
        self._log = log_
        self._feed = feed
        self._release_wait = release_wait
        self._live: set[Drainable] = set()
        self.draining = False

    def register(self, conn: Drainable) -> None:
        self._live.add(conn)

    def unregister(self, conn: Drainable) -> None:
        self._live.discard(conn)

    @property
    def live_count(self) -> int:
        return len(self._live)

    async def run(self, *, within: float = 10.0) -> None:
        """Drain every live connection; returns once all are closed, or after ``within``."""
        if self.draining:
            return
        self.draining = True
        cut = await self._log.last_seq()
        # A hole below the cut is waited for as long as the feed would wait.
        if not await self._feed.wait_released(cut, within=self._release_wait):
            log.warning(
                "event=drain.release_incomplete cut=%d released=%d", cut, self._feed.released
            )
        self._feed.end_all(Ended.DRAIN)
        conns = list(self._live)
        log.info("event=drain.started cut=%d connections=%d", cut, len(conns))
        closing = [asyncio.create_task(c.drain(GOING_AWAY, "server shutting down")) for c in conns]
        if not closing:
            return
        done, pending = await asyncio.wait(closing, timeout=within)
        for task in pending:
            task.cancel()
        failed = sum(1 for t in done if not t.cancelled() and t.exception() is not None)
        log.info(
            "event=drain.finished closed=%d timed_out=%d failed=%d",
            len(done),
            len(pending),
            failed,
        )
