"""One incident's escalation: where it is on the ladder, and what each step did.

Each escalation is one document keyed by the incident id. A step is applied by
one conditional update that records the step's decision, moves the position
on and pushes the step's event into the document's outbox, all at once; the
condition (the step is the pending one and not yet applied) makes a second run
of the same step a no-op. The outbox is then flushed into the event log, as
incidents do (see :mod:`hub.events.log`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from hub.escalation.models import EscalationPolicy
from hub.escalation.plan import Position, StepPlan
from hub.events.log import EventLog, outbox_push
from hub.events.models import Event
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey

log = logging.getLogger(__name__)

COLLECTION = "escalations"
# Applied steps kept on the document; older ones live on in the timeline.
KEEP_STEPS = 200


class EscalationState(StrEnum):
    ACTIVE = "ACTIVE"  # the next step fires unless someone acknowledges
    STOPPED = "STOPPED"  # acknowledged, resolved or closed
    EXHAUSTED = "EXHAUSTED"  # every level and repeat has fired


class PendingStep(Position):
    # A step someone asked for; it fires even when the escalation is stopped.
    manual: bool = False
    requested_by: str | None = None
    # Each request by hand has its own id, so its job never shares a dedup key
    # with a step that was scheduled under the same number and then cancelled.
    request_id: str | None = None


class Escalation(BaseModel):
    id: str  # the incident's id
    incident_id: str
    # The policy as it was at the start: an edit changes later incidents only.
    policy: EscalationPolicy
    state: EscalationState
    next: PendingStep | None = None
    applied: int = 0
    # Bumped by every write that moves the ladder (a step, a stop, a request),
    # so a write that depends on the position can insist nothing moved meanwhile.
    version: int = 0
    steps: list[StepPlan] = Field(default_factory=list)
    outbox: list[dict[str, Any]] = Field(default_factory=list)
    started_at: datetime
    stopped_at: datetime | None = None
    stop_reason: str | None = None

    def step(self, number: int) -> StepPlan | None:
        return next((s for s in self.steps if s.step == number), None)


class EscalationStore:
    def __init__(self, db: Database, events: EventLog) -> None:
        self.collection = db[COLLECTION]
        self._events = events

    async def get(self, incident_id: str) -> Escalation | None:
        doc = await self.collection.get(incident_id)
        return Escalation.model_validate(doc) if doc else None

    async def get_many(self, incident_ids: list[str]) -> dict[str, Escalation]:
        docs = await self.collection.get_many(incident_ids)
        return {d["id"]: Escalation.model_validate(d) for d in docs}

    async def start(self, escalation: Escalation) -> Escalation:
        """Store a new escalation; one that exists already is kept and returned."""
        try:
            await self.collection.insert(escalation.model_dump(mode="python"))
        except DuplicateKey:
            found = await self.get(escalation.id)
            assert found is not None  # a duplicate key means it exists
            return found
        return escalation

    async def apply(
        self,
        esc: Escalation,
        plan: StepPlan,
        state: EscalationState,
        nxt: PendingStep | None,
        events: list[Event],
    ) -> bool:
        """Record ``plan`` as applied; False if the step is no longer the pending one."""
        assert esc.next is not None
        update: dict[str, Any] = {
            "$set": {
                "applied": plan.step,
                "state": state.value,
                "next": nxt.model_dump() if nxt else None,
            },
            "$inc": {"version": 1},
            "$push": {
                "steps": {"$each": [plan.model_dump()], "$slice": -KEEP_STEPS},
                **outbox_push(events),
            },
        }
        matched = await self.collection.update_one(
            {"id": esc.id, "applied": esc.applied, "next.step": esc.next.step}, update
        )
        if matched:
            await self._events.flush(COLLECTION, esc.id, events)
        return matched > 0

    async def stop(self, incident_id: str, reason: str, at: datetime, events: list[Event]) -> bool:
        """Stop an active escalation; False if it was not active."""
        matched = await self.collection.update_one(
            {"id": incident_id, "state": EscalationState.ACTIVE.value},
            {
                "$set": {
                    "state": EscalationState.STOPPED.value,
                    "next": None,
                    "stopped_at": at,
                    "stop_reason": reason,
                },
                "$inc": {"version": 1},
                "$push": outbox_push(events),
            },
        )
        if matched:
            await self._events.flush(COLLECTION, incident_id, events)
        return matched > 0

    async def request(self, esc: Escalation, pending: PendingStep) -> bool:
        """Make ``pending`` the next step, unless the escalation moved meanwhile."""
        matched = await self.collection.update_one(
            {"id": esc.id, **_at_version(esc.version)},
            {"$set": {"next": pending.model_dump()}, "$inc": {"version": 1}},
        )
        return matched > 0

    async def append(self, incident_id: str, events: list[Event]) -> None:
        """Put events about an escalation on its incident's timeline."""
        matched = await self.collection.update_one(
            {"id": incident_id}, {"$push": outbox_push(events)}
        )
        if matched:
            await self._events.flush(COLLECTION, incident_id, events)
        else:
            log.error(
                "event=escalation.event_orphaned incident_id=%s types=%s",
                incident_id,
                ",".join(e.type for e in events),
            )

    async def flush_leftovers(self, esc: Escalation) -> None:
        """Finish a flush a crashed runner left half done; stored events are kept once."""
        if esc.outbox:
            events = [Event.model_validate(e) for e in esc.outbox]
            await self._events.flush(COLLECTION, esc.id, events)


def _at_version(version: int) -> dict[str, Any]:
    # Matching on a counter, never on a null: a filter on ``next.step: None``
    # matches a ``next: null`` document on a MongoDB server but not on the
    # embedded engine. Documents stored before the counter existed lack it.
    if version:
        return {"version": version}
    return {"$or": [{"version": 0}, {"version": {"$exists": False}}]}
