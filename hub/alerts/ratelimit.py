"""Ingest rate limits, so one noisy monitor cannot starve the rest and
guessed keys cannot buy a database lookup each.

Two counts: requests per integration key, taken once the key is known to be
valid (so random keys make no buckets), and unknown keys per client
address. An address past its unknown-key allowance is refused before the
lookup, except for keys that already worked from it, so a sender sharing an
address (a NAT, a proxy) with a key-guesser keeps delivering. A valid key
that is new to such an address waits out the window.

Counted in this process's memory with a moving window. With several
replicas behind a load balancer each one counts on its own, so a key may
reach N times the limit; pointing ``limits`` at a shared store (it has a
MongoDB one) would make the count global, at a round trip per request.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict

from limits import RateLimitItem, RateLimitItemPerMinute, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from hub.errors import RateLimited

UNKNOWN_KEYS_PER_ADDRESS = RateLimitItemPerMinute(20)
# Keys seen valid, remembered to let them past an address's refusal.
KNOWN_KEYS_KEPT = 10_000


def _digest(source: str, key: str) -> str:
    # Keys are secrets: only a digest is held in memory.
    return hashlib.sha256(f"{source}\x00{key}".encode()).hexdigest()[:32]


class IngestLimiter:
    def __init__(self, rate: str) -> None:
        self._item: RateLimitItem = parse(rate)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._known: OrderedDict[str, None] = OrderedDict()

    async def before_lookup(self, address: str, source: str, key: str) -> None:
        """:class:`RateLimited` when ``address`` has guessed too many keys."""
        if _digest(source, key) in self._known:
            return
        item = UNKNOWN_KEYS_PER_ADDRESS
        if await self._limiter.test(item, "unknown-key", address):
            return
        retry = await self._retry(item, "unknown-key", address)
        raise RateLimited(
            f"more than {item} unknown integration keys from this address; retry in {retry} s",
            retry_after=retry,
        )

    async def lookup_failed(self, address: str, source: str, key: str) -> None:
        self._known.pop(_digest(source, key), None)  # disabled or rotated since
        await self._limiter.hit(UNKNOWN_KEYS_PER_ADDRESS, "unknown-key", address)

    async def hit(self, source: str, key: str) -> None:
        """Count one request with a valid key; :class:`RateLimited` when the
        key is over its rate."""
        ident = _digest(source, key)
        self._remember(ident)
        if await self._limiter.hit(self._item, "ingest", ident):
            return
        retry = await self._retry(self._item, "ingest", ident)
        raise RateLimited(
            f"more than {self._item} alerts for this key; retry in {retry} s",
            retry_after=retry,
        )

    def _remember(self, ident: str) -> None:
        self._known[ident] = None
        self._known.move_to_end(ident)
        if len(self._known) > KNOWN_KEYS_KEPT:
            self._known.popitem(last=False)

    async def _retry(self, item: RateLimitItem, *ids: str) -> int:
        stats = await self._limiter.get_window_stats(item, *ids)
        return max(1, math.ceil(stats.reset_time - time.time()))
