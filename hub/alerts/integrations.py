"""Integrations: the keyed doors that monitoring systems post alerts through.

Keys are random and long, so a plain SHA-256 is enough to store them: nobody
can read a key back from the database, and the lookup stays one indexed query.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime

from pydantic import BaseModel, Field

from hub.alerts.sources import SOURCES
from hub.clock import Clock
from hub.errors import BadInput, NotFound
from hub.storage.client import Database
from hub.storage.ids import new_id
from hub.storage.pages import Page, PageRequest
from hub.storage.repository import Repository
from hub.teams.service import TeamService
from hub.text import display_text

log = logging.getLogger(__name__)


OLDEST_FIRST = [("created_at", 1), ("_id", 1)]


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
    def __init__(self, db: Database, clock: Clock, teams: TeamService) -> None:
        self._clock = clock
        self._teams = teams
        self.repo = Repository(db["integrations"], Integration, "integration")

    async def create(
        self,
        *,
        source: str,
        name: str,
        team_id: str | None = None,
        service_id: str | None = None,
        key: str | None = None,
    ) -> tuple[Integration, str]:
        """A new integration and its key; the key is shown this once only.

        Bound to a team, or to a service (whose team it then alerts).
        """
        try:
            name = display_text(name)
        except ValueError as exc:
            raise BadInput(f"name: {exc}", argument="name") from exc
        team_id = await self._owner(source, team_id, service_id)
        key = key or new_key()
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
        Integration.model_validate(doc)
        await self.repo.collection.insert(doc)
        log.info("event=integration.created id=%s source=%s", doc["id"], source)
        return Integration.model_validate(doc), key

    async def rotate(self, integration_id: str) -> tuple[Integration, str]:
        """A new key; the old one stops working at once."""
        await self.repo.get(integration_id)
        key = new_key()
        await self.repo.collection.update_one(
            {"id": integration_id},
            {"$set": {"key_hash": hash_key(key), "rotated_at": self._clock.now()}},
        )
        log.info("event=integration.key_rotated id=%s", integration_id)
        return await self.repo.get(integration_id), key

    async def set_enabled(self, integration_id: str, enabled: bool) -> Integration:
        await self.repo.get(integration_id)
        await self.repo.collection.update_one(
            {"id": integration_id}, {"$set": {"enabled": enabled}}
        )
        log.info("event=integration.enabled id=%s enabled=%s", integration_id, enabled)
        return await self.repo.get(integration_id)

    async def list_all(self, *, source: str | None = None) -> list[Integration]:
        query: dict[str, object] = {} if source is None else {"source": source}
        return await self.repo.find(query, sort=OLDEST_FIRST)

    async def page(self, request: PageRequest, *, source: str | None = None) -> Page[Integration]:
        """One page of :meth:`list_all`, in the same order."""
        query: dict[str, object] = {} if source is None else {"source": source}
        return await self.repo.page(query, OLDEST_FIRST, request)

    async def first_enabled(self, source: str) -> Integration | None:
        found = await self.repo.find(
            {"source": source, "enabled": True}, sort=[("created_at", 1), ("_id", 1)], limit=1
        )
        return found[0] if found else None

    async def by_key(self, source: str, key: str) -> Integration:
        """The enabled integration for ``source`` behind ``key``, or NotFound.

        Unknown, disabled and wrong-source keys all read the same to the
        caller, so a key cannot be probed.
        """
        doc = await self.repo.collection.find_one({"key_hash": hash_key(key)})
        if doc is None or not doc.get("enabled") or doc.get("source") != source:
            raise NotFound(f"no enabled {source} integration with that key")
        return Integration.model_validate(doc)

    async def _owner(self, source: str, team_id: str | None, service_id: str | None) -> str:
        if source not in SOURCES:
            known = ", ".join(sorted(SOURCES))
            raise BadInput(f"no alert source named {source!r}; known: {known}", argument="source")
        if service_id is not None:
            service = await self._teams.services.get(service_id)
            team_id = team_id or service.team_id
        if team_id is None:
            raise BadInput("give a teamId or a serviceId to bind the integration to")
        return (await self._teams.teams.get(team_id)).id


def new_key() -> str:
    return secrets.token_urlsafe(24)
