"""The read cache: repeated reads are served from it; a write anywhere ends them."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from hub.app import create_app
from hub.core import Hub
from hub.demo import seed
from hub.storage.client import embedded_client
from tests.conftest import AUTH, gql, make_settings
from tests.events.helpers import declare

LIST = "{ incidents(first: 50) { totalCount nodes { id version title team { name } } } }"
NOTE = 'mutation($id: ID!) { addIncidentNote(id: $id, text: "looking") { version } }'
RENAME = 'mutation($id: ID!) { updateTeam(id: $id, input: {name: "EMEA SRE 2"}) { name } }'


def client(hub: Hub) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(hub.settings, hub=hub))
    return httpx.AsyncClient(transport=transport, base_url="http://hub.test", headers=AUTH)


async def test_a_write_through_one_replica_is_seen_by_the_other_s_next_read() -> None:
    settings, shared = make_settings(response_cache_seconds=60), embedded_client()
    a, b = Hub(settings, shared_client=shared), Hub(settings, shared_client=shared)
    await a.start(run_scheduler=False)
    await b.start(run_scheduler=False)
    try:
        demo = await seed(a)
        [incident] = await declare(a, demo)
        async with client(a) as api_a, client(b) as api_b:
            first = await gql(api_b, LIST)
            executions = b.db.round_trips.count
            assert await gql(api_b, LIST) == first  # answered without a query
            assert b.db.round_trips.count - executions == 1  # the version read only
            await gql(api_a, NOTE, {"id": incident})
            [node] = (await gql(api_b, LIST))["incidents"]["nodes"]
            assert node["version"] == 2
            # A write that makes no event (a team renamed) ends cached reads too.
            await gql(api_a, RENAME, {"id": demo.team_ids["sre-emea"]})
            [node] = (await gql(api_b, LIST))["incidents"]["nodes"]
            assert node["team"]["name"] == "EMEA SRE 2"
    finally:
        await a.stop()
        await b.stop()


async def test_concurrent_misses_run_the_query_once(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = await seed(hub)
    await declare(hub, demo, n=3)
    pages = 0
    real_page = hub.incidents.paged

    async def page(*args: Any, **kwargs: Any) -> Any:
        nonlocal pages
        pages += 1
        await asyncio.sleep(0.05)  # slow enough for the others to arrive meanwhile
        return await real_page(*args, **kwargs)

    monkeypatch.setattr(hub.incidents, "paged", page)
    async with client(hub) as api:
        results = await asyncio.gather(*(gql(api, LIST) for _ in range(10)))
    assert all(r == results[0] for r in results)
    assert pages == 1
