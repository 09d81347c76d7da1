"""Reads and guarded writes of incidents.

Every write is one ``find_one_and_update`` guarded by the incident's version,
carrying its events in the same update (see :mod:`hub.events.log`). A write
that loses a race is retried against the fresh incident, unless the caller
pinned the version it expects, in which case it gets :class:`Conflict`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.clock import Clock
from hub.errors import Conflict
from hub.events.log import EventLog, outbox_push
from hub.events.models import Event
from hub.incidents.models import Category, Incident, Severity, Status
from hub.storage.client import Database
from hub.storage.pages import Page, PageRequest
from hub.storage.repository import Repository

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# How many idempotency tokens an incident remembers (newest kept).
APPLIED_KEYS_KEPT = 100


@dataclass
class Change:
    """What a step does to an incident: fields to set, events, other operators."""

    set: dict[str, Any] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.set or self.events or self.extra)


@dataclass
class IncidentFilter:
    """Typed filters; the hub, never the client, turns them into a query."""

    statuses: Sequence[Status] = ()
    severities: Sequence[Severity] = ()
    categories: Sequence[Category] = ()
    team_ids: Sequence[str] = ()
    region_ids: Sequence[str] = ()
    service_ids: Sequence[str] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    exercise: bool | None = None
    text: str | None = None
    # A token's scope: incidents of these regions or these teams.
    scope_region_ids: Sequence[str] = ()
    scope_team_ids: Sequence[str] = ()

    def to_query(self) -> dict[str, Any]:
        query: dict[str, Any] = {}
        pairs = [
            ("status", self.statuses),
            ("severity", self.severities),
            ("category", self.categories),
            ("team_id", self.team_ids),
            ("region_id", self.region_ids),
            ("service_ids", self.service_ids),
        ]
        for name, values in pairs:
            if values:
                query[name] = {"$in": [str(v) for v in values]}
        created: dict[str, datetime] = {}
        if self.created_from is not None:
            created["$gte"] = self.created_from
        if self.created_to is not None:
            created["$lt"] = self.created_to
        if created:
            query["created_at"] = created
        if self.exercise is not None:
            query["exercise"] = self.exercise
        if self.text:
            # Escaped: the text is matched literally, never as a pattern.
            query["title"] = {"$regex": _literal(self.text), "$options": "i"}
        if self.scope_region_ids or self.scope_team_ids:
            regions = {"$in": list(self.scope_region_ids)}
            teams = {"$in": list(self.scope_team_ids)}
            query["$or"] = [
                {"region_id": regions},
                {"team_id": teams},
                {"alert_group.region_ids": regions},
                {"alert_group.team_ids": teams},
            ]
        return query


def _literal(text: str) -> str:
    return re.escape(text[:200])


class IncidentService:
    def __init__(self, db: Database, clock: Clock, events: EventLog) -> None:
        self._clock = clock
        self._events = events
        self.repo = Repository(db["incidents"], Incident, "incident")
        self.collection = db["incidents"]

    async def get(self, incident_id: str) -> Incident:
        return await self.repo.get(incident_id)

    async def get_many(self, incident_ids: Sequence[str]) -> list[Incident | None]:
        return await self.repo.get_many(incident_ids)

    async def by_number(self, number: int) -> Incident | None:
        doc = await self.collection.find_one({"number": number})
        return Incident.model_validate(doc) if doc else None

    async def page(
        self, flt: IncidentFilter, *, limit: int, before_number: int | None = None
    ) -> list[Incident]:
        """Newest first; ``number`` is unique, so the order is stable."""
        query = flt.to_query()
        if before_number is not None:
            query["number"] = {"$lt": before_number}
        return await self.repo.find(query, sort=[("number", -1)], limit=limit)

    async def paged(self, flt: IncidentFilter, request: PageRequest) -> Page[Incident]:
        """A page of a connection, newest first, with its cursors."""
        return await self.repo.page(flt.to_query(), [("number", -1)], request)

    async def count(self, flt: IncidentFilter) -> int:
        return await self.collection.count(flt.to_query())

    async def insert(self, doc: dict[str, Any], events: list[Event]) -> Incident:
        await self.collection.insert({**doc, **outbox_push_initial(events)})
        await self._events.flush("incidents", doc["id"], events)
        return Incident.model_validate(doc)

    async def mutate(
        self,
        incident_id: str,
        step: Callable[[Incident], Change],
        *,
        expected_version: int | None = None,
        applied_key: str | None = None,
    ) -> Incident:
        """Apply ``step`` to the current incident, atomically with its events.

        ``applied_key`` is recorded in the same update; a write whose key the
        incident already holds has happened and is not repeated.
        """
        for _ in range(MAX_ATTEMPTS):
            incident = await self.get(incident_id)
            if applied_key is not None and applied_key in incident.applied_keys:
                return incident
            _check_version(incident, expected_version)
            change = step(incident)
            if change.empty:
                return incident
            updated = await self._write(incident, change, applied_key)
            if updated is not None:
                return updated
            if expected_version is not None:
                break
            log.info("event=incident.write_retry incident_id=%s", incident_id)
        raise Conflict(
            f"INC-{incident.number} changed while this request was applied; re-read and retry",
            current_version=incident.version,
        )

    async def _write(
        self, incident: Incident, change: Change, applied_key: str | None = None
    ) -> Incident | None:
        update: dict[str, Any] = {
            "$set": {**change.set, "updated_at": self._clock.now()},
            "$inc": {"version": 1},
            **change.extra,
        }
        if change.events:
            update["$push"] = {**update.get("$push", {}), **outbox_push(change.events)}
        if applied_key is not None:
            keys = {"$each": [applied_key], "$slice": -APPLIED_KEYS_KEPT}
            update["$push"] = {**update.get("$push", {}), "applied_keys": keys}
        doc = await self.collection.find_one_and_update(
            {"id": incident.id, "version": incident.version}, update
        )
        if doc is None:
            return None
        await self._events.flush("incidents", incident.id, change.events)
        return Incident.model_validate(doc)


def _check_version(incident: Incident, expected: int | None) -> None:
    if expected is not None and incident.version != expected:
        raise Conflict(
            f"{incident.ref} is at version {incident.version}, not {expected}",
            current_version=incident.version,
        )


def outbox_push_initial(events: list[Event]) -> dict[str, Any]:
    return {"outbox": [e.model_dump(exclude={"seq"}) for e in events]}
