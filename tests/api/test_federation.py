"""Apollo Federation: the hub composes with another subgraph and serves a gateway."""

from __future__ import annotations

import asyncio
import json

import httpx

from hub.core import Hub
from hub.demo import DemoData
from tests.api.node import JS, run_node
from tests.conftest import ADMIN_TOKEN, gql, serve

ENTITIES = """
query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Incident { id ref } } }
"""


async def compose(sdl: str) -> dict:
    proc = await asyncio.create_subprocess_exec(
        "node",
        str(JS / "compose.mjs"),
        cwd=JS,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(proc.communicate(sdl.encode()), 60)
    assert proc.returncode == 0
    return json.loads(out)  # type: ignore[no-any-return]


async def test_hub_sdl_composes_with_a_subgraph_that_extends_incident(
    api: httpx.AsyncClient, node_packages: None
) -> None:
    sdl = (await gql(api, "{ _service { sdl } }"))["_service"]["sdl"]

    composed = await compose(sdl)

    assert composed.get("errors") is None
    assert {"ref", "team", "ticket"} <= set(composed["incidentFields"])
    for entity in [
        "Incident",
        "Team",
        "Service",
        "Region",
        "KnowledgeArticle",
        "EscalationPolicy",
    ]:
        assert f'type {entity}\n  @join__type(graph: HUB, key: "id")' in composed["supergraph"]


async def test_gateway_queries_and_mutates_through_the_hub(
    hub: Hub, demo: DemoData, node_packages: None
) -> None:
    async with serve(hub) as live:
        answers = await run_node(
            "gateway.mjs", f"{live.url}/graphql", ADMIN_TOKEN, demo.team_ids["sre-emea"]
        )

    declared = answers["declared"]["body"]["data"]["declareIncident"]
    assert declared["team"]["slug"] == "sre-emea"
    assert declared["ticket"]["key"] == f"OPS-{declared['id'][-6:]}"
    listed = answers["listed"]["body"]["data"]["incidents"]
    assert listed["totalCount"] == 1
    assert listed["nodes"][0]["ref"] == declared["ref"]
    assert listed["nodes"][0]["region"]["name"] == "London"
    assert listed["nodes"][0]["ticket"]["key"] == declared["ticket"]["key"]
    refused = answers["anonymous"]["body"]["errors"][0]
    assert refused["extensions"]["code"] == "UNAUTHENTICATED"


async def test_entities_resolve_each_representation_on_its_own_case_f1(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    declared = await gql(
        api,
        'mutation($t: ID!) { declareIncident(input: {title: "F1", teamId: $t}) { id ref } }',
        {"t": demo.team_ids["sre-apac"]},
    )
    incident = declared["declareIncident"]
    reps = [
        {"__typename": "Incident", "id": incident["id"]},
        {"__typename": "Incident", "id": "0123456789abcdef01234567"},
        {"__typename": "Incident", "id": "not-an-objectid"},
    ]
    trips = hub.db.round_trips.count

    response = await api.post("/graphql", json={"query": ENTITIES, "variables": {"reps": reps}})

    assert response.status_code == 200
    body = response.json()
    assert body["data"]["_entities"] == [incident, None, None]
    assert [e["path"] for e in body["errors"]] == [["_entities", 2]]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # The response cache's version, the token lookup, then one $in query for
    # all three.
    assert hub.db.round_trips.count - trips == 3


async def test_entities_of_every_kind_load_in_one_query_per_kind(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    reps = [{"__typename": "Team", "id": t} for t in demo.team_ids.values()]
    reps += [{"__typename": "Region", "id": r} for r in demo.region_ids.values()]
    reps += [{"__typename": "Service", "id": s} for s in demo.service_ids.values()]
    reps += [{"__typename": "EscalationPolicy", "id": demo.policy_id}]
    query = """query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Team { slug } ... on Region { name } ... on Service { name }
      ... on EscalationPolicy { name } } }"""
    trips = hub.db.round_trips.count

    data = await gql(api, query, {"reps": reps})

    assert len([e for e in data["_entities"] if e]) == len(reps)
    # Cache version and token lookup, then one query per kind.
    assert hub.db.round_trips.count - trips == 2 + 4


async def test_a_malformed_representation_is_the_client_s_mistake_at_its_position(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    team = demo.team_ids["sre-emea"]
    reps = [
        {"__typename": "Team", "id": team},
        {"__typename": "Incident"},
        {"__typename": "Nope", "id": team},
        {"id": team},
        "Team",
        {"__typename": "Team", "id": team, "title": "extra"},
        {"__typename": "Team", "id": 7},
        {"__typename": "_Service", "id": team},
    ]
    query = "query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Team { slug } } }"

    response = await api.post("/graphql", json={"query": query, "variables": {"reps": reps}})

    body = response.json()
    assert response.status_code == 200
    assert body["data"]["_entities"] == [{"slug": "sre-emea"}] + [None] * 7
    assert [e["path"] for e in body["errors"]] == [["_entities", i] for i in range(1, 8)]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    messages = [e["message"] for e in body["errors"]]
    assert "id" in messages[0] and "'Nope'" in messages[1] and "__typename" in messages[2]
    assert "'title'" in messages[4]
