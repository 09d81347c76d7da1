"""A minimal graphql-transport-ws client over the real `websockets` library, for tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from tests.conftest import WS_INIT

PROTOCOL = "graphql-transport-ws"


@asynccontextmanager
async def connect(
    url: str, *, init: dict[str, Any] | None = WS_INIT, protocol: str = PROTOCOL
) -> AsyncIterator[ClientConnection]:
    async with websockets.connect(url, subprotocols=[protocol]) as ws:  # type: ignore[list-item]
        if init is not None:
            kind = "connection_init"
            await ws.send(json.dumps({"type": kind, "payload": init}))
            ack = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert ack["type"] == "connection_ack", ack
        yield ws


async def subscribe(
    ws: ClientConnection, op_id: str, query: str, variables: dict[str, Any] | None = None
) -> None:
    await ws.send(json.dumps({"id": op_id, "type": "subscribe",
                              "payload": {"query": query, "variables": variables or {}}}))


async def receive(ws: ClientConnection, timeout: float = 5) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))  # type: ignore[no-any-return]


async def collect(ws: ClientConnection, count: int, timeout: float = 5) -> list[dict[str, Any]]:
    """The next ``count`` messages that are not pings or pongs."""
    out: list[dict[str, Any]] = []
    while len(out) < count:
        message = await receive(ws, timeout)
        if message["type"] not in ("ping", "pong"):
            out.append(message)
    return out


async def silent(ws: ClientConnection, seconds: float) -> list[dict[str, Any]]:
    """Messages that arrive within ``seconds`` (pings and pongs left out)."""
    out: list[dict[str, Any]] = []
    try:
        while True:
            message = await receive(ws, seconds)
            if message["type"] not in ("ping", "pong"):
                out.append(message)
    except TimeoutError:
        return out
