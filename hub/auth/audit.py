"""The audit log: every mutation attempt, who made it, and how it ended.

Entries are written once per request after the mutations ran, refused ones
included, so the log answers "who tried to change what" as well as "who did".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from hub.clock import Clock
from hub.storage.client import Database
from hub.storage.ids import new_id
from hub.storage.pages import Page, PageRequest
from hub.storage.repository import Repository

log = logging.getLogger(__name__)

ORDER = [("at", -1)]


class AuditEntry(BaseModel):
    id: str
    at: datetime
    actor: str
    role: str
    token_id: str | None = None
    operation: str
    # "ok", or the error code the operation ended with.
    outcome: str
    # Ids the operation named: the incident, team or token it acted on.
    target_ids: list[str] = Field(default_factory=list)
    request_id: str


class AuditRecord(BaseModel):
    """One attempt, as the edge reports it."""

    actor: str
    role: str
    token_id: str | None = None
    operation: str
    outcome: str
    target_ids: list[str] = Field(default_factory=list)
    request_id: str


class AuditLog:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._clock = clock
        self.repo = Repository(db["audit"], AuditEntry, "audit entry")

    async def record(self, records: Sequence[AuditRecord]) -> None:
        if not records:
            return
        now = self._clock.now()
        docs = [{"id": new_id(), "at": now, **r.model_dump()} for r in records]
        await self.repo.collection.insert_many(docs)
        for r in records:
            log.info(
                "event=audit.mutation actor=%s operation=%s outcome=%s request_id=%s",
                r.actor,
                r.operation,
                r.outcome,
                r.request_id,
            )

    async def page(
        self, request: PageRequest, *, actor: str | None = None, operation: str | None = None
    ) -> Page[AuditEntry]:
        query: dict[str, object] = {}
        if actor is not None:
            query["actor"] = actor
        if operation is not None:
            query["operation"] = operation
        return await self.repo.page(query, ORDER, request)
