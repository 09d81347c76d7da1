"""Search: ranked, filtered, highlighted, and equal to MongoDB on every replica."""

from __future__ import annotations

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from hub.incidents.models import IncidentDeclare
from hub.knowledge.models import ArticleCreate, ArticleKind, ArticleUpdate
from tests.conftest import GraphQLFailed, eventually, gql, make_settings, replica_client

SEARCH = """
query($q: String!, $kind: ArticleKind, $tag: String, $service: ID, $first: Int! = 10) {
  searchKnowledge(query: $q, kind: $kind, tag: $tag, serviceId: $service, first: $first) {
    score snippet titleSnippet article { title kind }
  }
}"""


async def titles(api: httpx.AsyncClient, q: str, **filters: object) -> list[str]:
    data = await gql(api, SEARCH, {"q": q, **filters})
    return [h["article"]["title"] for h in data["searchKnowledge"]]


async def test_title_matches_rank_first_and_snippets_highlight_terms(
    api: httpx.AsyncClient, hub: Hub
) -> None:
    await hub.knowledge.create(
        data=ArticleCreate(
            title="Replica lag", body="When the database replica lags, check the disk."
        ),
        actor="a",
    )
    await hub.knowledge.create(
        data=ArticleCreate(title="Disk full", body="Rotate logs. A replica may also lag."),
        actor="a",
    )

    data = await gql(api, SEARCH, {"q": "replica"})
    hits = data["searchKnowledge"]

    assert [h["article"]["title"] for h in hits] == ["Replica lag", "Disk full"]
    assert hits[0]["score"] > hits[1]["score"]
    assert "<b>replica</b>" in hits[0]["snippet"]
    assert hits[0]["titleSnippet"] == "<b>Replica</b> lag"


async def test_filters_by_kind_tag_and_service(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    checkout = demo.service_ids["checkout"]
    await hub.knowledge.create(
        data=ArticleCreate(
            title="Checkout outage",
            body="pool exhausted",
            kind=ArticleKind.POSTMORTEM,
            tags=["Database"],
        ),
        actor="a",
    )

    runbooks = await titles(api, "pool exhausted", kind="RUNBOOK")
    postmortems = await titles(api, "pool exhausted", kind="POSTMORTEM")
    tagged = await titles(api, "pool", tag="database")
    on_service = await titles(api, "pool", service=checkout)

    assert runbooks == ["Checkout: database connection pool exhausted"]
    assert postmortems == ["Checkout outage"]
    assert sorted(tagged) == ["Checkout outage", "Checkout: database connection pool exhausted"]
    assert on_service == ["Checkout: database connection pool exhausted"]


async def test_an_edit_is_searchable_at_once_and_the_old_text_is_gone(
    api: httpx.AsyncClient, hub: Hub
) -> None:
    article = await hub.knowledge.create(
        data=ArticleCreate(title="Kafka lag", body="consumer"), actor="a"
    )
    await hub.knowledge.update(
        article_id=article.id, actor="b", data=ArticleUpdate(body="rebalance storms")
    )

    assert await titles(api, "rebalance") == ["Kafka lag"]
    assert await titles(api, "consumer") == []


async def test_odd_queries_are_answered_and_bad_limits_refused(api: httpx.AsyncClient) -> None:
    assert await titles(api, 'C++ "unbalanced (quote') == []
    for variables in ({"q": "   "}, {"q": "x", "first": 0}, {"q": "x" * 501}):
        with pytest.raises(GraphQLFailed) as refused:
            await gql(api, SEARCH, variables)
        assert refused.value.codes == ["BAD_USER_INPUT"]


async def test_the_index_is_rebuilt_from_mongodb_and_follows_other_replicas() -> None:
    client = replica_client()
    settings = make_settings()
    writer = Hub(settings, shared_client=client)
    await writer.start(run_scheduler=False)
    await writer.knowledge.create(
        data=ArticleCreate(title="Before start", body="zebra"), actor="a"
    )
    reader = Hub(settings, shared_client=client)
    await reader.start(run_scheduler=False)
    rebuilt = reader.knowledge.index.search("zebra")

    later = await writer.knowledge.create(
        data=ArticleCreate(title="After", body="okapi"), actor="a"
    )
    # The reader tails the log every 50 ms; a loaded machine may take far longer.
    await eventually(
        lambda: bool(reader.knowledge.index.search("okapi")), "the reader indexed it"
    )
    followed = reader.knowledge.index.search("okapi")
    await writer.stop()
    await reader.stop()

    assert len(rebuilt) == 1
    assert [h.article_id for h in followed] == [later.id]


@pytest.mark.parametrize("query", ["*", " * ", "()", ":", '"', "-", "+:^~"])
async def test_a_search_without_words_is_refused_asking_for_some(
    api: httpx.AsyncClient, query: str
) -> None:
    with pytest.raises(GraphQLFailed) as refused:
        await gql(api, SEARCH, {"q": query})
    assert refused.value.codes == ["BAD_USER_INPUT"]
    assert "words" in refused.value.errors[0]["message"]


@pytest.mark.parametrize(
    "query",
    [
        "title:replica",
        "replica(",
        '"replica',
        'replica "lag"',
        "replica AND",
        "OR replica",
        "body:(replica",
        "replica^2",
        "[replica TO z]",
        "replica~",
        "NOT replica",
        "re*lica replica",
        "replica\\",
        "{replica}",
    ],
)
async def test_query_syntax_in_a_search_is_read_as_plain_words(
    api: httpx.AsyncClient, hub: Hub, query: str
) -> None:
    await hub.knowledge.create(
        data=ArticleCreate(title="Replica lag", body="Check the disk."), actor="a"
    )
    await hub.knowledge.create(data=ArticleCreate(title="Disk full", body="Rotate."), actor="a")

    assert "Replica lag" in await titles(api, query)
    assert "Disk full" not in await titles(api, query)


async def test_an_incident_titled_without_words_still_gets_suggestions(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    incident = await hub.flows.declare(
        IncidentDeclare(
            title="???",
            team_id=demo.team_ids["sre-emea"],
            service_ids=[demo.service_ids["checkout"]],
        ),
        actor="olivia",
    )
    data = await gql(
        api,
        "query($id: ID!) { incident(id: $id) { suggestedArticles { reasons } } }",
        {"id": incident.id},
    )
    assert data["incident"]["suggestedArticles"]
