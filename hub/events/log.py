"""The ordered event log, and the outbox that makes a change and its event atomic.

A domain write pushes its events into the changed document's ``outbox`` in the
same single-document update as the change itself, so the change and the news of
it commit together on any engine. :meth:`EventLog.flush` then gives the events
their sequence numbers, stores them in the log and pulls them from the outbox.
If the process dies in between, :meth:`EventLog.sweep` finishes the job at the
next start: no event is lost and none is published for a change that did not
commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from hub.clock import Clock
from hub.events.models import Event
from hub.storage import counters
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey

log = logging.getLogger(__name__)

SEQUENCE = "events"


def outbox_push(events: Sequence[Event]) -> dict[str, Any]:
    """The ``$push`` clause that records ``events`` beside a change."""
    return {"outbox": {"$each": [e.model_dump(exclude={"seq"}) for e in events]}}


class EventLog:
    def __init__(self, db: Database, *, reserve_deadline: float = 1.0) -> None:
        self._db = db
        self._events = db["events"]
        self._listeners: list[Callable[[list[Event]], None]] = []
        # Numbers older than this (seconds) when their events are finally
        # stored may already have been given up on by the feeds: take new ones.
        self._reserve_deadline = reserve_deadline
        self._sweeper: asyncio.Task[None] | None = None

    def on_stored(self, listener: Callable[[list[Event]], None]) -> None:
        """Call ``listener`` with each batch right after it is stored."""
        self._listeners.append(listener)

    async def flush(self, collection: str, doc_id: str, events: Sequence[Event]) -> list[Event]:
        """Move ``events`` from a document's outbox into the log."""
        if not events:
            return []
        stored = await self._store(list(events))
        ids = [e.id for e in events]
        await self._db[collection].update_one(
            {"id": doc_id}, {"$pull": {"outbox": {"id": {"$in": ids}}}}
        )
        for listener in self._listeners:
            listener(stored)
        return stored

    async def _numbered(self, events: list[Event]) -> list[Event]:
        last = await counters.reserve(self._db, SEQUENCE, len(events))
        first = last - len(events) + 1
        return [e.model_copy(update={"seq": first + i}) for i, e in enumerate(events)]

    async def _store(self, events: list[Event]) -> list[Event]:
        reserved_at = time.monotonic()
        stored = await self._numbered(events)
        if time.monotonic() - reserved_at > self._reserve_deadline:
            log.warning("event=events.renumbered first_seq=%s", stored[0].seq)
            stored = await self._numbered(events)
        try:
            await self._events.insert_many([e.model_dump() for e in stored])
            return stored
        except DuplicateKey:
            pass
        # Someone (a sweep, or a retry) stored some of them already: keep
        # theirs, store the rest. Numbers taken for duplicates stay unused.
        present = await self._events.find(
            {"id": {"$in": [e.id for e in stored]}}, projection={"seq": 1}
        )
        seq_of = {d["id"]: d.get("seq") for d in present}
        kept = []
        for event in stored:
            if event.id in seq_of:
                if seq_of[event.id] == event.seq:  # the insert_many stored it
                    kept.append(event)
                else:
                    log.info("event=events.already_stored event_id=%s", event.id)
                continue
            with contextlib.suppress(DuplicateKey):
                await self._events.insert(event.model_dump())
                kept.append(event)
        return kept

    async def sweep(self, collection: str, *, older_than: datetime) -> int:
        """Flush outboxes left behind by a writer that stopped half way."""
        stuck = await self._db[collection].find(
            {"outbox.0.occurred_at": {"$lt": older_than}}, limit=500
        )
        flushed = 0
        for doc in stuck:
            events = [Event.model_validate(e) for e in doc.get("outbox", [])]
            flushed += len(await self.flush(collection, doc["id"], events))
        if flushed:
            log.warning("event=events.swept collection=%s count=%d", collection, flushed)
        return flushed

    async def start_sweeping(
        self, collections: Sequence[str], clock: Clock, *, age: timedelta, every: float
    ) -> None:
        """Sweep now, then every ``every`` seconds: a replica that died half way
        through a write is finished by whichever replica is still running."""

        async def once() -> None:
            for name in collections:
                await self.sweep(name, older_than=clock.now() - age)

        async def forever() -> None:
            while True:
                await asyncio.sleep(every)
                try:
                    await once()
                except Exception:
                    log.exception("event=events.sweep_failed retry_in=%.0fs", every)

        await once()
        self._sweeper = asyncio.create_task(forever())

    async def stop_sweeping(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None

    async def read(
        self,
        *,
        after: int,
        until: int | None = None,
        query: Mapping[str, Any] | None = None,
        limit: int = 0,
    ) -> list[Event]:
        """Stored events with ``after < seq <= until``, in sequence order."""
        seq: dict[str, int] = {"$gt": after}
        if until is not None:
            seq["$lte"] = until
        docs = await self._events.find(
            {**(query or {}), "seq": seq}, sort=[("seq", 1)], limit=limit
        )
        return [Event.model_validate(d) for d in docs]

    async def for_incident(self, incident_id: str) -> list[Event]:
        docs = await self._events.find({"incident_id": incident_id}, sort=[("seq", 1)])
        return [Event.model_validate(d) for d in docs]

    async def for_incidents(self, incident_ids: Sequence[str]) -> dict[str, list[Event]]:
        docs = await self._events.find(
            {"incident_id": {"$in": list(incident_ids)}}, sort=[("seq", 1)]
        )
        grouped: dict[str, list[Event]] = {i: [] for i in incident_ids}
        for doc in docs:
            grouped[doc["incident_id"]].append(Event.model_validate(doc))
        return grouped

    async def at(self, seq: int) -> Event | None:
        doc = await self._events.find_one({"seq": seq})
        return Event.model_validate(doc) if doc else None

    async def last_seq(self) -> int:
        return await counters.current(self._db, SEQUENCE)
