"""Resuming by cursor when the hub closes a subscription, against a scripted peer.

The peer speaks graphql-transport-ws like the hub and closes the socket the
way a hub does when it drops a slow subscriber (44xx) or refuses a credential
(4401), which the live hub cannot be made to do on demand.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from clients.python import Backoff, HubClient, HubClientError
from tests.conftest import free_port

Script = Callable[[ServerConnection, dict[str, Any]], Awaitable[None]]


def event(seq: int) -> dict[str, Any]:
    return {
        "id": f"e{seq}",
        "cursor": f"c{seq}",
        "sequence": seq,
        "type": "incident.noted",
        "occurredAt": "2025-06-02T08:00:00+00:00",
        "actor": "mei",
        "incidentId": "i1",
        "regionIds": ["r1"],
        "data": {},
        "incident": None,
    }


async def send_event(ws: ServerConnection, seq: int) -> None:
    payload = {"data": {"incidentEvents": event(seq)}}
    await ws.send(json.dumps({"id": "1", "type": "next", "payload": payload}))


@asynccontextmanager
async def peer(script: Script) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A graphql-transport-ws server; yields its URL and each subscribe received."""
    received: list[dict[str, Any]] = []

    async def handler(ws: ServerConnection) -> None:
        init = json.loads(await ws.recv())
        assert init["type"] == "connection_init"
        received.append({"init": init.get("payload")})
        await ws.send(json.dumps({"type": "connection_ack"}))
        subscribe = json.loads(await ws.recv())
        received[-1].update(subscribe["payload"])
        await script(ws, subscribe["payload"]["variables"])

    port = free_port()
    async with serve(handler, "127.0.0.1", port, subprotocols=["graphql-transport-ws"]):
        yield f"http://127.0.0.1:{port}", received


FAST = Backoff(initial=0.01, cap=0.05, max_attempts=5)


async def test_a_slow_subscriber_close_resumes_after_the_last_cursor() -> None:
    async def script(ws: ServerConnection, variables: dict[str, Any]) -> None:
        start = int((variables["after"] or "c0")[1:])
        for seq in range(start + 1, start + 3):
            await send_event(ws, seq)
        await ws.close(4429, "subscriber too slow")

    async with peer(script) as (url, received), HubClient(url, "tok") as client:
        stream = client.subscribe("London", backoff=FAST)
        got = [(await asyncio.wait_for(anext(stream), 5)).sequence for _ in range(6)]

    assert got == [1, 2, 3, 4, 5, 6]
    assert [r["variables"]["after"] for r in received[:3]] == [None, "c2", "c4"]
    assert received[0]["init"] == {"Authorization": "Bearer tok"}


async def test_an_auth_close_is_raised_not_retried() -> None:
    async def script(ws: ServerConnection, variables: dict[str, Any]) -> None:
        await ws.close(4401, "Unauthorized")

    async with peer(script) as (url, received), HubClient(url, "bad") as client:
        with pytest.raises(HubClientError) as caught:
            await asyncio.wait_for(anext(client.subscribe("London", backoff=FAST)), 5)

    assert caught.value.code == "UNAUTHENTICATED"
    assert len(received) == 1


async def test_retries_stop_at_max_attempts_when_the_hub_stays_away() -> None:
    async with HubClient(f"http://127.0.0.1:{free_port()}", "t") as client:
        retries: list[float] = []
        stream = client.subscribe(
            "London", backoff=FAST, on_retry=lambda wait, _: retries.append(wait)
        )
        with pytest.raises(HubClientError) as caught:
            await asyncio.wait_for(anext(stream), 5)

    assert caught.value.code == "UNAVAILABLE"
    assert len(retries) == FAST.max_attempts
