"""One consumer's bounded buffer of released events.

The buffer never drops a single event and carries on: a consumer that falls
further behind than its bound loses the whole buffer at once and learns of it
on its next read, so it can resume from the last cursor it really received.
Dropping one event quietly would leave a hole that a cursor cannot see.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from enum import Enum

from hub.events.models import Event

Predicate = Callable[[Event], bool]


class Overflow(Exception):
    """Raised to a subscriber that fell further behind than its buffer allows."""


class Ended(Enum):
    """Why a subscriber's stream stopped without an error."""

    DRAIN = "drain"


class Subscriber:
    def __init__(self, predicate: Predicate, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, got {maxsize}")
        self.predicate = predicate
        self.maxsize = maxsize
        self.overflowed = False
        self.ended: Ended | None = None
        # Sequence released just before this subscriber joined; everything
        # after it reaches the buffer.
        self.watermark = 0
        self._buffer: deque[Event] = deque()
        self._ready = asyncio.Event()

    def offer(self, event: Event) -> None:
        if self.overflowed or self.ended is not None or not self.predicate(event):
            return
        if len(self._buffer) >= self.maxsize:
            self.overflowed = True
            self._buffer.clear()
        else:
            self._buffer.append(event)
        self._ready.set()

    def end(self, why: Ended) -> None:
        """Stop after the events already buffered; new ones are not taken."""
        if self.ended is None:
            self.ended = why
            self._ready.set()

    @property
    def backlog(self) -> int:
        return len(self._buffer)

    async def get(self) -> Event | None:
        """The next event; ``None`` once the stream has ended and is drained."""
        while True:
            if self.overflowed:
                raise Overflow(f"subscriber fell more than {self.maxsize} events behind")
            if self._buffer:
                return self._buffer.popleft()
            if self.ended is not None:
                return None
            self._ready.clear()
            await self._ready.wait()
