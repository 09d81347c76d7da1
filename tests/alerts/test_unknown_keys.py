"""Guessing integration keys is rate-limited per client address: after a few
unknown keys the address gets 429 without a database lookup, while a key
already known to work from there keeps going."""

from __future__ import annotations

import uuid

import httpx

from hub.alerts import ratelimit
from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import stored_counts

ALERT = {"dedup_key": "d", "action": "trigger", "title": "t"}


async def _guess(api: httpx.AsyncClient, path: str = "generic") -> httpx.Response:
    if path == "enqueue":
        body = {"routing_key": uuid.uuid4().hex, "event_action": "resolve", "dedup_key": "k"}
        return await api.post("/v2/enqueue", json=body)
    return await api.post(f"/ingest/{path}/{uuid.uuid4().hex}", json=ALERT)


async def test_random_keys_from_one_address_get_429_without_a_lookup(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    allowed = ratelimit.UNKNOWN_KEYS_PER_ADDRESS.amount
    before = await stored_counts(hub)

    refused = [(await _guess(api)).status_code for _ in range(allowed)]
    trips = hub.db.round_trips.count
    limited = await _guess(api)
    enqueued = await _guess(api, "enqueue")

    assert refused == [404] * allowed
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"] == "RATE_LIMITED"
    assert enqueued.status_code == 429 and enqueued.json()["status"] == "throttle event"
    assert hub.db.round_trips.count == trips  # neither was looked up
    assert await stored_counts(hub) == before


async def test_a_key_that_worked_from_the_address_keeps_working(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    assert (await api.post("/ingest/generic/demo-generic", json=ALERT)).status_code == 202
    for _ in range(ratelimit.UNKNOWN_KEYS_PER_ADDRESS.amount + 1):
        await _guess(api)

    again = await api.post("/ingest/generic/demo-generic", json=ALERT)

    assert again.status_code == 202
