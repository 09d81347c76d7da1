"""Reads and guarded writes of handoff records.

A handoff's own steps (proposed, rejected, expired) travel in the same
single-document update as the status they record, through the document's
outbox (see :mod:`hub.events.log`). Every step after the proposal is guarded
on the status still being PROPOSED, so two replies, or a reply racing the
deadline, can never both win.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hub.events.log import EventLog, outbox_push
from hub.events.models import Event
from hub.handoffs.models import Handoff, HandoffStatus
from hub.storage.client import Database
from hub.storage.pages import Page, PageRequest
from hub.storage.repository import Repository

COLLECTION = "handoffs"
MAX_LIST = 200
NEWEST_FIRST = [("proposed_at", -1)]


Within = tuple[Sequence[str], Sequence[str]]


def _matching(
    region_id: str | None, status: HandoffStatus | None, within: Within | None = None
) -> dict[str, Any]:
    """A region matches either side; ``within`` (region ids, team ids) keeps
    handoffs with either side in one of them: what a scoped token may see."""
    sides: list[dict[str, Any]] = []
    if region_id is not None:
        sides.append({"$or": [{"from_region_id": region_id}, {"to_region_id": region_id}]})
    if within is not None:
        regions, teams = list(within[0]), list(within[1])
        sides.append(
            {
                "$or": [
                    {"from_region_id": {"$in": regions}},
                    {"to_region_id": {"$in": regions}},
                    {"from_team_id": {"$in": teams}},
                    {"to_team_id": {"$in": teams}},
                ]
            }
        )
    query: dict[str, Any] = {"$and": sides} if sides else {}
    if status is not None:
        query["status"] = status.value
    return query


def to_doc(handoff: Handoff) -> dict[str, Any]:
    doc = handoff.model_dump()
    doc["status"] = handoff.status.value
    return doc


class HandoffService:
    def __init__(self, db: Database, events: EventLog) -> None:
        self.collection = db[COLLECTION]
        self.repo = Repository(self.collection, Handoff, "handoff")
        self._events = events

    async def get(self, handoff_id: str) -> Handoff:
        return await self.repo.get(handoff_id)

    async def get_many(self, handoff_ids: Sequence[str]) -> list[Handoff | None]:
        return await self.repo.get_many(handoff_ids)

    async def list_handoffs(
        self,
        *,
        region_id: str | None = None,
        status: HandoffStatus | None = None,
        limit: int = MAX_LIST,
        within: Within | None = None,
    ) -> list[Handoff]:
        """Newest first; see :func:`_matching` for the filters."""
        query = _matching(region_id, status, within)
        return await self.repo.find(query, sort=NEWEST_FIRST, limit=limit)

    async def page_handoffs(
        self,
        request: PageRequest,
        *,
        region_id: str | None = None,
        status: HandoffStatus | None = None,
        within: Within | None = None,
    ) -> Page[Handoff]:
        """One page of :meth:`list_handoffs`, in the same order."""
        return await self.repo.page(_matching(region_id, status, within), NEWEST_FIRST, request)

    async def insert(
        self, handoff: Handoff, events: list[Event], *, dedup: str | None = None
    ) -> Handoff:
        """Store a new handoff with its events; a repeated ``dedup`` raises DuplicateKey."""
        doc = {**to_doc(handoff), "outbox": outbox_push(events)["outbox"]["$each"]}
        if dedup is not None:
            doc["dedup"] = dedup
        await self.collection.insert(doc)
        await self._events.flush(COLLECTION, handoff.id, events)
        return handoff

    async def respond(
        self,
        handoff: Handoff,
        status: HandoffStatus,
        *,
        events: list[Event],
        changes: dict[str, Any],
        before: datetime | None = None,
    ) -> Handoff | None:
        """Move a PROPOSED handoff to ``status``; None if it is no longer PROPOSED.

        With ``before``, the move also needs the deadline not to have passed
        by then, which is what makes an acceptance and an expiry exclusive.
        """
        query: dict[str, Any] = {"id": handoff.id, "status": HandoffStatus.PROPOSED.value}
        if before is not None:
            query["expires_at"] = {"$gt": before}
        update: dict[str, Any] = {"$set": {**changes, "status": status.value}}
        if events:
            update["$push"] = outbox_push(events)
        doc = await self.collection.find_one_and_update(query, update)
        if doc is None:
            return None
        await self._events.flush(COLLECTION, handoff.id, events)
        return Handoff.model_validate(doc)
