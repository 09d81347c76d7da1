"""A small graphql-transport-ws client on the `websockets` library, for tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from tests.conftest import WS_INIT

EVENTS = """
subscription Events($region: String, $after: String) {
  incidentEvents(region: $region, after: $after) {
    cursor sequence type occurredAt incidentId
  }
}
"""


@asynccontextmanager
async def connect(url: str, **options: Any) -> AsyncIterator[ClientConnection]:
    async with websockets.connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        **options,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": WS_INIT}))
        ack = json.loads(await ws.recv())
        assert ack["type"] == "connection_ack", ack
        yield ws


async def subscribe(ws: ClientConnection, op_id: str = "1", **variables: Any) -> None:
    await ws.send(
        json.dumps(
            {
                "id": op_id,
                "type": "subscribe",
                "payload": {"query": EVENTS, "variables": variables},
            }
        )
    )


async def next_message(ws: ClientConnection) -> dict[str, Any]:
    """The next message that is not a server ping (pings are answered)."""
    while True:
        raw = await ws.recv()
        assert isinstance(raw, str), "graphql-transport-ws frames must be text"
        message: dict[str, Any] = json.loads(raw)
        if message["type"] == "ping":
            await ws.send('{"type":"pong"}')
            continue
        return message


async def next_event(ws: ClientConnection) -> dict[str, Any]:
    message = await next_message(ws)
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    event: dict[str, Any] = message["payload"]["data"]["incidentEvents"]
    return event
