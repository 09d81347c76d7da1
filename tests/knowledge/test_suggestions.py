"""Suggested articles: linked runbooks first, each with why, in a fixed number of queries."""

from __future__ import annotations

import httpx

from hub.core import Hub
from hub.demo import DemoData
from hub.incidents.models import Category, IncidentDeclare
from hub.knowledge.models import ArticleCreate, ArticleKind
from tests.conftest import gql

SUGGESTED = """
query($id: ID!) {
  incident(id: $id) {
    suggestedArticles(first: 4) { score reasons article { title kind } }
  }
}"""
LIST = """
{ incidents(first: 50) { nodes { ref suggestedArticles { article { id } reasons } } } }
"""


async def declare(hub: Hub, demo: DemoData, title: str, **extra: object) -> str:
    data = IncidentDeclare(title=title, team_id=demo.team_ids["sre-emea"], **extra)
    return (await hub.flows.declare(data, actor="olivia")).id


async def test_linked_runbooks_come_first_with_their_reasons(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    checkout = demo.service_ids["checkout"]
    await hub.knowledge.create(
        actor="olivia",
        data=ArticleCreate(
            title="Checkout: rolling back a bad deploy",
            kind=ArticleKind.RUNBOOK,
            service_ids=[checkout],
            body="Roll back with the deploy tool.",
        ),
    )
    await hub.knowledge.create(
        actor="olivia",
        data=ArticleCreate(
            title="Why checkout latency spiked last spring",
            kind=ArticleKind.POSTMORTEM,
            tags=["latency"],
            body="Checkout latency spiked after a cache flush.",
        ),
    )
    incident = await declare(
        hub,
        demo,
        "Checkout latency spike",
        service_ids=[checkout],
        tags=["database"],
        category=Category.LATENCY,
    )

    found = (await gql(api, SUGGESTED, {"id": incident}))["incident"]["suggestedArticles"]

    top_two = found[:2]
    assert {s["article"]["title"] for s in top_two} == {
        "Checkout: database connection pool exhausted",
        "Checkout: rolling back a bad deploy",
    }
    assert all(s["article"]["kind"] == "RUNBOOK" for s in top_two)
    assert all("runbook for service checkout" in s["reasons"] for s in top_two)
    pool = next(s for s in top_two if "pool" in s["article"]["title"])
    assert "shares tag database" in pool["reasons"]
    third = found[2]
    assert third["article"]["title"] == "Why checkout latency spiked last spring"
    assert "tagged with the incident's category latency" in third["reasons"]
    assert "text matches the incident's title and summary" in third["reasons"]
    assert [s["score"] for s in found] == sorted((s["score"] for s in found), reverse=True)
    assert all(
        s["article"]["title"] != "How to hand off an incident across regions" for s in found
    )


async def test_suggestions_for_many_incidents_cost_the_same_queries_as_for_one(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    await declare(hub, demo, "Checkout errors", service_ids=[demo.service_ids["checkout"]])
    # Only this request's queries count: the feed's tailing would add its own.
    await hub.indexer.stop()
    await hub.feed.stop()
    trips = hub.db.round_trips
    before = trips.count
    one = (await gql(api, LIST))["incidents"]["nodes"]
    cost_of_one = trips.count - before
    for n in range(5):
        await declare(
            hub, demo, f"Payments errors {n}", service_ids=[demo.service_ids["payments-api"]]
        )
    before = trips.count
    many = (await gql(api, LIST))["incidents"]["nodes"]
    cost_of_many = trips.count - before

    assert len(one) == 1 and len(many) == 6
    # Not more: one fewer when every text match is already among the linked articles.
    assert cost_of_many <= cost_of_one
    assert all(n["suggestedArticles"] for n in many)
