"""Monotonic counters: incident numbers and the event sequence."""

from __future__ import annotations

from hub.storage.client import Database


async def reserve(db: Database, name: str, amount: int = 1) -> int:
    """Take ``amount`` consecutive numbers; returns the last one taken.

    One atomic ``$inc`` serves every replica, so numbers never repeat. A
    writer that dies after reserving leaves a hole, never a duplicate.
    """
    doc = await db["counters"].find_one_and_update(
        {"id": name}, {"$inc": {"value": amount}}, upsert=True
    )
    assert doc is not None  # upsert with return_after always yields the document
    return int(doc["value"])


async def current(db: Database, name: str) -> int:
    doc = await db["counters"].get(name)
    return int(doc["value"]) if doc else 0
