"""Reading public post-mortem lists, and sending them to a running hub.

Two formats carry the same entries: a CSV with the columns ``category,
organization, url, summary``, and the markdown list it was made from (``##``
sections for categories, one ``[Organization](url). Summary`` paragraph per
entry). Entries travel through the hub's GraphQL API, so the import works
whether the hub runs on the embedded engine inside its own process or on a
real server; the mutation is keyed by source URL, so importing twice is once.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

log = logging.getLogger(__name__)

CSV_COLUMNS = ("category", "organization", "url", "summary")
# "[Org](url). Summary", optionally with ", [see also](url)" links before the dot.
ENTRY = re.compile(r"^\[(?P<org>[^\]]+)\]\((?P<url>\S+?)\)(?P<rest>.*)$")
# What follows the organisation's link: the see-also links, a dot, the summary.
# The CSV keeps this same text in its summary column when an entry has links.
LEAD = re.compile(r"^(?P<links>(?:,\s*\[[^\]]*\]\(\S+?\))*)\.\s+(?P<summary>\S.*)$")
LINK = re.compile(r"\]\((?P<url>\S+?)\)")
SECTION = re.compile(r"^##\s+(?P<name>.+?)\s*$")
# Sections of the list that hold no post-mortems of their own.
NOT_ENTRIES = frozenset(
    {"table of contents", "other lists of postmortems", "analysis", "contributors"}
)
TITLE_CHARS = 120
MUTATION = """
mutation Import($input: [ArticleImportInput!]!) {
  importKnowledgeArticles(input: $input) { created updated unchanged }
}
"""


class ImportFileError(ValueError):
    """Raised when a file is not a post-mortem list in either format; names the line."""


@dataclass(frozen=True)
class Entry:
    category: str
    organization: str
    url: str
    summary: str
    see_also: tuple[str, ...] = ()

    def as_input(self) -> dict[str, Any]:
        """The ``ArticleImportInput`` for this entry."""
        body = (
            f"{self.summary}\n\n- Organization: {self.organization}\n"
            f"- Category: {self.category}\n- Source: <{self.url}>\n"
        )
        body += "".join(f"- See also: <{link}>\n" for link in self.see_also)
        return {
            "sourceUrl": self.url,
            "title": f"{self.organization}: {_headline(self.summary)}"[:300],
            "body": body,
            "kind": "POSTMORTEM",
            "tags": sorted({"postmortem", _slug(self.category), _slug(self.organization)}),
        }


def _headline(summary: str) -> str:
    first = re.split(r"(?<=[.!?])\s", summary, maxsplit=1)[0].rstrip(".")
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1].rstrip() + "…"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "other"


def _lead(text: str) -> tuple[tuple[str, ...], str] | None:
    """(see-also links, summary) from the text after an entry's first link."""
    match = LEAD.match(text)
    if match is None:
        return None
    links = tuple(m["url"] for m in LINK.finditer(match["links"]))
    return links, match["summary"].strip()


def read_entries(path: Path) -> list[Entry]:
    """Entries from a CSV or a markdown list, chosen by the file's suffix."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        return parse_csv(text)
    if path.suffix.lower() in {".md", ".markdown"}:
        return parse_markdown(text)
    raise ImportFileError(f"{path.name}: expected a .csv or .md file")


def parse_csv(text: str) -> list[Entry]:
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFileError(f"CSV header lacks the column(s) {', '.join(missing)}")
    entries = []
    for row in reader:
        values = {c: (row.get(c) or "").strip() for c in CSV_COLUMNS}
        if not values["url"] or not values["summary"]:
            raise ImportFileError(f"CSV line {reader.line_num}: url and summary are required")
        summary = values["summary"]
        links: tuple[str, ...] = ()
        # ", [see also](url). Summary": the markdown's see-also links, split
        # off the same way so both formats give the same entry.
        lead = _lead(summary) if summary.startswith(",") else None
        if lead is not None:
            links, summary = lead
        entries.append(
            Entry(
                values["category"] or "Uncategorized",
                values["organization"],
                values["url"],
                summary,
                links,
            )
        )
    return entries


def parse_markdown(text: str) -> list[Entry]:
    entries = []
    section: str | None = None
    for line in text.splitlines():
        heading = SECTION.match(line)
        if heading:
            section = heading["name"]
            continue
        match = ENTRY.match(line.strip())
        lead = _lead(match["rest"]) if match else None
        if match and lead and section and section.lower() not in NOT_ENTRIES:
            links, summary = lead
            entries.append(Entry(section, match["org"], match["url"], summary, links))
    if not entries:
        raise ImportFileError("no '[Organization](url). Summary' entries under a ## section")
    return entries


@dataclass
class Totals:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


async def send(
    entries: Sequence[Entry],
    *,
    url: str,
    token: str,
    batch_size: int = 50,
    on_batch: Callable[[int], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Totals:
    """Send ``entries`` to the hub at ``url`` in batches; ``on_batch`` hears each size."""
    totals = Totals()
    headers = {"Authorization": f"Bearer {token}", "x-hub-actor": "postmortem-import"}
    endpoint = graphql_endpoint(url)
    async with httpx.AsyncClient(headers=headers, timeout=60, transport=transport) as client:
        for start in range(0, len(entries), batch_size):
            batch = entries[start : start + batch_size]
            result = await _post(client, endpoint, [e.as_input() for e in batch])
            totals.created += result["created"]
            totals.updated += result["updated"]
            totals.unchanged += result["unchanged"]
            if on_batch is not None:
                on_batch(len(batch))
    log.info(
        "event=knowledge.import_sent created=%d updated=%d unchanged=%d",
        totals.created,
        totals.updated,
        totals.unchanged,
    )
    return totals


def graphql_endpoint(url: str) -> str:
    """The hub's GraphQL endpoint from its base URL or from the endpoint itself."""
    base = url.rstrip("/")
    return base if base.endswith("/graphql") else base + "/graphql"


class ImportFailed(RuntimeError):
    """Raised when the hub refuses a batch; carries the hub's message."""


async def _post(
    client: httpx.AsyncClient, endpoint: str, items: list[dict[str, Any]]
) -> dict[str, int]:
    response = await client.post(endpoint, json={"query": MUTATION, "variables": {"input": items}})
    try:
        body = response.json()
    except ValueError as exc:
        raise ImportFailed(f"{endpoint} answered {response.status_code}, not JSON") from exc
    if body.get("errors"):
        first = body["errors"][0]
        code = first.get("extensions", {}).get("code", "ERROR")
        raise ImportFailed(f"{code}: {first.get('message')}")
    if response.status_code != 200:
        raise ImportFailed(f"{endpoint} answered {response.status_code}")
    return body["data"]["importKnowledgeArticles"]  # type: ignore[no-any-return]
