"""Integrations: the keyed doors that monitoring systems post alerts through.

Keys are random and long, so a plain SHA-256 is enough to store them: nobody
can read a key back from the database, and the lookup stays one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from pydantic import BaseModel, Field

from hub.clock import Clock
from hub.errors import NotFound
from hub.storage.client import Database
from hub.storage.ids import new_id
from hub.storage.repository import Repository


class Integration(BaseModel):
    id: str
    source: str
    name: str = Field(min_length=1, max_length=120)
    team_id: str
    service_id: str | None = None
    enabled: bool = True
    key_hash: str
    created_at: datetime


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class IntegrationService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._clock = clock
        self.repo = Repository(db["integrations"], Integration, "integration")

    async def create(
        self,
        *,
        source: str,
        name: str,
        team_id: str,
        service_id: str | None = None,
        key: str | None = None,
    ) -> tuple[Integration, str]:
        """A new integration and its key; the key is shown this once only."""
        key = key or secrets.token_urlsafe(24)
        doc = {
            "id": new_id(),
            "source": source,
            "name": name,
            "team_id": team_id,
            "service_id": service_id,
            "enabled": True,
            "key_hash": hash_key(key),
            "created_at": self._clock.now(),
        }
        await self.repo.collection.insert(doc)
        return Integration.model_validate(doc), key

    async def by_key(self, source: str, key: str) -> Integration:
        """The enabled integration for ``source`` behind ``key``, or NotFound.

        Unknown, disabled and wrong-source keys all read the same to the
        caller, so a key cannot be probed.
        """
        doc = await self.repo.collection.find_one({"key_hash": hash_key(key)})
        if doc is None or not doc.get("enabled") or doc.get("source") != source:
            raise NotFound(f"no enabled {source} integration with that key")
        return Integration.model_validate(doc)
