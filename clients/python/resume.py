"""Subscriptions that outlive their socket: reconnect with backoff, resume by cursor.

Every event carries a cursor. The stream remembers the cursor of the last
event it handed to the caller and, when the socket drops (a hub restart, a
network blip, the hub closing a slow subscriber), subscribes again with
``after`` set to it: the hub replays what was missed, then goes live, so the
caller sees every event once and in order.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from websockets.exceptions import ConnectionClosed, InvalidHandshake

from clients.python.errors import HubClientError, HubUnavailable
from clients.python.models import Event

log = logging.getLogger(__name__)

# Close codes that retrying cannot fix: a malformed request, a bad or
# insufficient credential, a refused subprotocol. Any other close (a restart,
# a slow subscriber dropped by the hub) is worth resuming after.
FATAL_CLOSE_CODES = {
    4400: "BAD_REQUEST",
    4401: "UNAUTHENTICATED",
    4403: "FORBIDDEN",
    4406: "BAD_REQUEST",
}

Opener = Callable[[str | None], AsyncIterator[Event]]
RetryHook = Callable[[float, BaseException], None]


@dataclass(frozen=True)
class Backoff:
    """Delays between attempts: exponential, capped, with jitter."""

    initial: float = 0.2
    factor: float = 2.0
    cap: float = 5.0
    # None retries for ever, which is what a live tail wants.
    max_attempts: int | None = None

    def delay(self, attempt: int) -> float:
        base = min(self.cap, self.initial * self.factor ** max(0, attempt - 1))
        return base * random.uniform(0.75, 1.0)


async def resuming(
    open_stream: Opener,
    *,
    after: str | None,
    backoff: Backoff,
    on_retry: RetryHook | None = None,
) -> AsyncIterator[Event]:
    """Events from successive streams, each opened after the last cursor seen.

    A stream opened without a cursor starts live; if it drops before its
    first event, events in the gap are not replayed. It costs a watcher that
    starts and loses its socket at once those first events; a hub field
    naming the current cursor would let the first subscribe pin its start.
    """
    cursor = after
    attempt = 0
    while True:
        try:
            async for event in open_stream(cursor):
                cursor = event.cursor
                attempt = 0
                yield event
            failure: BaseException = HubUnavailable("the hub ended the subscription")
        except ConnectionClosed as exc:
            _raise_if_fatal(exc)
            failure = exc
        except (OSError, InvalidHandshake, TimeoutError, HubUnavailable) as exc:
            failure = exc
        attempt += 1
        if backoff.max_attempts is not None and attempt > backoff.max_attempts:
            raise HubUnavailable(f"gave up after {attempt - 1} attempts: {failure!r}")
        wait = backoff.delay(attempt)
        log.info(
            "event=sdk.resubscribe attempt=%d wait=%.2f cursor=%s error=%r",
            attempt,
            wait,
            cursor,
            failure,
        )
        if on_retry is not None:
            on_retry(wait, failure)
        await asyncio.sleep(wait)


def _raise_if_fatal(exc: ConnectionClosed) -> None:
    code = exc.rcvd.code if exc.rcvd is not None else None
    if code in FATAL_CLOSE_CODES:
        reason = exc.rcvd.reason if exc.rcvd is not None else ""
        raise HubClientError(
            f"the hub closed the subscription: {code} {reason}".strip(),
            code=FATAL_CLOSE_CODES[code],
        ) from exc
