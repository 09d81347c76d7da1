"""The SDK's typed operations against a live hub."""

from __future__ import annotations

import asyncio

import pytest

from clients.python import HubAPIError, HubClient, HubClientError, HubUnavailable
from tests.conftest import free_port


async def test_declare_and_lifecycle_return_typed_incidents(sdk: HubClient) -> None:
    incident = await sdk.declare("Checkout errors", team="sre-emea", severity="SEV2")
    assert incident.ref.startswith("INC-")
    assert incident.region is not None and incident.region.time_zone == "Europe/London"
    assert incident.owner is not None and incident.owner.team is not None
    assert incident.owner.team.slug == "sre-emea"

    acked = await sdk.acknowledge(incident.ref)
    noted = await sdk.note(incident.ref, "pool exhausted on db-2")
    moved = await sdk.change_status(incident.id, "mitigated", note="failed over")
    assert (acked.status, moved.status) == ("ACKNOWLEDGED", "MITIGATED")
    assert moved.version > noted.version > acked.version

    full = await sdk.incident(incident.ref)
    types = [e.type for e in full.timeline]
    assert types[:3] == ["incident.declared", "incident.acknowledged", "incident.note_added"]
    assert [e.sequence for e in full.timeline] == sorted(e.sequence for e in full.timeline)


async def test_incidents_iterator_walks_every_page(sdk: HubClient) -> None:
    declared = [(await sdk.declare(f"outage {n}", team="sre-apac")).ref for n in range(7)]

    seen = [i.ref async for i in sdk.incidents(page_size=3)]

    assert seen == list(reversed(declared))


async def test_incidents_iterator_applies_the_filter(sdk: HubClient) -> None:
    london = await sdk.declare("London only", team="sre-emea")
    await sdk.declare("Singapore only", team="sre-apac")
    region_id = london.region.id if london.region else ""

    seen = [i.ref async for i in sdk.incidents({"regionIds": [region_id]}, page_size=1)]

    assert seen == [london.ref]


async def test_errors_carry_the_hub_code(sdk: HubClient) -> None:
    incident = await sdk.declare("Twice acknowledged", team="sre-emea")
    await sdk.acknowledge(incident.ref)

    with pytest.raises(HubAPIError) as twice:
        await sdk.acknowledge(incident.ref)
    with pytest.raises(HubAPIError) as missing:
        await sdk.incident("INC-9999")
    with pytest.raises(HubClientError) as team:
        await sdk.declare("Nobody's", team="sre-mars")

    assert twice.value.code == "INVALID_TRANSITION"
    assert twice.value.extensions["current"] == "ACKNOWLEDGED"
    assert missing.value.code == "NOT_FOUND"
    assert team.value.code == "NOT_FOUND" and "sre-emea" in team.value.message


async def test_an_unreachable_hub_raises_unavailable() -> None:
    async with HubClient(f"http://127.0.0.1:{free_port()}", "t") as client:
        with pytest.raises(HubUnavailable) as caught:
            await client.regions()
    assert caught.value.code == "UNAVAILABLE"


async def test_subscribe_replays_what_came_after_a_cursor(sdk: HubClient) -> None:
    first = await sdk.declare("Replay me", team="sre-emea")
    await sdk.acknowledge(first.ref)
    await sdk.note(first.ref, "still here")
    cursor = (await sdk.incident(first.ref)).timeline[0].cursor

    stream = sdk.subscribe("London", after=cursor)
    got = [await asyncio.wait_for(anext(stream), 5) for _ in range(2)]
    await stream.aclose()  # type: ignore[attr-defined]

    assert [e.type for e in got] == ["incident.acknowledged", "incident.note_added"]
    assert got[0].incident is not None and got[0].incident.ref == first.ref


async def test_subscribe_raises_instead_of_retrying_a_refused_request(
    sdk: HubClient,
) -> None:
    retries: list[BaseException] = []
    stream = sdk.subscribe("Atlantis", on_retry=lambda _wait, error: retries.append(error))
    # Retrying a refusal would go on for ever, so the deadline only has to
    # outlast a loaded machine's connection set-up, not a backoff.
    with pytest.raises(HubAPIError) as caught:
        await asyncio.wait_for(anext(stream), 30)
    assert "Atlantis" in caught.value.message
    assert retries == [], "a refused subscription was retried"

