"""Articles over GraphQL: every revision kept, and the difference between two."""

from __future__ import annotations

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from hub.incidents.models import IncidentDeclare
from tests.conftest import GraphQLFailed, as_actor, gql

CREATE = """
mutation($input: ArticleInput!) {
  createKnowledgeArticle(input: $input) { id revision }
}"""
UPDATE = """
mutation($id: ID!, $input: ArticleUpdateInput!) {
  updateKnowledgeArticle(id: $id, input: $input) { revision title }
}"""
HISTORY = """
query($id: ID!, $from: Int!, $to: Int!) {
  knowledgeArticle(id: $id) {
    revision
    revisions { revision title author changeSummary createdAt tags }
    diff(from: $from, to: $to)
  }
}"""


async def create(api: httpx.AsyncClient, **fields: object) -> str:
    values = {
        "title": "Checkout: pool exhausted",
        "body": "Step one.\nStep two.\n",
        "tags": ["database"],
        **fields,
    }
    data = await gql(api, CREATE, {"input": values}, headers=as_actor("olivia"))
    return str(data["createKnowledgeArticle"]["id"])


async def test_each_edit_keeps_a_revision_with_author_and_summary(api: httpx.AsyncClient) -> None:
    article = await create(api)
    await gql(
        api,
        UPDATE,
        {
            "id": article,
            "input": {
                "body": "Step one.\nStep 2, carefully.\n",
                "changeSummary": "clarify step two",
            },
        },
        headers=as_actor("mei"),
    )
    await gql(
        api,
        UPDATE,
        {"id": article, "input": {"tags": ["database", "checkout"]}},
        headers=as_actor("sam"),
    )

    data = (await gql(api, HISTORY, {"id": article, "from": 1, "to": 3}))["knowledgeArticle"]

    assert data["revision"] == 3
    assert [(r["revision"], r["author"]) for r in data["revisions"]] == [
        (1, "olivia"),
        (2, "mei"),
        (3, "sam"),
    ]
    assert data["revisions"][1]["changeSummary"] == "clarify step two"
    assert data["revisions"][0]["tags"] == ["database"]
    diff = data["diff"].splitlines()
    assert diff[:2] == ["--- revision 1", "+++ revision 3"]
    assert "-Step two." in diff and "+Step 2, carefully." in diff
    assert "-tags: database" in diff and "+tags: database, checkout" in diff
    assert " Step one." in diff


async def test_an_edit_that_changes_nothing_makes_no_revision(api: httpx.AsyncClient) -> None:
    article = await create(api)
    same = await gql(api, UPDATE, {"id": article, "input": {"tags": ["database"]}})

    assert same["updateKnowledgeArticle"]["revision"] == 1


async def test_a_diff_with_an_unknown_revision_is_not_found(api: httpx.AsyncClient) -> None:
    article = await create(api)
    with pytest.raises(GraphQLFailed) as missing:
        await gql(api, HISTORY, {"id": article, "from": 1, "to": 7})
    with pytest.raises(GraphQLFailed) as empty:
        await gql(api, UPDATE, {"id": article, "input": {}})

    assert missing.value.codes == ["NOT_FOUND"]
    assert "revisions 1 to 1" in missing.value.errors[0]["message"]
    assert empty.value.codes == ["BAD_USER_INPUT"]


LIST = "{ knowledgeArticles(first: 50) { nodes { id title } } }"
SEARCH = """query($q: String!) {
  searchKnowledge(query: $q) { article { id title } } }"""


@pytest.mark.parametrize("field", ["title", "body", "kind", "tags", "serviceIds"])
async def test_a_null_for_a_required_field_is_refused_and_nothing_is_written(
    api: httpx.AsyncClient, field: str
) -> None:
    article = await create(api, title="Replica lag runbook")
    with pytest.raises(GraphQLFailed) as refused:
        await gql(api, UPDATE, {"id": article, "input": {field: None, "changeSummary": "x"}})

    assert refused.value.codes == ["BAD_USER_INPUT"]
    message = refused.value.errors[0]["message"]
    assert field.lower() in message.replace("_", "").lower()
    assert "null" in message
    data = (await gql(api, HISTORY, {"id": article, "from": 1, "to": 1}))["knowledgeArticle"]
    assert data["revision"] == 1 and len(data["revisions"]) == 1
    listed = (await gql(api, LIST))["knowledgeArticles"]["nodes"]
    assert article in [a["id"] for a in listed]
    hits = (await gql(api, SEARCH, {"q": "replica"}))["searchKnowledge"]
    assert [h["article"]["title"] for h in hits] == ["Replica lag runbook"]


async def test_one_unreadable_stored_article_breaks_no_list_search_or_rebuild(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    broken = await create(api, title="Checkout replica runbook")
    fine = await create(api, title="Checkout replica notes")
    # As an older version or a hand edit could have left it.
    await hub.knowledge.collection.update_one({"id": broken}, {"$set": {"title": None}})
    incident = await hub.flows.declare(
        IncidentDeclare(
            title="Checkout replica lag",
            team_id=demo.team_ids["sre-emea"],
            service_ids=[demo.service_ids["checkout"]],
        ),
        actor="olivia",
    )

    listed = (await gql(api, LIST))["knowledgeArticles"]["nodes"]
    hits = (await gql(api, SEARCH, {"q": "replica"}))["searchKnowledge"]
    suggested = await gql(
        api,
        "query($id: ID!) { incident(id: $id) { suggestedArticles { article { id } } } }",
        {"id": incident.id},
    )
    rebuilt = await hub.indexer.rebuild()
    with pytest.raises(GraphQLFailed) as unreadable:
        await gql(api, HISTORY, {"id": broken, "from": 1, "to": 1})
    repaired = await gql(api, UPDATE, {"id": broken, "input": {"title": "Repaired"}})

    assert broken not in [a["id"] for a in listed] and fine in [a["id"] for a in listed]
    assert fine in [h["article"]["id"] for h in hits if h["article"]]
    ids = [s["article"]["id"] for s in suggested["incident"]["suggestedArticles"]]
    assert fine in ids and broken not in ids
    assert rebuilt == len(listed)
    assert unreadable.value.codes == ["NOT_FOUND"]
    assert "cannot be read" in unreadable.value.errors[0]["message"]
    assert repaired["updateKnowledgeArticle"] == {"revision": 2, "title": "Repaired"}


async def test_an_article_naming_an_unknown_service_is_refused_naming_it(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    checkout = demo.service_ids["checkout"]
    missing = "0" * 24
    article = await create(api, serviceIds=[checkout])
    attempts = [
        (CREATE, {"input": {"title": "A", "serviceIds": [checkout, missing]}}),
        (CREATE, {"input": {"title": "A", "serviceIds": ["nonexistent"]}}),
        (UPDATE, {"id": article, "input": {"serviceIds": [missing]}}),
        (
            """mutation($input: [ArticleImportInput!]!) {
              importKnowledgeArticles(input: $input) { created } }""",
            {
                "input": [
                    {"sourceUrl": "https://x.example/b", "title": "B"},
                    {"sourceUrl": "https://x.example/a", "title": "A", "serviceIds": [missing]},
                ]
            },
        ),
    ]
    for query, variables in attempts:
        with pytest.raises(GraphQLFailed) as refused:
            await gql(api, query, variables)
        assert refused.value.codes[0] in {"NOT_FOUND", "BAD_USER_INPUT"}, variables
        bad = variables["input"]
        named = (bad[-1] if isinstance(bad, list) else bad)["serviceIds"][-1]
        assert named in refused.value.errors[0]["message"], refused.value.errors

    listed = (await gql(api, LIST))["knowledgeArticles"]["nodes"]
    assert not {"A", "B"} & {a["title"] for a in listed}  # not even the batch's good one
    data = (await gql(api, HISTORY, {"id": article, "from": 1, "to": 1}))["knowledgeArticle"]
    assert data["revision"] == 1


async def test_a_second_article_from_one_source_url_is_a_clear_conflict(
    api: httpx.AsyncClient,
) -> None:
    url = "https://wiki.example/runbooks/checkout"
    await create(api, title="Checkout runbook", sourceUrl=url)
    count = "{ knowledgeArticles(first: 100) { totalCount } }"
    before = (await gql(api, count))["knowledgeArticles"]["totalCount"]
    with pytest.raises(GraphQLFailed) as failed:
        await create(api, title="Checkout runbook again", sourceUrl=url)
    [error] = failed.value.errors
    assert error["extensions"]["code"] == "CONFLICT"
    assert url in error["message"]
    # The storage engine's own wording stays in the server's log.
    assert "E11000" not in str(error) and "keyPattern" not in str(error)
    assert (await gql(api, count))["knowledgeArticles"]["totalCount"] == before


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "not a url", "data:text/html,<b>x</b>", "https://", "ftp://x/y"]
)
async def test_a_source_url_must_be_a_web_address(api: httpx.AsyncClient, url: str) -> None:
    # Every client shows sourceUrl as a link to follow.
    with pytest.raises(GraphQLFailed) as failed:
        await create(api, title="Linked", sourceUrl=url)
    assert failed.value.codes == ["BAD_USER_INPUT"]
    batch = [{"sourceUrl": url, "title": "Linked"}]
    with pytest.raises(GraphQLFailed) as failed:
        await gql(
            api,
            "mutation($i: [ArticleImportInput!]!) { importKnowledgeArticles(input: $i) {"
            " __typename } }",
            {"i": batch},
        )
    assert failed.value.codes == ["BAD_USER_INPUT"]
    count = "{ knowledgeArticles(first: 100) { nodes { sourceUrl } } }"
    stored = (await gql(api, count))["knowledgeArticles"]["nodes"]
    assert url not in [a["sourceUrl"] for a in stored]
