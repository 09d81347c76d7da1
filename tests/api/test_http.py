"""GraphQL over HTTP: status codes, media types, methods and credentials."""

from __future__ import annotations

import json

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.api.test_roles import MUTATIONS, document
from tests.conftest import AUTH

GRAPHQL_RESPONSE = "application/graphql-response+json"
DECLARE = 'mutation { declareIncident(input: {title: "x", teamId: "%s"}) { id } }'


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"query":',
        b'{"query": 1}',
        b'{"query": "{ __typename }", "variables": [7]}',
        # The same kind of fault in other parts of the request.
        b"null",
        b'[{"query": "{ __typename }"}]',
        b'{"query": null}',
        b'{"query": "{ __typename }", "variables": "x"}',
        b'{"query": "{ __typename }", "extensions": 7}',
        b'{"query": "{ __typename }", "operationName": 5}',
        b'{"query": "{ __typename }"} trailing',
        b"\xff\xfe",
    ],
    ids=[
        "empty", "truncated", "number-query", "list-variables", "null", "batch", "null-query",
        "string-variables", "number-extensions", "number-operation-name", "trailing", "not-utf8",
    ],
)
async def test_malformed_posts_get_400_with_a_json_error_case_h1(
    api: httpx.AsyncClient, body: bytes
) -> None:
    response = await api.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["errors"][0]
    assert error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


async def test_mutation_over_get_is_405_and_changes_nothing_case_h2(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    query = DECLARE % demo.team_ids["sre-emea"]

    response = await api.get("/graphql", params={"query": query})

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert await hub.incidents.collection.count({}) == 0


async def snapshot(hub: Hub) -> dict[str, list[dict]]:
    """Every document of every collection, to show a request wrote nothing."""
    raw = hub.db._db  # the wrapper counts round trips; this reads around it
    names = sorted(await raw.list_collection_names())
    return {name: await raw[name].find({}).to_list(None) for name in names}


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_every_mutation_over_get_is_405_case_h2(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, mutation: str
) -> None:
    query, variables = document(mutation)
    before = await snapshot(hub)

    response = await api.get(
        "/graphql", params={"query": query, "variables": json.dumps(variables)}
    )

    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "POST"
    assert "data" not in response.json()
    assert await snapshot(hub) == before


@pytest.mark.parametrize(
    ("document_text", "operation"),
    [
        ("query R { regions { totalCount } } " + DECLARE.replace("mutation", "mutation W"), "W"),
        ("# a comment first\n  " + DECLARE, None),
        (DECLARE.replace("mutation", "mutation Declare"), "Declare"),
    ],
    ids=["chosen-by-operation-name", "after-a-comment", "named"],
)
async def test_a_mutation_over_get_changes_nothing_however_it_is_written_case_h2(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, document_text: str, operation: str | None
) -> None:
    params = {"query": document_text % demo.team_ids["sre-emea"]}
    if operation is not None:
        params["operationName"] = operation
    before = await snapshot(hub)

    response = await api.get("/graphql", params=params)
    unchanged = await snapshot(hub) == before
    over_post = await api.post(
        "/graphql", json={"query": params["query"], "operationName": operation}
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert unchanged
    # The same request over POST is a mutation that works and writes.
    assert over_post.json()["data"]["declareIncident"]["id"]
    assert await snapshot(hub) != before


async def test_get_query_with_a_json_content_type_still_works_case_h2(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    response = await api.get(
        "/graphql",
        params={"query": "{ regions { totalCount } }"},
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"regions": {"totalCount": 3}}}


async def test_graphql_response_media_type_is_used_when_accepted(api: httpx.AsyncClient) -> None:
    ok = await api.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": GRAPHQL_RESPONSE}
    )
    broken = await api.post(
        "/graphql", json={"query": "{ nope }"}, headers={"accept": GRAPHQL_RESPONSE}
    )
    legacy = await api.post(
        "/graphql", json={"query": "{ nope }"}, headers={"accept": "application/json"}
    )

    assert ok.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert ok.status_code == 200
    assert broken.status_code == 400
    assert "data" not in broken.json()
    assert legacy.status_code == 200
    assert legacy.headers["content-type"].startswith("application/json")


async def test_unacceptable_accept_header_is_406(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": "text/csv"}
    )

    assert response.status_code == 406


async def test_requests_without_a_valid_token_are_401(hub: Hub) -> None:
    from hub.app import create_app

    app = create_app(hub.settings, hub=hub)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        missing = await client.post("/graphql", json={"query": "{ __typename }"})
        wrong = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Authorization": "Bearer nope"}
        )
        ide = await client.get("/graphql", headers={"accept": "text/html"})
        health = await client.get("/healthz")

    for response in (missing, wrong):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert ide.status_code == 200 and "graphiql" in ide.text.lower()
    assert health.status_code == 200


async def test_unexpected_failures_are_masked_and_carry_the_request_id(
    api: httpx.AsyncClient, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret connection string in this message")

    monkeypatch.setattr(hub.teams, "page_regions", broken)

    response = await api.post(
        "/graphql",
        json={"query": "{ regions { totalCount } }"},
        headers={"X-Request-Id": "trace-12345678"},
    )

    error = response.json()["errors"][0]
    assert "secret" not in response.text
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "trace-12345678"}
    assert response.headers["x-request-id"] == "trace-12345678"


async def test_every_response_names_its_request_id(api: httpx.AsyncClient) -> None:
    first = await api.post("/graphql", json={"query": "{ __typename }"})
    second = await api.post("/graphql", json={"query": "{ __typename }"})

    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_auth_header_in_tests_matches_the_admin_token(api: httpx.AsyncClient) -> None:
    me = await api.post("/graphql", json={"query": "{ me { actor role } }"}, headers=AUTH)

    assert me.json() == {"data": {"me": {"actor": "admin", "role": "ADMIN"}}}
