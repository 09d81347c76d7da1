"""Durable reactions to stored events: each runs once per event, in order, on one replica.

A reaction (start escalating a declared incident, draft a postmortem when one
resolves) must survive a crash between the event and its consequence. So a
reaction does not listen to the live feed alone: it reads the event log from its
own checkpoint, stored in MongoDB, under a lease that one replica holds at a
time. A crash after the effect and before the checkpoint replays that event, so
handlers are idempotent (keyed by the event id or the incident id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import timedelta

from hub.clock import Clock
from hub.events.feed import EventFeed
from hub.events.log import EventLog
from hub.events.models import Event
from hub.storage.client import Database

log = logging.getLogger(__name__)

Handler = Callable[[Event], Awaitable[None]]
BATCH = 200
MAX_ATTEMPTS = 5


@dataclass
class _Reaction:
    name: str
    types: frozenset[str]
    handler: Handler
    failures: int = 0
    # The feed position this replica has seen the reaction handle through:
    # while nothing newer is released, a round has nothing to read. Until its
    # first round (which also stores its checkpoint) there is none.
    done_through: int = -1


class Reactions:
    def __init__(
        self,
        db: Database,
        events: EventLog,
        feed: EventFeed,
        clock: Clock,
        *,
        lease: timedelta = timedelta(seconds=30),
        poll: timedelta = timedelta(seconds=1),
        owner: str | None = None,
    ) -> None:
        self._state = db["reactions"]
        self._events = events
        self._feed = feed
        self._clock = clock
        self._lease = lease
        self._poll = poll
        self.owner = owner or f"hub-{uuid.uuid4().hex[:8]}"
        self._reactions: dict[str, _Reaction] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def register(self, name: str, types: Collection[str], handler: Handler) -> None:
        self._reactions[name] = _Reaction(name, frozenset(types), handler)

    async def run_pending(self) -> int:
        """Run every registered reaction over the events it has not seen yet."""
        handled = 0
        for reaction in self._reactions.values():
            handled += await self._run(reaction)
        return handled

    async def checkpoint(self, name: str) -> int:
        """The sequence number up to which reaction ``name`` has handled events."""
        doc = await self._state.get(name)
        return int(doc["checkpoint"]) if doc else 0

    async def prepare(self) -> None:
        """Give each new reaction its checkpoint: it starts at the present.

        Called at start, before this replica writes anything, so an event
        stored after start is never older than a fresh checkpoint.
        """
        for reaction in self._reactions.values():
            await self._ensure_checkpoint(reaction)

    async def _ensure_checkpoint(self, reaction: _Reaction) -> None:
        await self._state.update_one(
            {"id": reaction.name},
            {
                "$setOnInsert": {
                    "checkpoint": self._feed.released,
                    "lease_until": self._clock.now(),
                }
            },
            upsert=True,
        )

    async def _claim(self, reaction: _Reaction) -> int | None:
        """The reaction's checkpoint if this replica holds its lease, else None."""
        now = self._clock.now()
        await self._ensure_checkpoint(reaction)
        doc = await self._state.find_one_and_update(
            {"id": reaction.name, "$or": [{"owner": self.owner}, {"lease_until": {"$lte": now}}]},
            {"$set": {"owner": self.owner, "lease_until": now + self._lease}},
        )
        return None if doc is None else int(doc["checkpoint"])

    async def _run(self, reaction: _Reaction) -> int:
        if self._feed.released <= reaction.done_through:
            return 0
        checkpoint = await self._claim(reaction)
        if checkpoint is None:
            return 0
        # Only released events: the feed never releases past a hole, so the
        # checkpoint never jumps over an event that is still being stored.
        # ``until`` is read once: the feed moves on while handlers run, and
        # events released meanwhile were not in this batch.
        until = self._feed.released
        batch = await self._events.read(
            after=checkpoint,
            until=until,
            query={"type": {"$in": sorted(reaction.types)}},
            limit=BATCH,
        )
        for event in batch:
            if not await self._handle(reaction, event):
                return 0
            assert event.seq is not None
            if not await self._advance(reaction, event.seq):
                return 0
        if len(batch) == BATCH:
            return len(batch)  # more to read; the next round goes on
        if until <= checkpoint or await self._advance(reaction, until):
            reaction.done_through = max(until, checkpoint)
        return len(batch)

    async def _advance(self, reaction: _Reaction, seq: int) -> bool:
        """Move the checkpoint to ``seq``; False once another replica holds the lease."""
        held = await self._state.update_one(
            {"id": reaction.name, "owner": self.owner},
            {"$max": {"checkpoint": seq}},
        )
        if not held:
            log.warning("event=reaction.lease_lost reaction=%s at_seq=%d", reaction.name, seq)
        return held > 0

    async def _handle(self, reaction: _Reaction, event: Event) -> bool:
        try:
            await reaction.handler(event)
        except asyncio.CancelledError:
            raise
        except Exception:  # retried, then recorded: never silently lost
            reaction.failures += 1
            if reaction.failures < MAX_ATTEMPTS:
                log.warning(
                    "event=reaction.retry reaction=%s event_seq=%s attempt=%d",
                    reaction.name,
                    event.seq,
                    reaction.failures,
                    exc_info=True,
                )
                return False
            log.exception(
                "event=reaction.gave_up reaction=%s event_seq=%s event_type=%s",
                reaction.name,
                event.seq,
                event.type,
            )
            await self._state.update_one(
                {"id": reaction.name},
                {
                    "$push": {
                        "failed": {"seq": event.seq, "event_id": event.id, "at": self._clock.now()}
                    }
                },
            )
        reaction.failures = 0
        return True

    def _on_stored(self, events: list[Event]) -> None:
        wanted = {t for r in self._reactions.values() for t in r.types}
        if any(e.type in wanted for e in events):
            self._wake.set()

    def start(self) -> None:
        # Local writes wake the loop at once; the poll finds other replicas' events.
        self._events.on_stored(self._on_stored)
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_pending()
            except Exception:  # keep reacting; the next round retries
                log.exception("event=reaction.loop_error retry_in=%ss", self._poll.total_seconds())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll.total_seconds())
            self._wake.clear()
