"""Live incident events over real websockets: each region hears its own, in order."""

from __future__ import annotations

import httpx
import pytest

from hub.demo import DemoData
from tests.conftest import AUTH, LiveServer, gql
from tests.wsclient import (
    collect,
    connect,
    receive,
    silent,
    subscribe,
    until_listening,
    until_live,
)

SUB = """subscription($region: String!) {
  incidentEvents(region: $region) { sequence cursor type incidentId data incident { ref } }
}"""
DECLARE = """mutation($team: ID!, $title: String!) {
  declareIncident(input: {title: $title, teamId: $team}) { id ref } }"""
NOTE = 'mutation($id: ID!) { addIncidentNote(id: $id, text: "checking") { id } }'
ACK = "mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }"


async def run_mutations(live: LiveServer, demo: DemoData) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=live.url, headers=AUTH) as http:
        refs = {}
        for slug, title in [("sre-apac", "Search slow"), ("sre-emea", "Checkout 500s")]:
            data = await gql(http, DECLARE, {"team": demo.team_ids[slug], "title": title})
            incident = data["declareIncident"]
            refs[slug] = incident["ref"]
            await gql(http, NOTE, {"id": incident["id"]})
            await gql(http, ACK, {"id": incident["id"]})
        return refs


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_a_region_subscriber_gets_exactly_its_region_events_in_order(
    live: LiveServer, demo: DemoData, protocol: str
) -> None:
    async with connect(live.ws_url, protocol=protocol) as ws:
        if protocol == "graphql-ws":
            import json

            before = live.hub.feed.subscriber_count
            await ws.send(json.dumps({"id": "1", "type": "start",
                                      "payload": {"query": SUB,
                                                  "variables": {"region": "London"}}}))
            await until_listening(live.hub, before)
        else:
            await subscribe(ws, "1", SUB, {"region": "London"})
            await until_live(live.hub)
        refs = await run_mutations(live, demo)
        messages = await collect(ws, 3)
        extra = await silent(ws, 0.5)

    payloads = [m["payload"]["data"]["incidentEvents"] for m in messages]
    assert [m["type"] for m in messages] == ["next" if protocol != "graphql-ws" else "data"] * 3
    assert [p["type"] for p in payloads] == [
        "incident.declared", "incident.note_added", "incident.acknowledged"
    ]
    assert {p["incident"]["ref"] for p in payloads} == {refs["sre-emea"]}
    sequences = [p["sequence"] for p in payloads]
    assert sequences == sorted(sequences)
    assert extra == []


async def test_two_regions_two_subscribers_no_crossing(live: LiveServer, demo: DemoData) -> None:
    async with connect(live.ws_url) as sg, connect(live.ws_url) as ldn:
        await subscribe(sg, "a", SUB, {"region": "Singapore"})
        await subscribe(ldn, "b", SUB, {"region": "London"})
        await until_live(live.hub, 2)
        refs = await run_mutations(live, demo)
        sg_msgs, ldn_msgs = await collect(sg, 3), await collect(ldn, 3)
        assert await silent(sg, 0.3) == [] and await silent(ldn, 0.3) == []

    def refs_of(msgs: list[dict]) -> set[str]:
        return {m["payload"]["data"]["incidentEvents"]["incident"]["ref"] for m in msgs}

    assert refs_of(sg_msgs) == {refs["sre-apac"]}
    assert refs_of(ldn_msgs) == {refs["sre-emea"]}


async def test_unknown_region_is_an_error_message_not_a_crash(
    live: LiveServer, demo: DemoData
) -> None:
    async with connect(live.ws_url) as ws:
        await subscribe(ws, "1", SUB, {"region": "Atlantis"})
        message = await receive(ws)
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "NOT_FOUND"
        # The socket stays usable.
        await subscribe(ws, "2", SUB, {"region": "London"})
        await until_live(live.hub)
        await run_mutations(live, demo)
        assert (await receive(ws))["id"] == "2"
