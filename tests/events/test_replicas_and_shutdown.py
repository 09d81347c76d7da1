"""Two hub instances over one database; graceful shutdown of live subscribers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from hub.core import Hub
from hub.demo import DemoData, seed
from hub.settings import Settings
from tests.conftest import REAL_URI, make_settings, replica_client, serve
from tests.events.helpers import add_notes, declare
from tests.events.wsclient import connect, next_event, subscribe
from tests.wsclient import until_live


@pytest.fixture
async def replicas() -> AsyncIterator[tuple[Hub, Hub]]:
    if REAL_URI:
        pytest.skip("two replicas over a real server run as separate processes in bench/")
    settings: Settings = make_settings()
    client = replica_client()
    a, b = Hub(settings, shared_client=client), Hub(settings, shared_client=client)
    await a.start(run_scheduler=False)
    await b.start(run_scheduler=False)
    yield a, b
    await a.stop()
    await b.stop()


async def test_a_subscriber_on_b_receives_a_s_events_in_order(
    replicas: tuple[Hub, Hub],
) -> None:
    a, b = replicas
    demo = await seed(a)
    async with serve(b) as live_b, connect(live_b.ws_url) as ws:
        await subscribe(ws, region="London")
        await until_live(b)
        incidents = await declare(a, demo, n=2)
        await add_notes(a, incidents, 60, workers=3)
        written = [e.seq for e in await a.events.read(after=0) if e.incident_id in incidents]
        async with asyncio.timeout(10):
            received = [(await next_event(ws))["sequence"] for _ in written]
    assert received == written


async def read_until_closed(url: str, ready: asyncio.Event, count: list[int]) -> dict[str, Any]:
    sequences: list[int] = []
    async with connect(url) as ws:
        await subscribe(ws, region="London")
        count[0] += 1
        if count[0] == 100:
            ready.set()
        try:
            while True:
                raw = await ws.recv()
                message = json.loads(raw)
                if message["type"] == "ping":
                    await ws.send('{"type":"pong"}')
                elif message["type"] == "next":
                    sequences.append(message["payload"]["data"]["incidentEvents"]["sequence"])
        except ConnectionClosed as closed:
            return {"sequences": sequences, "code": closed.rcvd.code if closed.rcvd else None}


async def test_shutdown_delivers_every_committed_event_then_closes_with_1001(
    hub: Hub, demo: DemoData
) -> None:
    incidents = await declare(hub, demo, n=3)
    ready, count = asyncio.Event(), [0]
    async with serve(hub) as live:
        clients = [
            asyncio.create_task(read_until_closed(live.ws_url, ready, count)) for _ in range(100)
        ]
        async with asyncio.timeout(10):
            await ready.wait()
        await until_live(hub, 100)  # every subscription has joined its group
        start = await hub.events.last_seq()
        await add_notes(hub, incidents, 30, workers=3)
        cut = await hub.events.last_seq()
        # Leaving the block begins shutdown at once, with events still in flight.
    results = await asyncio.gather(*clients)
    expected = list(range(start + 1, cut + 1))
    for result in results:
        assert result["code"] == 1001
        assert [s for s in result["sequences"] if s <= cut] == expected
