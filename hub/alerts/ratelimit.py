"""Per-key ingest rate limits, so one noisy monitor cannot starve the rest.

Counted in this process's memory with a moving window. With several
replicas behind a load balancer each one counts on its own, so a key may
reach N times the limit; pointing ``limits`` at a shared store (it has a
MongoDB one) would make the count global, at a round trip per request.
"""

from __future__ import annotations

import hashlib
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from hub.errors import RateLimited


class IngestLimiter:
    def __init__(self, rate: str) -> None:
        self._item: RateLimitItem = parse(rate)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def hit(self, source: str, key: str) -> None:
        """Count one request; :class:`RateLimited` when the key is over its rate."""
        # Keys are secrets: only a digest is held in memory.
        ident = hashlib.sha256(f"{source}\x00{key}".encode()).hexdigest()[:32]
        if await self._limiter.hit(self._item, "ingest", ident):
            return
        stats = await self._limiter.get_window_stats(self._item, "ingest", ident)
        retry = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"more than {self._item} alerts for this key; retry in {retry} s",
            retry_after=retry,
        )
