"""A scoped token and the knowledge base.

Knowledge is shared by everyone, but an article linked to an incident (a
postmortem drafted from its timeline copies that timeline) is part of the
incident's record: a token scoped away from the incident sees neither.
"""

from __future__ import annotations

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from hub.incidents.models import IncidentDeclare, Status
from hub.knowledge.models import ArticleCreate
from tests.conftest import GraphQLFailed, bearer, gql

SEARCH = """query($q: String!) {
  searchKnowledge(query: $q) { snippet article { id title incident { ref timeline { type } } } }
}"""
LIST = "{ knowledgeArticles(first: 50) { totalCount nodes { id title } } }"
ONE = "query($id: ID!) { knowledgeArticle(id: $id) { id body } }"
UPDATE = """mutation($id: ID!) {
  updateKnowledgeArticle(id: $id, input: {tags: ["seen"]}) { id body } }"""
SUGGESTED = """query($id: ID!) {
  incident(id: $id) { suggestedArticles(first: 20) { article { id } } } }"""
ENTITY = """query($r: [_Any!]!) {
  _entities(representations: $r) { ... on KnowledgeArticle { incident { ref } } } }"""
SERVICE_ARTICLES = """query($id: ID!) { service(id: $id) { articles { id } } }"""


async def resolved_with_draft(hub: Hub, team: str, service: str, title: str) -> tuple[str, str]:
    incident = await hub.flows.declare(
        IncidentDeclare(title=title, team_id=team, service_ids=[service]), actor="sam"
    )
    await hub.flows.add_note(incident.id, "secret customer name in the note", actor="sam")
    await hub.flows.change_status(incident.id, Status.RESOLVED, actor="sam")
    await hub.reactions.run_pending()
    draft = await hub.knowledge.postmortems_of([incident.id])
    return incident.id, draft[incident.id].id


async def test_a_scoped_token_sees_no_article_linked_to_an_incident_outside_its_scope(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    await hub.reactions.run_pending()  # the drafter's checkpoint, before the story
    checkout = demo.service_ids["checkout"]
    _, far_draft = await resolved_with_draft(
        hub, demo.team_ids["sre-amer"], checkout, "Checkout outage in San Francisco"
    )
    near, near_draft = await resolved_with_draft(
        hub, demo.team_ids["sre-emea"], checkout, "Checkout outage in London"
    )
    runbook = await hub.knowledge.create(
        data=ArticleCreate(title="Checkout outage runbook", service_ids=[checkout]), actor="a"
    )
    london = await bearer(hub, "london", region_ids=[demo.region_ids["London"]])

    hits = (await gql(api, SEARCH, {"q": "checkout outage"}, headers=london))["searchKnowledge"]
    listed = (await gql(api, LIST, headers=london))["knowledgeArticles"]
    suggested = await gql(api, SUGGESTED, {"id": near}, headers=london)
    on_service = await gql(api, SERVICE_ARTICLES, {"id": checkout}, headers=london)
    with pytest.raises(GraphQLFailed) as read:
        await gql(api, ONE, {"id": far_draft}, headers=london)
    with pytest.raises(GraphQLFailed) as written:
        await gql(api, UPDATE, {"id": far_draft}, headers=london)
    with pytest.raises(GraphQLFailed) as federated:
        await gql(
            api,
            ENTITY,
            {"r": [{"__typename": "KnowledgeArticle", "id": far_draft}]},
            headers=london,
        )
    everyone = (await gql(api, LIST))["knowledgeArticles"]

    found = {h["article"]["id"]: h for h in hits}
    assert {near_draft, runbook.id} <= set(found) and far_draft not in found
    assert found[near_draft]["article"]["incident"]["timeline"]
    assert all("San Francisco" not in h["snippet"] for h in hits)
    assert {a["id"] for a in listed["nodes"]} >= {near_draft, runbook.id}
    assert far_draft not in {a["id"] for a in listed["nodes"]}
    assert listed["totalCount"] == len(listed["nodes"])
    ids = [s["article"]["id"] for s in suggested["incident"]["suggestedArticles"]]
    assert runbook.id in ids and far_draft not in ids
    assert far_draft not in [a["id"] for a in on_service["service"]["articles"]]
    assert read.value.codes == ["FORBIDDEN"]
    assert written.value.codes == ["FORBIDDEN"]
    assert federated.value.codes == ["FORBIDDEN"]
    assert (await hub.knowledge.get(far_draft)).revision == 1
    assert everyone["totalCount"] == listed["totalCount"] + 1
