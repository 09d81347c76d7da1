"""Integrations through GraphQL: created with a key shown once, rotated,
disabled; a disabled or unknown key is 404 and stores nothing."""

from __future__ import annotations

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import post, stored_counts
from tests.conftest import GraphQLFailed, gql

CREATE = """
mutation($input: CreateIntegrationInput!) {
  createIntegration(input: $input) { key integration { id source enabled teamId team { slug } } }
}"""
ROTATE = "mutation($id: ID!) { rotateIntegrationKey(id: $id) { key integration { id } } }"
DISABLE = "mutation($id: ID!) { disableIntegration(id: $id) { id enabled } }"
LIST = "query($s: String) { integrations(source: $s) { nodes { id name enabled } } }"
ALERT = {"dedup_key": "disk", "action": "trigger", "title": "Disk full"}


async def _create(api: httpx.AsyncClient, **fields: object) -> dict[str, object]:
    data = await gql(api, CREATE, {"input": {"source": "generic", "name": "ci", **fields}})
    return data["createIntegration"]  # type: ignore[no-any-return]


async def test_created_key_works_and_is_stored_only_hashed(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    made = await _create(api, serviceId=demo.service_ids["checkout"])
    key = str(made["key"])

    response = await post(api, "generic", ALERT, key=key)

    assert made["integration"]["team"]["slug"] == "sre-emea"  # type: ignore[index]
    assert response.status_code == 202 and response.json()["created"] is True
    doc = await hub.db["integrations"].get(str(made["integration"]["id"]))  # type: ignore[index]
    assert doc is not None and key not in str(doc)


async def test_rotated_key_replaces_the_old_one(api: httpx.AsyncClient, demo: DemoData) -> None:
    made = await _create(api, teamId=demo.team_ids["sre-apac"])
    ident = made["integration"]["id"]  # type: ignore[index]

    rotated = (await gql(api, ROTATE, {"id": ident}))["rotateIntegrationKey"]

    assert rotated["key"] != made["key"]
    assert (await post(api, "generic", ALERT, key=str(made["key"]))).status_code == 404
    assert (await post(api, "generic", ALERT, key=rotated["key"])).status_code == 202


async def test_disabled_key_is_404_and_stores_nothing(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    made = await _create(api, teamId=demo.team_ids["sre-apac"])
    ident = made["integration"]["id"]  # type: ignore[index]
    await gql(api, DISABLE, {"id": ident})
    before = await stored_counts(hub)

    response = await post(api, "generic", ALERT, key=str(made["key"]))

    assert response.status_code == 404
    assert await stored_counts(hub) == before
    listed = (await gql(api, LIST, {"s": "generic"}))["integrations"]["nodes"]
    assert {"id": ident, "name": "ci", "enabled": False} in listed


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"source": "nagios", "teamId": "0" * 24}, "BAD_USER_INPUT"),
        ({}, "BAD_USER_INPUT"),
        ({"teamId": "f" * 24}, "NOT_FOUND"),
        ({"teamId": "x"}, "BAD_USER_INPUT"),
    ],
    ids=["unknown-source", "no-owner", "missing-team", "malformed-team-id"],
)
async def test_bad_integration_input_is_refused_with_a_code(
    api: httpx.AsyncClient, demo: DemoData, fields: dict[str, object], code: str
) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await _create(api, **fields)

    assert failed.value.codes == [code]
