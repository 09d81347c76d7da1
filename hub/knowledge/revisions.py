"""Every revision of every article, and the difference between two of them.

An article write records its new revision inside the article itself
(``pending_revision``) in the same single-document update, so the change and
its history commit together on any engine. :meth:`Revisions.settle` then copies
it to the ``article_revisions`` collection under a key made of the article id and
the revision number, which makes the copy idempotent; :meth:`Revisions.repair`
settles what a writer that stopped half way left behind.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hub.errors import NotFound
from hub.knowledge.models import CONTENT_FIELDS, ArticleRevision, KnowledgeArticle
from hub.knowledge.stored import readable
from hub.storage.client import Database

log = logging.getLogger(__name__)

REPAIR_BATCH = 500


def snapshot(
    article: dict[str, Any], *, author: str, at: datetime, summary: str
) -> dict[str, Any]:
    """The revision document for ``article`` (a stored article document)."""
    return {
        "article_id": article["id"],
        "revision": article["revision"],
        **{name: article.get(name) for name in CONTENT_FIELDS},
        "author": author,
        "created_at": at,
        "change_summary": summary,
    }


def revision_key(article_id: str, revision: int) -> str:
    return f"{article_id}:{revision}"


class Revisions:
    def __init__(self, db: Database) -> None:
        self._revisions = db["article_revisions"]
        self._articles = db["articles"]

    async def settle(self, pending: dict[str, Any]) -> None:
        key = revision_key(pending["article_id"], pending["revision"])
        await self._revisions.update_one({"id": key}, {"$setOnInsert": pending}, upsert=True)
        await self._articles.update_one(
            {"id": pending["article_id"], "pending_revision.revision": pending["revision"]},
            {"$unset": {"pending_revision": ""}},
        )

    async def repair(self) -> int:
        stuck = await self._articles.find(
            {"pending_revision": {"$exists": True}},
            projection={"pending_revision": 1},
            limit=REPAIR_BATCH,
        )
        for doc in stuck:
            await self.settle(doc["pending_revision"])
        if stuck:
            log.warning("event=knowledge.revisions_repaired count=%d", len(stuck))
        return len(stuck)

    async def of_article(self, article: KnowledgeArticle) -> list[ArticleRevision]:
        return (await self.for_articles([article]))[0]

    async def for_articles(
        self, articles: Sequence[KnowledgeArticle]
    ) -> list[list[ArticleRevision]]:
        """Oldest first, per article; includes a revision whose copy has not settled."""
        ids = [a.id for a in articles]
        docs = await self._revisions.find(
            {"article_id": {"$in": ids}}, sort=[("article_id", 1), ("revision", 1)]
        )
        found: dict[str, dict[int, ArticleRevision]] = {i: {} for i in ids}
        for rev in readable(ArticleRevision, docs):
            found[rev.article_id][rev.revision] = rev
        unsettled = [a.id for a in articles if a.revision not in found[a.id]]
        if unsettled:
            docs = await self._articles.find(
                {"id": {"$in": unsettled}, "pending_revision": {"$exists": True}},
                projection={"pending_revision": 1},
            )
            for rev in readable(ArticleRevision, [d["pending_revision"] for d in docs]):
                found[rev.article_id][rev.revision] = rev
        return [[found[i][n] for n in sorted(found[i])] for i in ids]


def diff(revisions: Sequence[ArticleRevision], start: int, end: int) -> str:
    """A unified diff from revision ``start`` to revision ``end`` of one article."""
    by_number = {r.revision: r for r in revisions}
    for number in (start, end):
        if number not in by_number:
            last = max(by_number, default=0)
            raise NotFound(
                f"there is no revision {number}; this article has revisions 1 to {last}",
                revision=number,
            )
    lines = difflib.unified_diff(
        _render(by_number[start]),
        _render(by_number[end]),
        fromfile=f"revision {start}",
        tofile=f"revision {end}",
    )
    return "".join(lines)


def _render(rev: ArticleRevision) -> list[str]:
    """The revision as text lines, metadata first, so a diff shows every change."""
    head = [
        f"title: {rev.title}",
        f"kind: {rev.kind.value}",
        f"tags: {', '.join(rev.tags)}",
        f"services: {', '.join(rev.service_ids)}",
        f"owner: {rev.owner or ''}",
        f"review by: {rev.review_by.isoformat() if rev.review_by else ''}",
        "",
    ]
    return [line + "\n" for line in [*head, *rev.body.splitlines()]]
