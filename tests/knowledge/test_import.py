"""Importing public post-mortem lists through a running hub: both formats, twice is once."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx
import pytest

from hub.core import Hub
from hub.knowledge.importer import ImportFileError, parse_markdown, read_entries, send
from tests.conftest import ADMIN_TOKEN, AUTH, ROOT, GraphQLFailed, gql, serve, shared_path

FIXTURES = ROOT / "tests" / "fixtures" / "knowledge"
COUNT = """{ knowledgeArticles(kind: POSTMORTEM, first: 100) {
  totalCount nodes { id sourceUrl revision } } }"""
SEARCH = """
query($q: String!) {
  searchKnowledge(query: $q, kind: POSTMORTEM, first: 3) {
    score snippet article { sourceUrl }
  }
}"""


async def run_cli(path: Path, url: str) -> str:
    """The real command, in a child process, while this loop keeps serving."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hub.cli",
        "import",
        "postmortems",
        str(path),
        "--url",
        url,
        "--token",
        ADMIN_TOKEN,
        "--batch-size",
        "40",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def top_urls(client: httpx.AsyncClient, query: str) -> list[dict]:
    data = await gql(client, SEARCH, {"q": query})
    return data["searchKnowledge"]


def test_markdown_list_and_csv_carry_the_same_entries() -> None:
    from_csv = {e.url: e for e in read_entries(FIXTURES / "postmortems.csv")}
    from_md = read_entries(FIXTURES / "postmortems.md")

    assert len(from_csv) == 6
    assert [e.organization for e in from_md] == ["Acme Widgets", "Blue Lantern", "Elmwood Games"]
    for entry in from_md:  # "see also" links and "Other lists" are not entries
        assert from_csv[entry.url] == entry
    blue = from_csv["https://blog.bluelantern.example/posts/dns-ttl"]
    assert blue.summary.startswith("A zone file shipped")
    assert blue.see_also == ("https://blog.bluelantern.example/posts/dns-ttl-followup",)
    assert blue.as_input()["title"] == "Blue Lantern: A zone file shipped with a TTL of zero; " + (
        "resolvers hammered the authoritative servers until they shed load"
    )


def test_shared_markdown_list_matches_the_shared_csv() -> None:
    from_csv = read_entries(shared_path("data", "knowledge", "e_postmortems_danluu.csv"))
    from_md = read_entries(shared_path("data", "knowledge", "e_postmortems_danluu_README.md"))

    assert len(from_csv) == len(from_md) == 190
    assert sorted(from_csv, key=lambda e: e.url) == sorted(from_md, key=lambda e: e.url)
    assert not [e for e in from_csv if e.summary.startswith(",")]


def test_a_file_in_neither_format_is_refused_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "list.csv"
    bad.write_text("org,link\nAcme,https://x.example\n")
    with pytest.raises(ImportFileError, match="category"):
        read_entries(bad)
    with pytest.raises(ImportFileError, match="entries"):
        parse_markdown("# nothing here\n\nplain text\n")


async def test_importing_own_fixture_twice_leaves_one_article_per_entry(hub: Hub) -> None:
    entries = read_entries(FIXTURES / "postmortems.csv")
    async with serve(hub) as live, httpx.AsyncClient(base_url=live.url, headers=AUTH) as client:
        first = await send(entries, url=live.url, token=ADMIN_TOKEN, batch_size=4)
        again = await send(entries, url=live.url, token=ADMIN_TOKEN, batch_size=4)
        markdown = await send(
            read_entries(FIXTURES / "postmortems.md"), url=live.url, token=ADMIN_TOKEN
        )
        articles = (await gql(client, COUNT))["knowledgeArticles"]["nodes"]
        hits = await top_urls(client, "leap second settlement")

    assert (first.created, first.updated, first.unchanged) == (6, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert (markdown.created, markdown.updated) == (0, 0)
    assert len(articles) == 6
    assert {a["revision"] for a in articles} == {1}
    assert hits[0]["article"]["sourceUrl"] == "https://eng.dunmore.example/leap-second"
    assert "<b>leap</b>" in hits[0]["snippet"].lower()


async def test_a_changed_entry_is_revised_not_duplicated(hub: Hub) -> None:
    entries = read_entries(FIXTURES / "postmortems.csv")
    async with serve(hub) as live, httpx.AsyncClient(base_url=live.url, headers=AUTH) as client:
        await send(entries, url=live.url, token=ADMIN_TOKEN)
        edited = [
            entries[0].__class__(
                entries[0].category,
                entries[0].organization,
                entries[0].url,
                "Purge rule rewritten: a new summary.",
            )
        ]
        result = await send(edited, url=live.url, token=ADMIN_TOKEN)
        articles = (await gql(client, COUNT))["knowledgeArticles"]["nodes"]

    assert (result.created, result.updated) == (0, 1)
    assert len(articles) == 6
    assert sorted(a["revision"] for a in articles) == [1, 1, 1, 1, 1, 2]


async def test_an_import_batch_without_source_urls_or_with_repeats_is_refused(
    api: httpx.AsyncClient,
) -> None:
    mutation = """mutation($input: [ArticleImportInput!]!) {
      importKnowledgeArticles(input: $input) { created } }"""
    item = {"sourceUrl": "https://x.example/a", "title": "A"}
    with pytest.raises(GraphQLFailed) as repeated:
        await gql(api, mutation, {"input": [item, item]})
    with pytest.raises(GraphQLFailed) as empty:
        await gql(api, mutation, {"input": []})

    assert repeated.value.codes == ["BAD_USER_INPUT"]
    assert empty.value.codes == ["BAD_USER_INPUT"]
    assert (await gql(api, COUNT))["knowledgeArticles"]["nodes"] == []


async def test_cli_imports_the_shared_csv_idempotently_and_search_finds_entries(
    hub: Hub,
) -> None:
    path = shared_path("data", "knowledge", "e_postmortems_danluu.csv")
    entries = read_entries(path)
    async with serve(hub) as live, httpx.AsyncClient(base_url=live.url, headers=AUTH) as client:
        first = await run_cli(path, live.url)
        count_once = (await gql(client, COUNT))["knowledgeArticles"]["totalCount"]
        second = await run_cli(path, live.url)
        count_twice = (await gql(client, COUNT))["knowledgeArticles"]["totalCount"]
        therac = await top_urls(client, "radiation therapy overdoses")
        # A sample across the list: each entry's own opening words find it.
        sampled = entries[::19]
        found = [await top_urls(client, " ".join(e.summary.split()[:12])) for e in sampled]

    assert "190 created" in first
    assert "0 created, 0 updated, 190 unchanged" in second
    assert count_once == count_twice == 190
    [therac_hit] = [h for h in therac if "therac" in h["article"]["sourceUrl"]]
    assert "<b>radiation</b> <b>therapy</b>" in therac_hit["snippet"]
    for entry, hits in zip(sampled, found, strict=True):
        urls = [h["article"]["sourceUrl"] for h in hits]
        assert entry.url in urls, entry.summary
        # The snippet shown for it highlights the words asked for.
        assert "<b>" in hits[urls.index(entry.url)]["snippet"], entry.summary


async def test_the_cli_takes_the_hub_url_with_or_without_the_graphql_path(hub: Hub) -> None:
    path = FIXTURES / "postmortems.csv"
    async with serve(hub) as live:
        first = await run_cli(path, live.url + "/graphql")
        again = await run_cli(path, live.url + "/graphql/")

    assert "6 created" in first
    assert "0 created, 0 updated, 6 unchanged" in again
