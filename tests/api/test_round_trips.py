"""Batching: a page of incidents costs the same round trips at any size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from hub.app import create_app
from hub.core import Hub
from hub.demo import DemoData, seed
from hub.storage.ids import new_id
from tests.conftest import AUTH, gql, make_settings

PAGE = """query($n: Int!) {
  incidents(first: $n) {
    totalCount
    edges { cursor node {
      ref team { name } region { name } services { name }
      responders { handle member { displayName } team { slug } }
    } }
  }
}"""


def incident_docs(demo: DemoData, count: int) -> list[dict]:
    teams = [
        ("sre-apac", "Singapore", "search", "mei"),
        ("sre-emea", "London", "checkout", "olivia"),
        ("sre-amer", "San Francisco", "payments-api", "sam"),
    ]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    docs = []
    for n in range(1, count + 1):
        slug, region, service, lead = teams[n % 3]
        at = start + timedelta(minutes=n)
        docs.append(
            {
                "id": new_id(),
                "number": n,
                "title": f"incident {n}",
                "severity": "SEV3",
                "category": "OTHER",
                "status": "TRIGGERED",
                "status_times": {"TRIGGERED": at},
                "team_id": demo.team_ids[slug],
                "region_id": demo.region_ids[region],
                "service_ids": [demo.service_ids[service]],
                "responders": [
                    {
                        "handle": lead,
                        "role": "commander",
                        "team_id": demo.team_ids[slug],
                        "assigned_at": at,
                        "assigned_by": "tests",
                    }
                ],
                "declared_by": "tests",
                "created_at": at,
                "updated_at": at,
                "version": 1,
            }
        )
    return docs


async def test_ten_and_a_thousand_incidents_take_the_same_round_trips() -> None:
    settings = make_settings(tail_interval=3600.0, max_page_size=1000, max_query_cost=100_000)
    hub = Hub(settings)
    await hub.start(run_scheduler=False)
    try:
        demo = await seed(hub)
        await hub.incidents.collection.insert_many(incident_docs(demo, 1000))
        transport = httpx.ASGITransport(app=create_app(settings, hub=hub))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://hub.test", headers=AUTH
        ) as api:
            trips = {}
            for size in (10, 1000):
                before = hub.db.round_trips.count
                data = await gql(api, PAGE, {"n": size})
                trips[size] = hub.db.round_trips.count - before
                edges = data["incidents"]["edges"]
                assert len(edges) == size
                assert all(e["node"]["responders"][0]["member"] for e in edges)
                assert all(e["node"]["services"] and e["node"]["team"] for e in edges)
    finally:
        await hub.stop()

    print(f"round trips: 10 incidents {trips[10]}, 1000 incidents {trips[1000]}")
    assert trips[10] == trips[1000]
    # token, page, count, then one $in each for teams, regions, services, members
    assert trips[10] <= 8
