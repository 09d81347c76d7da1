"""Tokens, scopes, the audit log, and filters that cannot carry queries."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData, seed
from tests.conftest import AUTH, GraphQLFailed, as_actor, bearer, gql, make_settings, serve

DECLARE = """mutation($team: ID!, $title: String!) {
  declareIncident(input: {title: $title, teamId: $team}) { id ref timeline { actor } }
}"""
LIST = """query($filter: IncidentFilterInput, $after: String) {
  incidents(filter: $filter, after: $after) { totalCount nodes { ref title } }
}"""
ACK = "mutation($id: ID!) { acknowledgeIncident(id: $id) { status } }"


async def declare(api: httpx.AsyncClient, demo: DemoData, team: str, title: str) -> dict:
    data = await gql(api, DECLARE, {"team": demo.team_ids[team], "title": title})
    return data["declareIncident"]  # type: ignore[no-any-return]


@pytest.fixture
async def world(api: httpx.AsyncClient, demo: DemoData) -> dict[str, dict]:
    return {
        "apac": await declare(api, demo, "sre-apac", "Search is slow"),
        "emea": await declare(api, demo, "sre-emea", "Checkout errors"),
    }


async def test_a_token_is_shown_once_and_stored_only_as_a_hash(
    api: httpx.AsyncClient, hub: Hub
) -> None:
    created = await gql(
        api,
        """mutation { createApiToken(input: {name: "ci-bot",
        role: AUTOMATION}) { token apiToken { id name role prefix expiresAt } } }""",
    )
    secret = created["createApiToken"]["token"]
    record = created["createApiToken"]["apiToken"]

    stored = await hub.tokens.repo.collection.find_one({"name": "ci-bot"})
    assert stored is not None
    assert secret not in json.dumps(stored, default=str)
    assert stored["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(record["prefix"]) and len(record["prefix"]) < 10
    assert record["expiresAt"] is not None
    me = await gql(api, "{ me { actor role } }", headers={"Authorization": f"Bearer {secret}"})
    assert me["me"] == {"actor": "ci-bot", "role": "AUTOMATION"}
    listed = await api.post("/graphql", json={"query": "{ apiTokens { nodes { name } } }"})
    assert secret not in listed.text


async def test_revoked_and_expired_tokens_are_refused(api: httpx.AsyncClient, hub: Hub) -> None:
    revoked = await bearer(hub, "short-lived")
    expired = await bearer(hub, "expired")
    tokens = await gql(api, "{ apiTokens { nodes { id name } } }")
    ids = {t["name"]: t["id"] for t in tokens["apiTokens"]["nodes"]}
    await gql(
        api,
        "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
        {"id": ids["short-lived"]},
    )
    past = datetime.now(UTC) - timedelta(minutes=1)
    await hub.tokens.repo.collection.update_one(
        {"name": "expired"}, {"$set": {"expires_at": past}}
    )

    for headers in (revoked, expired):
        response = await api.post("/graphql", json={"query": "{ me { actor } }"}, headers=headers)
        assert response.status_code == 401


async def test_a_token_expiry_must_lie_ahead(api: httpx.AsyncClient) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await gql(
            api,
            """mutation { createApiToken(input: {name: "old", role: VIEWER,
            expiresAt: "2001-01-01T00:00:00Z"}) { token } }""",
        )

    assert failed.value.codes == ["BAD_USER_INPUT"]


async def test_without_demo_or_admin_setting_no_credential_exists() -> None:
    hub = Hub(make_settings(admin_token=None))
    await hub.start(run_scheduler=False)
    try:
        assert await hub.tokens.repo.collection.count({}) == 0
    finally:
        await hub.stop()


async def test_demo_seeds_the_documented_tokens(api: httpx.AsyncClient, hub: Hub) -> None:
    await seed(hub)

    answers = {}
    for secret in [
        "demo-admin-token",
        "demo-responder-token",
        "demo-viewer-token",
        "demo-automation-token",
        "demo-london-responder-token",
    ]:
        me = await gql(
            api, "{ me { actor role regionIds } }", headers={"Authorization": f"Bearer {secret}"}
        )
        answers[secret] = me["me"]
    assert answers["demo-admin-token"]["role"] == "ADMIN"
    assert answers["demo-viewer-token"]["role"] == "VIEWER"
    assert answers["demo-london-responder-token"]["role"] == "RESPONDER"
    london = (await hub.teams.resolve_region("London")).id
    assert answers["demo-london-responder-token"]["regionIds"] == [london]


async def test_region_scoped_token_reads_only_its_region(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, world: dict[str, dict]
) -> None:
    london = await bearer(hub, "london", "responder", region_ids=[demo.region_ids["London"]])

    listed = await gql(api, LIST, headers=london)
    asked_for_apac = await gql(
        api, LIST, {"filter": {"regionIds": [demo.region_ids["Singapore"]]}}, headers=london
    )
    with pytest.raises(GraphQLFailed) as direct:
        await gql(
            api,
            "query($id: ID!) { incident(id: $id) { ref } }",
            {"id": world["apac"]["id"]},
            headers=london,
        )
    entities = await api.post(
        "/graphql",
        headers=london,
        json={
            "query": "query($r: [_Any!]!) { _entities(representations: $r) "
            "{ ... on Incident { ref } } }",
            "variables": {
                "r": [
                    {"__typename": "Incident", "id": world["apac"]["id"]},
                    {"__typename": "Incident", "id": world["emea"]["id"]},
                ]
            },
        },
    )

    assert [i["ref"] for i in listed["incidents"]["nodes"]] == [world["emea"]["ref"]]
    assert listed["incidents"]["totalCount"] == 1
    assert asked_for_apac["incidents"] == {"totalCount": 0, "nodes": []}
    assert direct.value.codes == ["NOT_FOUND"]
    body = entities.json()
    assert body == {"data": {"_entities": [None, {"ref": world["emea"]["ref"]}]}}


async def test_region_scoped_token_writes_only_in_its_region(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, world: dict[str, dict]
) -> None:
    london = await bearer(hub, "london", "responder", region_ids=[demo.region_ids["London"]])

    with pytest.raises(GraphQLFailed) as ack_apac:
        await gql(api, ACK, {"id": world["apac"]["id"]}, headers=london)
    with pytest.raises(GraphQLFailed) as declare_apac:
        await gql(api, DECLARE, {"team": demo.team_ids["sre-apac"], "title": "x"}, headers=london)
    with pytest.raises(GraphQLFailed) as unscoped_write:
        await gql(
            api, 'mutation { createKnowledgeArticle(input: {title: "x"}) { id } }', headers=london
        )
    acked = await gql(api, ACK, {"id": world["emea"]["id"]}, headers=london)

    assert ack_apac.value.codes == ["NOT_FOUND"]
    assert declare_apac.value.codes == ["FORBIDDEN"]
    assert unscoped_write.value.codes == ["FORBIDDEN"]
    assert (await hub.incidents.get(world["apac"]["id"])).status == "TRIGGERED"
    assert acked["acknowledgeIncident"]["status"] == "ACKNOWLEDGED"


@pytest.mark.parametrize(
    "filter",
    [
        {"teamIds": ['{"$ne": null}']},
        {"teamIds": ["$ne"]},
        {"text": ".*"},
        {"text": "$regex"},
        {"text": "' || '1'=='1"},
        {"regionIds": ["this.team_id != null"]},
    ],
)
async def test_operator_lookalikes_in_filter_values_match_nothing(
    api: httpx.AsyncClient, world: dict[str, dict], filter: dict
) -> None:
    found = await gql(api, LIST, {"filter": filter})

    assert found["incidents"] == {"totalCount": 0, "nodes": []}


@pytest.mark.parametrize(
    "filter",
    [
        {"$where": "sleep(1000) || true"},
        {"teamIds": {"$ne": None}},
        {"teamIds": [{"$ne": None}]},
        {"text": {"$regex": ".*"}},
        {"statuses": {"$ne": "CLOSED"}},
        {"createdFrom": {"$gt": ""}},
    ],
)
async def test_operator_keys_in_filters_are_refused_and_change_nothing(
    api: httpx.AsyncClient, hub: Hub, world: dict[str, dict], filter: dict
) -> None:
    # The same request with a harmless filter value: what any request costs
    # before a query runs (the token lookup, the response cache's version).
    trips = hub.db.round_trips.count
    with pytest.raises(GraphQLFailed):
        await gql(api, LIST, {"filter": {"statuses": ["NOPE"]}})
    baseline = hub.db.round_trips.count - trips
    trips = hub.db.round_trips.count

    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, LIST, {"filter": filter})

    assert failed.value.codes in (["BAD_USER_INPUT"], ["GRAPHQL_VALIDATION_FAILED"])
    assert hub.db.round_trips.count - trips == baseline <= 2, "no query ran"


async def test_a_forged_cursor_cannot_carry_an_operator(
    api: httpx.AsyncClient, world: dict[str, dict]
) -> None:
    forged = json.dumps([["number", "_id"], [["s", {"$ne": 1}], ["o", "0" * 24]]])
    cursor = base64.urlsafe_b64encode(forged.encode()).decode()

    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, LIST, {"after": cursor})

    assert failed.value.codes == ["BAD_USER_INPUT"]


async def test_every_mutation_is_audited_with_its_actor_and_outcome(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    olivia = as_actor("olivia")
    viewer = await bearer(hub, "watcher", "viewer")
    incident = (
        await gql(api, DECLARE, {"team": demo.team_ids["sre-emea"], "title": "x"}, headers=olivia)
    )["declareIncident"]
    with pytest.raises(GraphQLFailed):
        await gql(api, ACK, {"id": incident["id"]}, headers=viewer)

    log = await gql(
        api, "{ auditLog { nodes { actor role operation outcome targetIds } } }", headers=AUTH
    )

    assert incident["timeline"][0]["actor"] == "olivia"
    assert log["auditLog"]["nodes"] == [
        {
            "actor": "watcher",
            "role": "viewer",
            "operation": "acknowledgeIncident",
            "outcome": "FORBIDDEN",
            "targetIds": [incident["id"]],
        },
        {
            "actor": "olivia",
            "role": "responder",
            "operation": "declareIncident",
            "outcome": "OK",
            "targetIds": [demo.team_ids["sre-emea"]],
        },
    ]


async def test_the_calendar_feed_checks_its_token_and_scope(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    london = await bearer(hub, "london-cal", "viewer", region_ids=[demo.region_ids["London"]])
    secret = london["Authorization"].removeprefix("Bearer ")

    unknown = await api.get("/calendar/London.ics", params={"token": "guessed"})
    outside = await api.get("/calendar/Singapore.ics", params={"token": secret})
    inside = await api.get("/calendar/London.ics", params={"token": secret})

    assert unknown.status_code == 401
    assert outside.status_code == 403
    assert inside.status_code == 200


async def test_incidents_outside_the_scope_answer_like_missing_ones(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, world: dict[str, dict]
) -> None:
    london = await bearer(hub, "london", "responder", region_ids=[demo.region_ids["London"]])
    missing = {"id": "0123456789abcdef01234567", "ref": "INC-999"}
    outside = {"id": world["apac"]["id"], "ref": world["apac"]["ref"]}
    reads = [
        "query($id: ID!) { incident(id: $id) { ref } }",
        "query($ref: String!) { incident(ref: $ref) { ref } }",
        ACK,
        'mutation($id: ID!) { addFollowUp(incidentId: $id, input: {title: "x", owner: "olivia"})'
        " { id } }",
    ]

    async def answer(query: str, target: dict[str, str]) -> list[tuple[str, str]]:
        name = "id" if "$id" in query else "ref"
        with pytest.raises(GraphQLFailed) as failed:
            await gql(api, query, {name: target[name]}, headers=london)
        # The same words, but for the value the client sent.
        return [
            (e["extensions"]["code"], e["message"].replace(target[name], "X"))
            for e in failed.value.errors
        ]

    for query in reads:
        hidden = await answer(query, outside)
        assert hidden == await answer(query, missing), query
        assert [code for code, _ in hidden] == ["NOT_FOUND"]
    entities = await api.post(
        "/graphql",
        headers=london,
        json={
            "query": "query($r: [_Any!]!) { _entities(representations: $r) "
            "{ ... on Incident { ref } } }",
            "variables": {"r": [{"__typename": "Incident", "id": outside["id"]}]},
        },
    )
    assert entities.json() == {"data": {"_entities": [None]}}


async def test_a_token_in_a_query_string_never_reaches_the_logs(
    hub: Hub, demo: DemoData, caplog: pytest.LogCaptureFixture
) -> None:
    london = await bearer(hub, "london-feed", "viewer", region_ids=[demo.region_ids["London"]])
    secret = london["Authorization"].removeprefix("Bearer ")
    access = logging.getLogger("uvicorn.access")
    caplog.set_level(logging.DEBUG)
    async with serve(hub) as live, httpx.AsyncClient(base_url=live.url) as client:
        # As an operator turning access logs on; uvicorn's do not propagate.
        level = access.level
        access.setLevel(logging.INFO)
        access.addHandler(caplog.handler)
        try:
            served = await client.get("/calendar/London.ics", params={"token": secret})
            refused = await client.get("/calendar/Singapore.ics", params={"token": secret})
        finally:
            access.removeHandler(caplog.handler)
            access.setLevel(level)

    # What the hub's side wrote; the test's own HTTP client logs its URLs too.
    server = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    )
    assert (served.status_code, refused.status_code) == (200, 403)
    assert "/calendar/London.ics?token=" in server
    assert secret not in server
