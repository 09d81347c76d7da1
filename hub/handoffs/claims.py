"""At most one pending handoff per incident, without transactions.

Each incident in a pending handoff has a claim document keyed by the
incident's id, so the unique ``_id`` lets one proposal win a race. A claim is
only as good as the handoff behind it: one whose handoff has been settled is
free to take.

A claim whose handoff is not stored is a proposal in flight: claimed, not yet
stored. Its proposer releases it when storing fails (see
:meth:`hub.handoffs.flows.HandoffFlows.propose`), so normally nobody meets
one for more than the moment between the two writes. If the proposer could
not release it (it stopped, or the database failed that write too), the
claim is free once older than ``STALE``. It cannot be free at once: another
proposal taking it over while the first is still about to store its handoff
would make two pending handoffs of one incident. What that costs, a minute
during which the incident cannot be offered again, is what keeps a crash from
locking it out for good; callers learn when it frees (:class:`Hold`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hub.errors import Conflict
from hub.handoffs.models import HandoffStatus
from hub.incidents.models import Incident
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey

log = logging.getLogger(__name__)

STALE = timedelta(minutes=1)


@dataclass(frozen=True)
class Hold:
    """What holds an incident back from a new handoff."""

    handoff_id: str
    # False for a proposal in flight: its handoff is not stored (yet).
    stored: bool
    # When an in-flight claim goes stale; None for a stored, pending handoff.
    free_at: datetime | None = None


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
                held = (await self.holders([incident.id], now)).get(incident.id)
                raise _conflict(incident, held)
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

    async def holders(self, incident_ids: Sequence[str], now: datetime) -> dict[str, Hold]:
        """What holds each incident back, for those held."""
        claims = await self._claims.find({"id": {"$in": list(incident_ids)}})
        held = {}
        for claim in claims:
            hold = await self._hold(claim, now)
            if hold is not None:
                held[claim["id"]] = hold
        return held

    async def _live(self, claim: dict[str, Any], now: datetime) -> bool:
        return await self._hold(claim, now) is not None

    async def _hold(self, claim: dict[str, Any], now: datetime) -> Hold | None:
        handoff_id = str(claim["handoff_id"])
        handoff = await self._handoffs.get(handoff_id)
        if handoff is None:
            free_at = claim["at"] + STALE
            return Hold(handoff_id, stored=False, free_at=free_at) if now < free_at else None
        if handoff["status"] == HandoffStatus.PROPOSED.value:
            return Hold(handoff_id, stored=True)
        return None


def _conflict(incident: Incident, held: Hold | None) -> Conflict:
    if held is not None and not held.stored:
        return Conflict(
            f"{incident.ref} is being offered by a proposal not stored yet; if that "
            f"proposal failed, the incident is free again at {held.free_at}",
            incident_id=incident.id,
            handoff_id=held.handoff_id,
        )
    other = held.handoff_id if held else "another handoff"
    return Conflict(
        f"{incident.ref} is already in pending handoff {other}; "
        "it must be accepted, rejected or expire first",
        incident_id=incident.id,
        handoff_id=other,
    )
