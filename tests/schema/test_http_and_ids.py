"""GraphQL over HTTP with bad bodies (H1) and bad identifiers (F2)."""

from __future__ import annotations

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import GraphQLFailed, gql


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"query":',
        b'{"query": 1}',
        b'{"query": "{ __typename }", "variables": [7]}',
    ],
    ids=["empty", "truncated", "query-not-a-string", "variables-a-list"],
)
async def test_h1_bad_post_bodies_get_400_with_a_json_error(
    api: httpx.AsyncClient, body: bytes
) -> None:
    response = await api.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()  # a JSON body, never an HTML page or a stack trace


@pytest.mark.parametrize(
    "bad_id",
    ["123", "zzzzzzzzzzzzzzzzzzzzzzzz", "6b11bbdbb6623a911555521e"],
    ids=["short", "24-non-hex", "valid-missing"],
)
async def test_f2_bad_or_unknown_ids_are_coded_errors_never_500(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, bad_id: str
) -> None:
    before = await hub.events.last_seq()
    for query in [
        "query($id: ID!) { incident(id: $id) { id } }",
        "mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }",
        'mutation($id: ID!) { addIncidentNote(id: $id, text: "x") { id } }',
        "query($id: ID!) { team(id: $id) { id } }",
    ]:
        with pytest.raises(GraphQLFailed) as failed:
            await gql(api, query, {"id": bad_id})
        assert failed.value.codes[0] in ("NOT_FOUND", "BAD_USER_INPUT"), failed.value.errors
    assert await hub.events.last_seq() == before


async def test_ids_in_responses_are_opaque_strings(api: httpx.AsyncClient, demo: DemoData) -> None:
    data = await gql(api, "{ teams { nodes { id region { id } } } }")
    for team in data["teams"]["nodes"]:
        assert isinstance(team["id"], str) and isinstance(team["region"]["id"], str)


async def test_an_unexpected_failure_is_masked_and_carries_a_request_id(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret connection string mongodb://admin:hunter2@db")

    monkeypatch.setattr(hub.teams, "page_regions", boom)
    response = await api.post("/graphql", json={"query": "{ regions { nodes { id } } }"})
    error = response.json()["errors"][0]
    assert error["message"] == "Internal server error"
    assert "hunter2" not in response.text
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert len(error["extensions"]["requestId"]) >= 8


@pytest.mark.parametrize("body", [b"null", b'"x"', b"[]", b"7", b'{"query": "{ __typename }", '
                                  b'"operationName": 5}'])
async def test_bodies_that_are_not_a_request_object_get_400_never_500(
    api: httpx.AsyncClient, body: bytes
) -> None:
    response = await api.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["message"]


async def test_a_huge_document_is_refused_quickly_and_the_hub_stays_responsive(
    api: httpx.AsyncClient,
) -> None:
    # Under the body limit, but far over the token limit.
    document = "{ " + "__typename " * 90_000 + "}"
    response = await api.post("/graphql", json={"query": document})
    assert response.status_code in (200, 400)
    assert "tokens" in response.json()["errors"][0]["message"]
    too_big = await api.post("/graphql", json={"query": "{ " + " " * (2 << 20) + "}"})
    assert too_big.status_code == 413
    assert (await api.get("/healthz")).status_code == 200
