"""A minimal graphql-transport-ws client over the real `websockets` library, for tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from hub.core import Hub
from tests.conftest import WS_INIT, eventually

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


async def closed_with(ws: ClientConnection, *sent: Any) -> tuple[int | None, list[Any]]:
    """Send ``sent``, then read until the server closes; its code and every message."""
    for message in sent:
        await ws.send(json.dumps(message))
    received = []
    try:
        async with asyncio.timeout(5):
            async for raw in ws:
                received.append(json.loads(raw))
    except ConnectionClosed:
        pass
    return ws.close_code, received


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


def live_subscriptions(hub: Hub) -> int:
    """graphql-transport-ws subscriptions on ``hub`` that now hear every new event.

    Sending ``subscribe`` is only a request: the server runs the operation on
    a task of its own, and the subscription hears events once it belongs to a
    group whose stream has joined the feed. An event released before then is
    not sent to it.
    """
    from schema.ws import GroupedTransportWSHandler

    return sum(
        handler.groups.live_members()
        for handler in GroupedTransportWSHandler.__subclasses__()
        if handler.hub is hub
    )


async def until_live(hub: Hub, count: int = 1) -> None:
    """Wait until ``count`` subscriptions on ``hub`` hear every event from now on."""
    await eventually(
        lambda: live_subscriptions(hub) >= count, f"{count} live subscription(s)"
    )


async def until_listening(hub: Hub, before: int, streams: int = 1) -> None:
    """Wait until ``streams`` more streams than ``before`` read ``hub``'s feed:
    for subscriptions run outside the groups (the legacy graphql-ws protocol)."""
    await eventually(
        lambda: hub.feed.subscriber_count >= before + streams, f"{streams} more feed stream(s)"
    )
