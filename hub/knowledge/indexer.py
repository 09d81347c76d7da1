"""Keeps this replica's search index equal to MongoDB.

At start the index is filled from the articles collection. From then on every
``knowledge.article_saved`` event released by the feed, written here or by any
other replica, re-reads that article and indexes it if it is newer than what
the index holds. The subscription is opened before the rebuild, so a write
landing during the rebuild is heard afterwards rather than lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from hub.events.feed import EventFeed, Overflow, Subscriber
from hub.events.models import Event
from hub.knowledge.models import KnowledgeArticle
from hub.knowledge.search import SearchIndex
from hub.knowledge.service import SAVED, KnowledgeService
from hub.knowledge.stored import readable

log = logging.getLogger(__name__)

REBUILD_PAGE = 1000


class Indexer:
    def __init__(self, knowledge: KnowledgeService, feed: EventFeed) -> None:
        self._knowledge = knowledge
        self._feed = feed
        self._index: SearchIndex = knowledge.index
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        sub = self._feed.subscribe(lambda e: e.type == SAVED, maxsize=10_000)
        await self.rebuild()
        self._task = asyncio.create_task(self._follow(sub))

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def rebuild(self) -> int:
        """Every readable article; an unreadable one is logged and left out."""
        articles: list[KnowledgeArticle] = []
        last: str | None = None
        while True:
            query: dict[str, object] = {} if last is None else {"id": {"$gt": last}}
            # Raw pages: the cursor must move past a document that does not read.
            page = await self._knowledge.collection.find(
                query, sort=[("_id", 1)], limit=REBUILD_PAGE
            )
            articles.extend(readable(KnowledgeArticle, page))
            if len(page) < REBUILD_PAGE:
                break
            last = str(page[-1]["id"])
        self._index.replace_all(articles)
        log.info("event=knowledge.index_rebuilt articles=%d", len(articles))
        return len(articles)

    async def _follow(self, sub: Subscriber) -> None:
        try:
            while True:
                try:
                    event = await sub.get()
                except Overflow:
                    log.warning("event=knowledge.index_behind action=rebuild")
                    self._feed.unsubscribe(sub)
                    sub = self._feed.subscribe(lambda e: e.type == SAVED, maxsize=10_000)
                    await self.rebuild()
                    continue
                if event is None:  # the feed is draining for shutdown
                    return
                await self._apply(event)
        finally:
            self._feed.unsubscribe(sub)

    async def _apply(self, event: Event) -> None:
        article_id = str(event.data.get("article_id"))
        # Writes made here are indexed already; only other replicas' cost a read.
        if int(event.data.get("revision", 0)) <= self._index.indexed_revision(article_id):
            return
        try:
            found = await self._knowledge.get_many([article_id])
        except asyncio.CancelledError:
            raise
        except Exception:  # the next event or the next start catches up
            log.exception("event=knowledge.index_read_failed article_id=%s", article_id)
            return
        self._index.upsert([a for a in found if a is not None])
