"""At most one pending handoff per incident, without transactions.

Each incident in a pending handoff has a claim document keyed by the
incident's id, so the unique ``_id`` lets one proposal win a race. A claim is
only as good as the handoff behind it: one whose handoff has been settled is
free to take, and so is one whose handoff never got stored (its proposer
stopped between claiming and storing) once it is older than ``STALE``. That
keeps a crash from locking an incident out of handoffs for good.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from hub.errors import Conflict
from hub.handoffs.models import HandoffStatus
from hub.incidents.models import Incident
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey

log = logging.getLogger(__name__)

STALE = timedelta(minutes=1)


class Claims:
    def __init__(self, db: Database) -> None:
        self._claims = db["handoff_claims"]
        self._handoffs = db["handoffs"]

    async def take(self, handoff_id: str, incidents: Sequence[Incident], now: datetime) -> None:
        """Claim every incident for ``handoff_id``, or none: raises Conflict."""
        taken: list[str] = []
        for incident in incidents:
            if not await self._take_one(handoff_id, incident.id, now):
                await self.release(handoff_id)
                holder = await self._claims.get(incident.id)
                other = holder["handoff_id"] if holder else "another handoff"
                raise Conflict(
                    f"{incident.ref} is already in pending handoff {other}; "
                    "it must be accepted, rejected or expire first",
                    incident_id=incident.id,
                    handoff_id=str(other),
                )
            taken.append(incident.id)
        log.info("event=handoff.claimed handoff_id=%s incidents=%d", handoff_id, len(taken))

    async def _take_one(self, handoff_id: str, incident_id: str, now: datetime) -> bool:
        doc = {"id": incident_id, "handoff_id": handoff_id, "at": now}
        try:
            await self._claims.insert(doc)
            return True
        except DuplicateKey:
            pass
        held = await self._claims.get(incident_id)
        if held is None or await self._live(held, now):
            return False
        # Taken over only if nobody else took it since we looked.
        won = await self._claims.find_one_and_update(
            {"id": incident_id, "handoff_id": held["handoff_id"]},
            {"$set": {"handoff_id": handoff_id, "at": now}},
        )
        return won is not None

    async def release(self, handoff_id: str) -> None:
        await self._claims.delete_many({"handoff_id": handoff_id})

    async def holders(self, incident_ids: Sequence[str], now: datetime) -> dict[str, str]:
        """The pending handoff holding each incident, for those held."""
        claims = await self._claims.find({"id": {"$in": list(incident_ids)}})
        live = {}
        for claim in claims:
            if await self._live(claim, now):
                live[claim["id"]] = str(claim["handoff_id"])
        return live

    async def _live(self, claim: dict[str, Any], now: datetime) -> bool:
        handoff = await self._handoffs.get(claim["handoff_id"])
        if handoff is None:
            return bool(claim["at"] > now - STALE)
        return bool(handoff["status"] == HandoffStatus.PROPOSED.value)
