"""Articles over GraphQL: every revision kept, and the difference between two."""

from __future__ import annotations

import httpx
import pytest

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
