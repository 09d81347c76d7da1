"""Idempotency keys: a retried mutation returns the first result and writes nothing.

The first request with a key claims it (a document whose id is the hashed key,
so the unique ``_id`` index settles any race) and stores its result there.
Concurrent retries wait for that result. Should the first request die half way,
its claim's lease runs out and a retry takes over; the incident write itself
records the key in the same single-document update, so the takeover sees that
the change already happened and writes nothing again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

import orjson

from hub.clock import Clock
from hub.errors import BadInput, Conflict
from hub.incidents.models import Incident
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey

log = logging.getLogger(__name__)

MAX_KEY = 200
POLL = 0.02

Run = Callable[[str], Awaitable[Incident]]


def fingerprint(operation: str, arguments: Mapping[str, Any]) -> str:
    body = orjson.dumps(
        {"op": operation, "args": arguments}, option=orjson.OPT_SORT_KEYS, default=str
    )
    return hashlib.sha256(body).hexdigest()


class IdempotencyKeys:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        lease: timedelta = timedelta(seconds=30),
        wait: float = 15.0,
    ) -> None:
        self._claims = db["idempotency"]
        self._clock = clock
        self._lease = lease
        self._wait = wait

    async def once(
        self, *, scope: str, key: str, operation: str, arguments: Mapping[str, Any], run: Run
    ) -> Incident:
        """``run(token)`` once per (scope, key); later calls get its result."""
        if not key or len(key) > MAX_KEY:
            raise BadInput(
                f"an idempotency key has 1 to {MAX_KEY} characters", argument="idempotencyKey"
            )
        token = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()
        print_ = fingerprint(operation, arguments)
        deadline = time.monotonic() + self._wait
        while True:
            if await self._claim(token, print_):
                return await self._perform(token, run)
            doc = await self._claims.get(token)
            if doc is None:
                continue  # the first attempt failed and let go: try ourselves
            if doc["fingerprint"] != print_:
                raise BadInput(
                    "this idempotency key was used for a different request",
                    argument="idempotencyKey",
                )
            if doc["state"] == "done":
                return Incident.model_validate(doc["result"])
            if await self._take_over(doc):
                log.warning("event=idempotency.takeover token=%s", token[:12])
                return await self._perform(token, run)
            if time.monotonic() > deadline:
                raise Conflict("a request with this idempotency key is still running; retry")
            await asyncio.sleep(POLL)

    async def _claim(self, token: str, print_: str) -> bool:
        now = self._clock.now()
        try:
            await self._claims.insert(
                {
                    "id": token,
                    "state": "pending",
                    "fingerprint": print_,
                    "lease_until": now + self._lease,
                    "created_at": now,
                }
            )
        except DuplicateKey:
            return False
        return True

    async def _take_over(self, doc: dict[str, Any]) -> bool:
        now = self._clock.now()
        if doc["lease_until"] > now:
            return False
        won = await self._claims.find_one_and_update(
            {"id": doc["id"], "state": "pending", "lease_until": doc["lease_until"]},
            {"$set": {"lease_until": now + self._lease}},
        )
        return won is not None

    async def _perform(self, token: str, run: Run) -> Incident:
        try:
            incident = await run(token)
        except BaseException:
            # Nothing was written (errors are raised before the write): let
            # the next attempt with this key try afresh.
            await self._claims.delete_many({"id": token, "state": "pending"})
            raise
        await self._claims.update_one(
            {"id": token},
            {"$set": {"state": "done", "result": incident.model_dump(mode="json")}},
        )
        return incident
