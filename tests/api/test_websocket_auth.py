"""Subscriptions authenticate in connection_init (case W5) and respect scopes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets

from hub.core import Hub
from hub.demo import DemoData
from hub.events.models import encode_cursor
from tests.conftest import WS_INIT, LiveServer, bearer, serve
from tests.wsclient import closed_with, until_live

PROTOCOL = "graphql-transport-ws"
EVENTS = "subscription($r: String) { incidentEvents(region: $r) { type data } }"


def subscribe(query: str = EVENTS, **variables: Any) -> dict[str, Any]:
    return {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}


@pytest.fixture
async def live_hub(hub: Hub) -> Any:
    async with serve(hub) as live:
        yield live


async def test_subscribe_before_init_closes_4401_case_w5(live_hub: LiveServer) -> None:
    async with websockets.connect(live_hub.ws_url, subprotocols=[PROTOCOL]) as ws:
        code, received = await closed_with(ws, subscribe())

    assert code == 4401
    assert not [m for m in received if m["type"] == "next"]


async def test_second_init_closes_4429_case_w5(live_hub: LiveServer) -> None:
    init = {"type": "connection_init", "payload": WS_INIT}
    async with websockets.connect(live_hub.ws_url, subprotocols=[PROTOCOL]) as ws:
        code, received = await closed_with(ws, init, init)

    assert code == 4429
    assert [m["type"] for m in received] == ["connection_ack"]


@pytest.mark.parametrize(
    "payload",
    [{"Authorization": "Bearer not-a-token"}, {}, None, {"Authorization": 7}],
    ids=["wrong", "empty", "absent", "not-a-string"],
)
async def test_init_without_a_valid_token_closes_4403_case_w5(
    live_hub: LiveServer, payload: Any
) -> None:
    init: dict[str, Any] = {"type": "connection_init"}
    if payload is not None:
        init["payload"] = payload
    async with websockets.connect(live_hub.ws_url, subprotocols=[PROTOCOL]) as ws:
        code, received = await closed_with(ws, init, subscribe())

    assert code == 4403
    assert received == []


async def test_a_valid_token_receives_events(
    live_hub: LiveServer, hub: Hub, demo: DemoData
) -> None:
    async with websockets.connect(live_hub.ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": WS_INIT}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps(subscribe(r="London")))
        await until_live(hub)
        await declare(hub, demo, "sre-emea")
        message = json.loads(await asyncio.wait_for(ws.recv(), 5))

    assert message["type"] == "next"
    assert message["payload"]["data"]["incidentEvents"]["type"] == "incident.declared"


async def test_region_scoped_token_cannot_subscribe_outside_its_region(
    live_hub: LiveServer, hub: Hub, demo: DemoData
) -> None:
    london = await bearer(hub, "london-watch", "viewer", region_ids=[demo.region_ids["London"]])
    async with websockets.connect(live_hub.ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": london}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps(subscribe(r="Singapore")))
        await ws.send(json.dumps({**subscribe(), "id": "2"}))
        await until_live(hub)
        await declare(hub, demo, "sre-apac")
        await declare(hub, demo, "sre-emea")
        received = await until_next(ws, "2")

    first = [m for m in received if m.get("id") == "1"]
    errors = first[0]["payload"] if first[0]["type"] == "error" else first[0]["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert not [m for m in first if m["type"] == "next" and m["payload"].get("data")]
    heard = [m for m in received if m.get("id") == "2"]
    assert [m["payload"]["data"]["incidentEvents"]["data"]["ref"] for m in heard] == ["INC-2"]


async def test_region_scoped_token_cannot_reach_outside_events_by_any_subscription_argument(
    live_hub: LiveServer, hub: Hub, demo: DemoData
) -> None:
    apac = await declare(hub, demo, "sre-apac")
    await declare(hub, demo, "sre-emea")
    london = await bearer(hub, "london-args", "viewer", region_ids=[demo.region_ids["London"]])
    refused = {
        "team": ("subscription($t: ID) { incidentEvents(teamId: $t) { type } }",
                 {"t": demo.team_ids["sre-apac"]}),
        "incident": ("subscription($i: ID) { incidentEvents(incidentId: $i) { type } }",
                     {"i": apac}),
        "handoffs": ('subscription { handoffEvents(region: "Singapore") { type } }', {}),
    }
    replay = "subscription($a: String) { incidentEvents(after: $a) { type data } }"
    async with websockets.connect(live_hub.ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": london}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        for op_id, (query, variables) in refused.items():
            await ws.send(json.dumps({**subscribe(query, **variables), "id": op_id}))
        # From the start of the log: the replay holds both incidents' events.
        await ws.send(json.dumps({**subscribe(replay, a=encode_cursor(0)), "id": "replay"}))
        received = await until_next(ws, "replay")
        await asyncio.sleep(0.3)  # anything else the replay would send
        while True:
            try:
                received.append(json.loads(await asyncio.wait_for(ws.recv(), 0.3)))
            except TimeoutError:
                break

    for op_id, code in [("team", "FORBIDDEN"), ("incident", "NOT_FOUND"),
                        ("handoffs", "FORBIDDEN")]:
        answers = [m for m in received if m.get("id") == op_id]
        assert [m["type"] for m in answers] == ["error"], (op_id, answers)
        assert [e["extensions"]["code"] for e in answers[0]["payload"]] == [code], op_id
    replayed = [
        m["payload"]["data"]["incidentEvents"]["data"]
        for m in received
        if m.get("id") == "replay" and m["type"] == "next"
    ]
    assert replayed, "the London incident's events were replayed"
    assert {e["ref"] for e in replayed if "ref" in e} == {"INC-2"}
    assert all(apac not in json.dumps(e) for e in replayed)


async def until_next(ws: Any, op_id: str) -> list[dict[str, Any]]:
    received = []
    async with asyncio.timeout(5):
        while not any(m.get("id") == op_id and m["type"] == "next" for m in received):
            received.append(json.loads(await ws.recv()))
    return received


async def declare(hub: Hub, demo: DemoData, team: str) -> str:
    from hub.incidents.models import IncidentDeclare

    data = IncidentDeclare(title="socket test", team_id=demo.team_ids[team])
    return (await hub.flows.declare(data, actor="tests")).id


LEGACY = "graphql-ws"


@pytest.mark.parametrize(
    "payload", [{"Authorization": "Bearer not-a-token"}, {}, "a string"], ids=str
)
async def test_legacy_graphql_ws_closes_4403_without_a_valid_token(
    live_hub: LiveServer, payload: Any
) -> None:
    init = {"type": "connection_init", "payload": payload}
    async with websockets.connect(live_hub.ws_url, subprotocols=[LEGACY]) as ws:  # type: ignore[list-item]
        code, received = await closed_with(ws, init)

    assert code == 4403
    assert [m["type"] for m in received] == ["connection_error"]


@pytest.mark.parametrize("key", ["authorization", "AUTHORIZATION", "AuthoriZation"])
@pytest.mark.parametrize("protocol", [PROTOCOL, LEGACY])
async def test_the_init_payload_key_is_read_in_any_case(
    live_hub: LiveServer, key: str, protocol: str
) -> None:
    init = {"type": "connection_init", "payload": {key: WS_INIT["Authorization"]}}
    async with websockets.connect(live_hub.ws_url, subprotocols=[protocol]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps(init))
        answer = json.loads(await asyncio.wait_for(ws.recv(), 5))

    assert answer["type"] == "connection_ack"
