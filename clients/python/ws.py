"""One subscription over the graphql-transport-ws protocol, on ``websockets``.

This layer speaks the protocol and nothing more: a dropped socket surfaces as
``websockets.ConnectionClosed`` or ``OSError`` for the resuming layer above.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from clients.python.errors import HubAPIError, HubUnavailable

PROTOCOL = Subprotocol("graphql-transport-ws")


async def subscription(
    url: str,
    document: str,
    variables: dict[str, Any],
    *,
    init_payload: dict[str, Any],
    open_timeout: float = 10.0,
) -> AsyncIterator[dict[str, Any]]:
    """Each ``data`` the hub sends for one subscribe, until it completes."""
    async with connect(
        url, subprotocols=[PROTOCOL], open_timeout=open_timeout, max_size=2**22
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": init_payload}))
        await _acknowledged(ws)
        subscribe = {"query": document, "variables": variables}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        async for raw in ws:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "next":
                yield _data(message.get("payload") or {})
            elif kind == "error":
                raise HubAPIError(list(message.get("payload") or []))
            elif kind == "complete":
                return
            elif kind == "ping":
                await ws.send(json.dumps({"type": "pong"}))


async def _acknowledged(ws: ClientConnection) -> None:
    async for raw in ws:
        message = json.loads(raw)
        if message.get("type") == "connection_ack":
            return
        if message.get("type") == "ping":
            await ws.send(json.dumps({"type": "pong"}))
    raise HubUnavailable("the hub closed the socket before acknowledging the connection")


def _data(payload: dict[str, Any]) -> dict[str, Any]:
    if payload.get("errors"):
        raise HubAPIError(payload["errors"])
    data = payload.get("data")
    return data if isinstance(data, dict) else {}
