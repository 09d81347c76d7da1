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
from collections.abc import Callable

from hub.events.log import EventLog
from hub.events.models import Event
from hub.storage.client import Database

log = logging.getLogger(__name__)

Predicate = Callable[[Event], bool]


class Overflow(Exception):
    """Raised to a subscriber that fell further behind than its buffer allows."""


class Subscriber:
    """One consumer's bounded buffer of released events."""

    def __init__(self, predicate: Predicate, maxsize: int) -> None:
        self.predicate = predicate
        # None in the queue marks an overflow, so the consumer learns of it
        # at once instead of after the events still buffered.
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize)
        self.overflowed = False
        # Sequence released just before this subscriber joined; everything
        # after it reaches the queue.
        self.watermark = 0

    def offer(self, event: Event) -> None:
        if self.overflowed or not self.predicate(event):
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
            self.queue.put_nowait(None)

    async def get(self) -> Event:
        event = await self.queue.get()
        if event is None:
            raise Overflow("subscriber fell behind its buffer")
        return event


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
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def offer(self, events: list[Event]) -> None:
        for event in events:
            if event.seq is not None and event.seq >= self.next_seq:
                self._pending[event.seq] = event
        self._release()

    def _release(self) -> None:
        while self.next_seq in self._pending:
            event = self._pending.pop(self.next_seq)
            self.next_seq += 1
            for sub in list(self._subscribers):
                sub.offer(event)
        if self._pending:
            if self._gap_since is None:
                self._gap_since = time.monotonic()
            self._wake.set()
        else:
            self._gap_since = None

    def _skip_stale_gap(self) -> None:
        if self._gap_since is None or not self._pending:
            return
        if time.monotonic() - self._gap_since < self._gap_wait:
            return
        resume = min(self._pending)
        log.warning("event=feed.gap_skipped missing_from=%d resume_at=%d", self.next_seq, resume)
        self.next_seq = resume
        self._gap_since = None
        self._release()

    async def _tail(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._tail_interval)
            self._wake.clear()
            try:
                self.offer(await self._log.read(after=self.released, limit=1000))
            except Exception:
                log.exception("event=feed.poll_failed next_seq=%d retry_in=%.2fs",
                              self.next_seq, self._tail_interval)
            self._skip_stale_gap()

    async def _follow_stream(self) -> None:
        while True:
            try:
                async for doc in self._db["events"].watch_inserts():
                    self.offer([Event.model_validate(doc)])
            except Exception:
                log.exception("event=feed.stream_failed retry_in=1s")
                await asyncio.sleep(1)
