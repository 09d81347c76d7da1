"""One subscription on one socket, fed by its group: bounded, in order, never blocking.

The group sends each frame to its members one after another, inline, because a
send to a healthy socket finishes without ever suspending and one task per
send costs more than the send itself. A send that does suspend (its socket is
backed up) is handed to the member's own task to finish, and later frames wait
in the member's bounded backlog, so one slow socket never holds up its group.
A member whose backlog passes its bound is closed with :data:`BEHIND_CODE`
and resumes by cursor.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Coroutine, Generator
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

# Close code for a subscriber that fell further behind than its buffer.
BEHIND_CODE = 4499
BEHIND_REASON = "subscriber fell behind; resume with the last cursor received"

Frame = tuple[int | None, str]


class TextSocket(Protocol):
    async def send_text(self, data: str) -> None: ...


@dataclass(frozen=True)
class Complete:
    """The stream ended: send ``complete``."""


@dataclass(frozen=True)
class Errors:
    """The operation failed before its first result: send ``error``."""

    payload: list[Any]


@dataclass(frozen=True)
class Close:
    """Close the whole socket with ``code``."""

    code: int
    reason: str


@dataclass(frozen=True)
class Quiet:
    """Stop without a message: the connection itself is being closed."""


Outcome = Complete | Errors | Close | Quiet

_Suspended = Generator[Any, None, None] | Coroutine[Any, Any, None]


def start_eagerly(coro: Coroutine[Any, Any, None]) -> tuple[bool, Any]:
    """Run ``coro`` until it first suspends: (finished, what it waits on).

    Python 3.12's eager tasks do this; on 3.11 it is done by hand, and the
    rest is finished by :func:`finish` in another task.
    """
    try:
        waiting_on = coro.send(None)
    except StopIteration:
        return True, None
    return False, waiting_on


async def finish(coro: Coroutine[Any, Any, None], waiting_on: Any) -> None:
    """Drive a coroutine that :func:`start_eagerly` left suspended to its end."""
    while True:
        try:
            if isinstance(waiting_on, asyncio.Future):
                await asyncio.wait([waiting_on])
            else:
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            coro.close()
            raise
        try:
            waiting_on = coro.send(None)
        except StopIteration:
            return


class Member:
    def __init__(self, socket: TextSocket, op_id: str, *, limit: int, skip_until: int) -> None:
        self._socket = socket
        self._prefix = '{"id":' + _json_str(op_id) + ',"type":"next","payload":'
        self._limit = limit
        self._backlog: deque[Frame] = deque()
        self._stalled: tuple[Coroutine[Any, Any, None], Any] | None = None
        self._sending = False
        self._wake = asyncio.Event()
        # Frames at or below this sequence were replayed (or seen) already.
        self.skip_until = skip_until
        # While replaying, live frames wait in the backlog.
        self.holding = False
        self.outcome: Outcome | None = None
        self.dead = False

    def frame(self, payload: str) -> str:
        return self._prefix + payload + "}"

    def push(self, seq: int | None, payload: str) -> None:
        """Called by the group for each result, synchronously, in order."""
        if self.dead or self.outcome is not None:
            return
        if seq is not None and seq <= self.skip_until:
            return
        busy = self.holding or self._sending or self._stalled or self._backlog
        if not busy:
            self._send_inline(self.frame(payload))
        elif len(self._backlog) >= self._limit:
            self._backlog.clear()
            log.info("event=ws.member_behind limit=%d", self._limit)
            self.finish(Close(BEHIND_CODE, BEHIND_REASON))
        else:
            self._backlog.append((seq, payload))
            self._wake.set()

    def _send_inline(self, frame: str) -> None:
        coro = self._socket.send_text(frame)
        try:
            done, waiting_on = start_eagerly(coro)
        except Exception:  # noqa: BLE001 - a gone client is cleaned up by its handler
            self.dead = True
            self._wake.set()
            return
        if not done:
            self._stalled = (coro, waiting_on)
            self._wake.set()

    def finish(self, outcome: Outcome) -> None:
        if self.outcome is None:
            self.outcome = outcome
        self._wake.set()

    def release(self) -> None:
        """Replay is over: send what waited, in order."""
        self.holding = False
        self._wake.set()

    async def run(self) -> Outcome | None:
        """The member's own task: finishes stalled sends, drains, and ends."""
        try:
            return await self._serve()
        except Exception:  # noqa: BLE001 - a gone client is cleaned up by its handler
            self.dead = True
            return None

    async def _serve(self) -> Outcome | None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self.dead:
                return None
            if self._stalled is not None:
                coro, waiting_on = self._stalled
                await finish(coro, waiting_on)
                self._stalled = None
            if not self.holding:
                await self._drain_backlog()
            if self.outcome is not None and not self._backlog and self._stalled is None:
                return self.outcome

    async def _drain_backlog(self) -> None:
        self._sending = True
        try:
            while self._backlog:
                seq, payload = self._backlog.popleft()
                if seq is None or seq > self.skip_until:
                    await self._socket.send_text(self.frame(payload))
        finally:
            self._sending = False


def _json_str(value: str) -> str:
    import json

    return json.dumps(value)
