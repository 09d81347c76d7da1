"""Idempotency keys and expected versions on incident mutations."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from hub.incidents.models import Incident
from tests.conftest import GraphQLFailed, gql
from tests.events.helpers import declare

NOTE = """
mutation Note($id: ID!, $text: String!, $key: String, $version: Int) {
  addIncidentNote(id: $id, text: $text, idempotencyKey: $key, expectedVersion: $version) {
    id version
  }
}
"""

DECLARE = """
mutation Declare($team: ID!, $key: String) {
  declareIncident(input: {title: "db down", teamId: $team}, idempotencyKey: $key) { id number }
}
"""


async def test_same_key_ten_times_at_once_writes_once(
    hub: Hub, demo: DemoData, api: httpx.AsyncClient
) -> None:
    [incident_id] = await declare(hub, demo)
    variables = {"id": incident_id, "text": "restarted the primary", "key": "bot-run-17"}
    results = await asyncio.gather(*(gql(api, NOTE, variables) for _ in range(10)))

    assert {r["addIncidentNote"]["version"] for r in results} == {2}
    notes = [
        e for e in await hub.events.for_incident(incident_id) if e.type == "incident.note_added"
    ]
    assert len(notes) == 1
    assert (await hub.incidents.get(incident_id)).version == 2


async def test_declare_with_a_key_creates_one_incident(
    hub: Hub, demo: DemoData, api: httpx.AsyncClient
) -> None:
    variables = {"team": demo.team_ids["sre-apac"], "key": "alert-42"}
    results = await asyncio.gather(*(gql(api, DECLARE, variables) for _ in range(10)))
    assert len({r["declareIncident"]["id"] for r in results}) == 1


async def test_retries_that_overlap_a_slow_first_attempt_wait_for_its_result(
    hub: Hub, demo: DemoData
) -> None:
    [incident_id] = await declare(hub, demo)
    calls = 0

    async def slow_note(token: str) -> Incident:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.1)  # the write takes a while: retries arrive meanwhile
        return await hub.incidents.get(incident_id)

    keys = hub.flows.keys
    results = await asyncio.gather(
        *(
            keys.once(scope="bot", key="k", operation="note", arguments={"a": 1}, run=slow_note)
            for _ in range(10)
        )
    )
    assert calls == 1
    assert len({r.model_dump_json() for r in results}) == 1


async def test_a_key_reused_for_another_request_is_refused(
    hub: Hub, demo: DemoData, api: httpx.AsyncClient
) -> None:
    [incident_id] = await declare(hub, demo)
    await gql(api, NOTE, {"id": incident_id, "text": "one", "key": "k"})
    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, NOTE, {"id": incident_id, "text": "two", "key": "k"})
    assert failed.value.codes == ["BAD_USER_INPUT"]


async def test_stale_expected_version_gets_conflict(
    hub: Hub, demo: DemoData, api: httpx.AsyncClient
) -> None:
    [incident_id] = await declare(hub, demo)
    await gql(api, NOTE, {"id": incident_id, "text": "first", "version": 1})
    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, NOTE, {"id": incident_id, "text": "second", "version": 1})
    assert failed.value.codes == ["CONFLICT"]
    assert failed.value.errors[0]["extensions"]["current_version"] == 2
