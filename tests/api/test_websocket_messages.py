"""Messages of the wrong shape on either websocket protocol: valid JSON, but
not the object the protocol describes. Each closes the socket with 4400 and
a reason naming the problem, instead of dropping it with no close code or
leaving the operation silently unstarted; a sound socket beside it carries
on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import LiveServer, serve
from tests.wsclient import closed_with, connect, receive

QUERY = 'subscription { incidentEvents(region: "London") { type } }'


def operation(kind: str, **payload: Any) -> dict[str, Any]:
    return {"id": "1", "type": kind, "payload": {"query": QUERY, **payload}}


def cases(kind: str) -> list[Any]:
    return [
        pytest.param([1, 2], "JSON object", id="array"),
        pytest.param(5, "JSON object", id="number"),
        pytest.param({"type": 7}, "string 'type'", id="type-number"),
        pytest.param({**operation(kind), "id": 5}, "'id' must be a string", id="id-number"),
        pytest.param({"id": "1", "type": kind, "payload": None}, "'payload'", id="payload-null"),
        pytest.param({"id": "1", "type": kind, "payload": "q"}, "'payload'", id="payload-text"),
        pytest.param(operation(kind, query=5), "payload.query", id="query-number"),
        pytest.param(operation(kind, variables=[1]), "payload.variables", id="variables-list"),
        pytest.param(operation(kind, operationName=3), "operationName", id="name-number"),
        pytest.param(operation(kind, extensions="x"), "payload.extensions", id="extensions"),
    ]


@pytest.fixture
async def live_hub(hub: Hub, demo: DemoData) -> Any:
    async with serve(hub) as live:
        yield live


async def _exchange(url: str, protocol: str, sent: Any) -> tuple[int | None, str, list[Any]]:
    async with connect(url, protocol=protocol) as ws:
        code, received = await closed_with(ws, sent)
        return code, ws.close_reason or "", received


async def _still_serves(url: str, protocol: str, kind: str) -> None:
    async with connect(url, protocol=protocol) as ws:
        # Validation answers at once, so this shows the hub still reads operations.
        await ws.send(json.dumps(operation(kind, query="subscription { nope }")))
        answer = await receive(ws)
        errors = answer["payload"] if isinstance(answer["payload"], list) else [answer["payload"]]
        assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", answer


@pytest.mark.parametrize(("sent", "named"), cases("subscribe"))
async def test_graphql_transport_ws_closes_4400_naming_the_problem(
    live_hub: LiveServer, sent: Any, named: str
) -> None:
    code, reason, received = await _exchange(live_hub.ws_url, "graphql-transport-ws", sent)

    assert code == 4400, (code, reason, received)
    assert named in reason
    assert not [m for m in received if m.get("type") == "next"]
    await _still_serves(live_hub.ws_url, "graphql-transport-ws", "subscribe")


@pytest.mark.parametrize(("sent", "named"), cases("start"))
async def test_legacy_graphql_ws_sends_an_error_then_closes_4400(
    live_hub: LiveServer, sent: Any, named: str
) -> None:
    code, reason, received = await _exchange(live_hub.ws_url, "graphql-ws", sent)

    assert code == 4400, (code, reason, received)
    assert named in reason
    assert [m["type"] for m in received] == ["error"]
    assert named in received[0]["payload"]["message"]
    await _still_serves(live_hub.ws_url, "graphql-ws", "start")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ __typename }", "BAD_USER_INPUT"),
        ('mutation { revokeApiToken(id: "x") { id } }', "BAD_USER_INPUT"),
        ("subscription {", "GRAPHQL_PARSE_FAILED"),
    ],
    ids=["query", "mutation", "syntax-error"],
)
async def test_legacy_start_that_is_no_subscription_gets_a_coded_error(
    live_hub: LiveServer, query: str, code: str
) -> None:
    async with connect(live_hub.ws_url, protocol="graphql-ws") as ws:
        await ws.send(json.dumps(operation("start", query=query)))
        answer = await receive(ws)

    assert answer["type"] == "error" and answer["id"] == "1", answer
    assert answer["payload"]["extensions"]["code"] == code
