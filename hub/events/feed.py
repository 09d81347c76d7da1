"""Live fan-out: every stored event, in sequence order, to local subscribers.

Each hub process runs one feed. Events written by this process are offered to
it the moment they are stored; events written by other replicas arrive through
a change stream on a real replica set, or by tailing the log where the engine
has none. Either way, events are released strictly in sequence order: a hole
(a writer that has taken a number but not yet stored its event) is waited for,
briefly, and skipped only if it never fills.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from hub.events.log import EventLog
from hub.events.models import Event
from hub.events.subscriber import Ended, Overflow, Predicate, Subscriber
from hub.storage.client import Database

__all__ = ["EventFeed", "Overflow", "Predicate", "Subscriber"]

log = logging.getLogger(__name__)

# While a hole is open the log is read this often (seconds), not in a busy loop.
GAP_POLL = 0.02


class EventFeed:
    def __init__(
        self,
        db: Database,
        log_: EventLog,
        *,
        gap_wait: float = 2.0,
        tail_interval: float = 0.25,
    ) -> None:
        self._db = db
        self._log = log_
        self._gap_wait = gap_wait
        self._tail_interval = tail_interval
        self._pending: dict[int, Event] = {}
        self._gap_since: float | None = None
        self._subscribers: set[Subscriber] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._wake = asyncio.Event()
        self._advanced = asyncio.Event()
        self._ended: Ended | None = None
        # Numbers given up on, remembered briefly to report a late arrival.
        self._skipped: set[int] = set()
        self.next_seq = 1
        log_.on_stored(self.offer)

    @property
    def released(self) -> int:
        """The last sequence number handed to subscribers."""
        return self.next_seq - 1

    async def start(self) -> None:
        self.next_seq = await self._log.last_seq() + 1
        if self._db.supports_change_streams:
            self._tasks.append(asyncio.create_task(self._follow_stream()))
        self._tasks.append(asyncio.create_task(self._tail()))
        log.info("event=feed.started next_seq=%d", self.next_seq)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    def subscribe(self, predicate: Predicate, *, maxsize: int = 1000) -> Subscriber:
        sub = Subscriber(predicate, maxsize)
        sub.watermark = self.released
        if self._ended is not None:
            sub.end(self._ended)
        else:
            self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def end_all(self, why: Ended = Ended.DRAIN) -> None:
        """Each subscriber gets what is already released, then its stream ends."""
        self._ended = why
        for sub in self._subscribers:
            sub.end(why)

    async def wait_released(self, seq: int, *, within: float) -> bool:
        """Wait until every event up to ``seq`` is released (or skipped)."""
        deadline = time.monotonic() + within
        while self.released < seq:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._wake.set()
            self._advanced.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._advanced.wait(), min(left, GAP_POLL * 5))
        return True

    def offer(self, events: list[Event]) -> None:
        for event in events:
            if event.seq is None:
                continue
            if event.seq >= self.next_seq:
                self._pending[event.seq] = event
            elif event.seq in self._skipped:
                # Stored after its hole was given up on: replay by cursor still
                # finds it, live subscribers did not get it.
                self._skipped.discard(event.seq)
                log.warning("event=feed.late_event seq=%d released=%d", event.seq, self.released)
        self._release()

    def _release(self) -> None:
        before = self.next_seq
        while self.next_seq in self._pending:
            event = self._pending.pop(self.next_seq)
            self.next_seq += 1
            for sub in self._subscribers:
                sub.offer(event)
        if self.next_seq != before:
            self._advanced.set()
        if not self._pending:
            self._gap_since = None
        elif self._gap_since is None:
            self._gap_since = time.monotonic()
            self._wake.set()

    def _skip_stale_gap(self) -> None:
        if self._gap_since is None or not self._pending:
            return
        if time.monotonic() - self._gap_since < self._gap_wait:
            return
        resume = min(self._pending)
        log.warning("event=feed.gap_skipped missing_from=%d resume_at=%d", self.next_seq, resume)
        if len(self._skipped) > 10_000:
            self._skipped.clear()
        self._skipped.update(range(self.next_seq, resume))
        self.next_seq = resume
        self._gap_since = None
        self._release()

    async def _tail(self) -> None:
        while True:
            interval = GAP_POLL if self._gap_since is not None else self._tail_interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
            self._wake.clear()
            try:
                self.offer(await self._log.read(after=self.released, limit=1000))
            except Exception:
                log.exception(
                    "event=feed.poll_failed next_seq=%d retry_in=%.2fs",
                    self.next_seq,
                    self._tail_interval,
                )
            self._skip_stale_gap()

    async def _follow_stream(self) -> None:
        while True:
            try:
                async for doc in self._db["events"].watch_inserts():
                    self.offer([Event.model_validate(doc)])
            except Exception:
                log.exception("event=feed.stream_failed retry_in=1s")
                await asyncio.sleep(1)
