"""The data version: changes whenever anything a read could show has changed.

Every incident change takes an event sequence number; writes that produce no
event (teams, services, articles) bump a write counter instead. Both live in
the shared database, so every replica reads the same version.
"""

from __future__ import annotations

from hub.storage import counters
from hub.storage.client import Database

WRITES = "writes"
EVENTS = "events"


async def current(db: Database) -> tuple[int, int]:
    docs = await db["counters"].find({"id": {"$in": [EVENTS, WRITES]}})
    values = {d["id"]: int(d["value"]) for d in docs}
    return values.get(EVENTS, 0), values.get(WRITES, 0)


async def bump(db: Database) -> None:
    await counters.reserve(db, WRITES)
