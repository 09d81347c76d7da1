"""The read cache: repeated reads are served from it; a write anywhere ends them."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from hub.app import create_app
from hub.core import Hub
from hub.demo import seed
from hub.settings import Settings
from tests.conftest import AUTH, bearer, gql, make_settings, replica_client, serve
from tests.events.helpers import declare
from tests.wsclient import collect, connect, subscribe

LIST = "{ incidents(first: 50) { totalCount nodes { id version title team { name } } } }"
NOTE = 'mutation($id: ID!) { addIncidentNote(id: $id, text: "looking") { version } }'
RENAME = 'mutation($id: ID!) { updateTeam(id: $id, input: {name: "EMEA SRE 2"}) { name } }'


def client(hub: Hub) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(hub.settings, hub=hub))
    return httpx.AsyncClient(transport=transport, base_url="http://hub.test", headers=AUTH)


async def test_a_write_through_one_replica_is_seen_by_the_other_s_next_read() -> None:
    settings, shared = make_settings(response_cache_seconds=60), replica_client()
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
            assert b.db.round_trips.count - executions == 2  # the token and the version
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


@pytest.fixture
def settings() -> Settings:
    # Long enough that only a version change can end a cached answer.
    return make_settings(response_cache_seconds=60)


def bare(hub: Hub) -> httpx.AsyncClient:
    """A client with no default credentials: each request says its own."""
    transport = httpx.ASGITransport(app=create_app(hub.settings, hub=hub))
    return httpx.AsyncClient(transport=transport, base_url="http://hub.test")


WHO = "{ incidents { totalCount } me { actor } }"


async def test_a_cached_answer_is_never_served_to_another_token(hub: Hub) -> None:
    await seed(hub)
    olivia, mei = await bearer(hub, "olivia"), await bearer(hub, "mei")
    body = {"query": WHO}
    async with bare(hub) as api:
        twice = await api.post("/graphql", json=body, headers=[*olivia.items(), *AUTH.items()])
        bogus_first = await api.post(
            "/graphql", json=body, headers=[("Authorization", "Bearer bogus"), *AUTH.items()]
        )
        as_admin = await api.post("/graphql", json=body, headers=AUTH)
        as_olivia = await api.post("/graphql", json=body, headers=olivia)
        as_mei = await api.post("/graphql", json=body, headers=mei)
        as_mei_again = await api.post("/graphql", json=body, headers=mei)
        bogus = await api.post("/graphql", json=body, headers={"Authorization": "Bearer bogus"})

    assert twice.status_code == bogus_first.status_code == 400
    assert "one Authorization header" in twice.json()["errors"][0]["message"]
    assert as_admin.json()["data"]["me"]["actor"] == "admin"
    assert as_olivia.json()["data"]["me"]["actor"] == "olivia"
    assert as_mei.json() == as_mei_again.json()
    assert as_mei.json()["data"]["me"]["actor"] == "mei"
    assert bogus.status_code == 401


@pytest.mark.parametrize("where", ["variables", "extensions"])
@pytest.mark.parametrize("depth", [300, 2000])
async def test_deeply_nested_json_is_refused_with_a_json_error(
    hub: Hub, where: str, depth: int
) -> None:
    nested = "[" * depth + "]" * depth
    raw = f'{{"query": "{{ me {{ actor }} }}", "{where}": {{"a": {nested}}}}}'
    headers = {"Content-Type": "application/json"}
    async with bare(hub) as api:
        anonymous = await api.post("/graphql", content=raw, headers=headers)
        signed = await api.post("/graphql", content=raw, headers={**headers, **AUTH})

    assert anonymous.status_code == 401
    assert signed.status_code == 400
    for response in (anonymous, signed):
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["errors"][0]["extensions"]["code"] in (
            "UNAUTHENTICATED",
            "BAD_REQUEST",
        )
    assert "nested deeper" in signed.json()["errors"][0]["message"]


TEAM = "query($id: ID!) { team(id: $id) { name } }"


async def test_a_write_over_a_websocket_ends_cached_reads(hub: Hub) -> None:
    demo = await seed(hub)
    team = {"id": demo.team_ids["sre-emea"]}
    async with serve(hub) as live, httpx.AsyncClient(base_url=live.url, headers=AUTH) as api:
        before = await gql(api, TEAM, team)
        async with connect(live.ws_url) as ws:
            await subscribe(ws, "1", RENAME, team)
            [done, _] = await collect(ws, 2)
        after = await gql(api, TEAM, team)

    assert done["payload"]["data"]["updateTeam"]["name"] == "EMEA SRE 2"
    assert before["team"]["name"] != "EMEA SRE 2"
    assert after["team"]["name"] == "EMEA SRE 2"


async def test_a_write_python_json_accepts_but_orjson_refuses_ends_cached_reads(
    hub: Hub,
) -> None:
    demo = await seed(hub)
    team = {"id": demo.team_ids["sre-emea"]}
    # A lone surrogate escape: valid for Python's json module, not for orjson.
    raw = json.dumps({"query": RENAME, "variables": team, "extensions": {"x": "@"}})
    raw = raw.replace('"@"', '"\\ud800"')
    async with bare(hub) as api:
        before = await gql(api, TEAM, team, headers=AUTH)
        written = await api.post(
            "/graphql", content=raw, headers={**AUTH, "Content-Type": "application/json"}
        )
        after = await gql(api, TEAM, team, headers=AUTH)

    assert written.json()["data"]["updateTeam"]["name"] == "EMEA SRE 2"
    assert before["team"]["name"] != "EMEA SRE 2"
    assert after["team"]["name"] == "EMEA SRE 2"
