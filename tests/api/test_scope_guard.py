"""No field leads a scoped token to an incident outside its scope.

The schema is walked for every field whose type is ``Incident``, a list of
them, or a union holding it (``_entities``); each must appear in ``PATHS``
below, with the operations that reach it. A London-scoped token then runs
every operation over data built so that each path could reach a Singapore
incident, and must never see one: a nullable field answers null, a list
leaves it out, a non-null field answers NOT_FOUND, as for one that does not
exist.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, GraphQLUnionType, get_named_type

from hub.core import Hub
from hub.demo import DemoData
from schema.app_schema import build_schema
from tests.conftest import bearer, gql

SECRET = "Singapore secret"
INCIDENT = "{ id title }"
ENTITIES = (
    "query($reps: [_Any!]!) { _entities(representations: $reps) "
    f"{{ ... on Incident {INCIDENT} }} }}"
)
ROUTE = (
    'query($p: JSON!, $at: DateTime!) { routeAlert(source: "generic", payload: $p, at: $at)'
    f" {{ decision incident {INCIDENT} }} }}"
)
ON_S = "mutation($s: ID!) {"
# Each field returning incidents, and operations that could reach it with a
# Singapore incident behind it. ``$s`` is that incident, ``$l`` a London one.
PATHS: dict[str, list[str]] = {
    "IncidentConnection.nodes": [f"{{ incidents(first: 100) {{ nodes {INCIDENT} }} }}"],
    "IncidentEdge.node": [f"{{ incidents {{ edges {{ node {INCIDENT} }} }} }}"],
    "Query.incident": [
        f"query($s: ID!) {{ incident(id: $s) {INCIDENT} }}",
        f'{{ incident(ref: "INC-1") {INCIDENT} }}',
    ],
    "Query._entities": [ENTITIES],
    "Handoff.incidents": [
        f"{{ handoffs {{ nodes {{ incidents {INCIDENT} }} }} }}",
        f'{{ handoffs(region: "London") {{ nodes {{ incidents {INCIDENT} }} }} }}',
        f"query($h: ID!) {{ handoff(id: $h) {{ incidents {INCIDENT} }} }}",
    ],
    "KnowledgeArticle.incident": [
        f"{{ knowledgeArticles(first: 100) {{ nodes {{ incident {INCIDENT} }} }} }}",
        f"query($a: ID!) {{ knowledgeArticle(id: $a) {{ incident {INCIDENT} }} }}",
        f'{{ searchKnowledge(query: "Postmortem") {{ article {{ incident {INCIDENT} }} }} }}',
    ],
    "IncidentEvent.incident": [
        f"query($l: ID!) {{ incident(id: $l) {{ timeline {{ incident {INCIDENT} }} }} }}",
    ],
    "StatusUpdate.incident": [
        f"query($l: ID!) {{ incident(id: $l) {{ statusUpdates {{ incident {INCIDENT} }} }} }}",
        f'{ON_S} postStatusUpdate(incidentId: $s, body: "x") {{ incident {INCIDENT} }} }}',
    ],
    "FollowUp.incident": [
        f"query($l: ID!) {{ incident(id: $l) {{ followUps {{ incident {INCIDENT} }} }} }}",
        f'{ON_S} addFollowUp(incidentId: $s, input: {{title: "x", owner: "o"}}) '
        f"{{ incident {INCIDENT} }} }}",
    ],
    "RoutePreview.incident": [ROUTE],
    "Mutation.declareIncident": [
        'mutation($t: ID!) { declareIncident(input: {title: "x", teamId: $t}) { id title } }'
    ],
    "Mutation.acknowledgeIncident": [f"{ON_S} acknowledgeIncident(id: $s) {INCIDENT} }}"],
    "Mutation.changeIncidentStatus": [
        f"{ON_S} changeIncidentStatus(id: $s, status: RESOLVED) {INCIDENT} }}"
    ],
    "Mutation.addIncidentNote": [f'{ON_S} addIncidentNote(id: $s, text: "x") {INCIDENT} }}'],
    "Mutation.reclassifyIncident": [
        f'{ON_S} reclassifyIncident(id: $s, severity: SEV1, reason: "x") {INCIDENT} }}'
    ],
    "Mutation.assignResponder": [
        f'{ON_S} assignResponder(id: $s, handle: "olivia") {INCIDENT} }}'
    ],
    "Mutation.checkProtocolItem": [
        f'{ON_S} checkProtocolItem(incidentId: $s, item: "x") {INCIDENT} }}'
    ],
}


def fields_returning_incidents() -> set[str]:
    schema = build_schema()._schema
    incident = schema.get_type("Incident")
    found = set()
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            named = get_named_type(field.type)
            holds = isinstance(named, GraphQLUnionType) and incident in named.types
            if named is incident or holds:
                found.add(f"{type_.name}.{name}")
    return found


def test_every_field_returning_incidents_has_a_path_in_this_test() -> None:
    assert set(PATHS) == fields_returning_incidents()


@pytest.fixture
async def world(api: httpx.AsyncClient, hub: Hub, demo: DemoData) -> dict[str, Any]:
    declare = (
        "mutation($t: ID!, $x: String!) { declareIncident(input: {title: $x, teamId: $t}) { id } }"
    )
    apac, emea = demo.team_ids["sre-apac"], demo.team_ids["sre-emea"]
    s = (await gql(api, declare, {"t": apac, "x": SECRET}))["declareIncident"]["id"]
    london = (await gql(api, declare, {"t": emea, "x": "London own"}))["declareIncident"]["id"]
    handoff = await gql(
        api,
        "mutation($s: ID!, $t: ID!) { proposeHandoff(input: {incidentIds: [$s], toTeamId: $t})"
        " { id } }",
        {"s": s, "t": emea},
    )
    article = await hub.postmortems.draft(s)
    alert = {"dedup_key": "scope-guard", "action": "trigger", "title": SECRET}
    ingested = await api.post("/ingest/generic/demo-generic", json=alert)
    assert ingested.status_code < 300, ingested.text
    return {
        "s": s,
        "l": london,
        "h": handoff["proposeHandoff"]["id"],
        "a": article.id,
        "t": apac,
        "p": alert,
        "at": datetime.now(UTC).isoformat(),
        "reps": [{"__typename": "Incident", "id": s}, {"__typename": "Incident", "id": london}],
    }


@pytest.mark.parametrize(
    "query", [q for queries in PATHS.values() for q in queries], ids=lambda q: q[:60]
)
async def test_a_london_token_never_sees_a_singapore_incident(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, world: dict[str, Any], query: str
) -> None:
    london = await bearer(hub, "london", "responder", region_ids=[demo.region_ids["London"]])
    wanted = {k: v for k, v in world.items() if re.search(rf"\${k}\b", query)}
    admin = (await api.post("/graphql", json={"query": query, "variables": wanted})).json()

    response = await api.post(
        "/graphql", json={"query": query, "variables": wanted}, headers=london
    )

    body = response.json()
    assert SECRET not in response.text
    assert world["s"] not in json.dumps(body.get("data"))
    codes = {e["extensions"]["code"] for e in body.get("errors", [])}
    assert codes <= {"NOT_FOUND", "FORBIDDEN"}, body
    if query.startswith(("{", "query")) and "$l" not in query:
        # The path is real: an unscoped token reading the same finds the secret.
        # (Paths below a London incident lead back only to that incident.)
        assert SECRET in json.dumps(admin)
