"""GraphQL bodies and websocket messages are checked for JSON depth before
they are decoded: a hostile nesting is a 400 (or a 4400 close) naming the
limit, never a recursion error and a 500."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import WS_INIT, serve

ROUTE = """
query($p: JSON!) {
  routeAlert(source: "generic", payload: $p, at: "2025-06-02T03:00:00Z") { decision }
}"""
PROTOCOL = "graphql-transport-ws"


def nested(levels: int) -> str:
    return "[" * levels + "1" + "]" * levels


def body(levels: int) -> str:
    return '{"query": ' + json.dumps(ROUTE) + ', "variables": {"p": ' + nested(levels) + "}}"


async def test_deeply_nested_variables_are_400_naming_the_limit(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    headers = {"content-type": "application/json"}

    answer = await api.post("/graphql", content=body(10_000), headers=headers)

    assert answer.status_code == 400, answer.text
    [error] = answer.json()["errors"]
    assert "nested deeper than" in error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


async def test_deeply_nested_variables_over_get_are_400(api: httpx.AsyncClient) -> None:
    params = {"query": "{ __typename }", "variables": '{"p": ' + nested(10_000) + "}"}

    answer = await api.get("/graphql", params=params)

    assert answer.status_code == 400, answer.text
    assert "nested deeper than" in answer.json()["errors"][0]["message"]


async def test_a_routable_payload_as_deep_as_ingest_allows_still_fits(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    deep: Any = "x"
    for _ in range(hub.settings.max_json_depth - 1):
        deep = {"d": deep}
    payload = {"dedup_key": "k", "action": "trigger", "title": "t", "context": deep}

    answer = await api.post("/graphql", json={"query": ROUTE, "variables": {"p": payload}})

    assert answer.status_code == 200, answer.text
    assert answer.json().get("data") == {"routeAlert": {"decision": "OPEN"}}, answer.text


@pytest.fixture
async def live(hub: Hub) -> Any:
    async with serve(hub) as server:
        yield server


async def test_deeply_nested_websocket_message_closes_4400(live: Any) -> None:
    subscribe = '{"id": "1", "type": "subscribe", "payload": ' + nested(10_000) + "}"
    async with websockets.connect(live.ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": WS_INIT}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(subscribe)
        try:
            async with asyncio.timeout(5):
                async for _ in ws:
                    pass
        except ConnectionClosed:
            pass

    assert ws.close_code == 4400
