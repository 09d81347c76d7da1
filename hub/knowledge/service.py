"""Reads and writes of knowledge articles.

Each write is one single-document update that carries the article's new
revision (see :mod:`hub.knowledge.revisions`) and a ``knowledge.article_saved``
event in its outbox (see :mod:`hub.events.log`), guarded by the revision it
read. Then the revision is settled, the event enters the log (where every
replica's search index hears of it) and this replica's index is updated at
once, so a search right after a write finds it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from hub.clock import Clock
from hub.errors import BadInput, Conflict, NotFound
from hub.events.log import EventLog, outbox_push
from hub.events.models import Event
from hub.knowledge.models import (
    ArticleCreate,
    ArticleKind,
    ArticleUpdate,
    KnowledgeArticle,
)
from hub.knowledge.revisions import Revisions, snapshot
from hub.knowledge.search import SearchIndex
from hub.knowledge.stored import ArticleRepository, problems, read_one
from hub.storage import ids
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey
from hub.storage.ids import new_id
from hub.storage.pages import Page, PageRequest
from hub.teams.service import TeamService

log = logging.getLogger(__name__)

SAVED = "knowledge.article_saved"
ASC, DESC = 1, -1
# (collection, keys, options). Sparse: only imported articles have a source URL,
# only drafts a postmortem_of; each must name one article at most.
INDEXES: list[tuple[str, list[tuple[str, int]], dict[str, Any]]] = [
    ("articles", [("source_url", ASC)], {"unique": True, "sparse": True}),
    ("articles", [("postmortem_of", ASC)], {"unique": True, "sparse": True}),
    ("articles", [("service_ids", ASC)], {}),
    ("articles", [("tags", ASC)], {}),
    ("articles", [("kind", ASC), ("_id", DESC)], {}),
    ("articles", [("outbox.0.occurred_at", ASC)], {"sparse": True}),
    ("article_revisions", [("article_id", ASC), ("revision", ASC)], {"unique": True}),
]
MAX_ATTEMPTS = 5
MAX_LIST = 500


class KnowledgeService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        events: EventLog,
        index: SearchIndex,
        teams: TeamService,
    ) -> None:
        self._clock = clock
        self._teams = teams
        self._events = events
        self.index = index
        self.revisions = Revisions(db)
        self.repo = ArticleRepository(db["articles"], KnowledgeArticle, "knowledge article")
        self.collection = db["articles"]
        self._db = db

    async def start(self, *, stuck_before: datetime) -> None:
        """Indexes, then finish what a writer that stopped half way left behind."""
        for name, keys, options in INDEXES:
            await self._db[name].create_index(keys, **options)
        await self._events.sweep("articles", older_than=stuck_before)
        await self.revisions.repair()

    async def get(self, article_id: str) -> KnowledgeArticle:
        return await self.repo.get(article_id)

    async def get_many(self, article_ids: Sequence[str]) -> list[KnowledgeArticle | None]:
        return await self.repo.get_many(article_ids)

    async def create(
        self,
        *,
        data: ArticleCreate,
        actor: str,
        extra: dict[str, Any] | None = None,
        reindex: bool = True,
    ) -> KnowledgeArticle:
        """A new article at revision 1; ``reindex=False`` leaves indexing to the caller."""
        article = await self._insert(data, actor, extra or {})
        if reindex:
            self.index.upsert([article])
        return article

    async def _insert(
        self, data: ArticleCreate, actor: str, extra: dict[str, Any]
    ) -> KnowledgeArticle:
        await self.check_services(data.service_ids)
        now = self._clock.now()
        values = data.model_dump(mode="json", exclude={"change_summary"})
        # Absent rather than null: the unique indexes on these are sparse.
        for name in ("source_url", "incident_id"):
            if values[name] is None:
                del values[name]
        doc: dict[str, Any] = {
            "id": new_id(),
            **values,
            **extra,
            "revision": 1,
            "created_by": actor,
            "created_at": now,
            "updated_at": now,
        }
        pending = snapshot(doc, author=actor, at=now, summary=data.change_summary)
        event = self._event(doc, actor)
        try:
            await self.collection.insert(
                {**doc, "pending_revision": pending, "outbox": [event.model_dump(exclude={"seq"})]}
            )
        except DuplicateKey as exc:
            if "source_url" not in exc.details.get("fields", []):
                raise
            raise Conflict(
                f"an article from {data.source_url!r} already exists: edit that one",
                argument="sourceUrl",
            ) from exc
        await self._settle(doc["id"], pending, event)
        log.info(
            "event=knowledge.article_created article_id=%s kind=%s actor=%s",
            doc["id"],
            doc["kind"],
            actor,
        )
        return KnowledgeArticle.model_validate(doc)

    async def update(
        self, *, article_id: str, data: ArticleUpdate, actor: str, reindex: bool = True
    ) -> KnowledgeArticle:
        """A new revision with the fields that differ; none differ, no revision."""
        article = await self._update(article_id, data, actor)
        if reindex:
            self.index.upsert([article])
        return article

    async def _update(self, article_id: str, data: ArticleUpdate, actor: str) -> KnowledgeArticle:
        wanted = data.model_dump(mode="json", exclude_unset=True, exclude={"change_summary"})
        if not wanted:
            raise BadInput("nothing to update: give at least one field")
        await self.check_services(data.service_ids or [])
        for _ in range(MAX_ATTEMPTS):
            stored = await self._stored(article_id)
            changes = {k: v for k, v in wanted.items() if stored.get(k) != v}
            # The whole article as it would be, checked before anything is
            # written: a write must never store what no reader can read.
            after = _checked({**stored, **changes})
            if not changes:
                return after
            updated = await self._write(stored, changes, actor, data.change_summary)
            if updated is not None:
                return updated
            log.info("event=knowledge.write_retry article_id=%s", article_id)
        raise Conflict(f"article {article_id!r} kept changing; re-read and retry")

    async def check_services(self, service_ids: Sequence[str]) -> None:
        """Refuse ids that name no service: an article must link to real ones."""
        await self._teams.services.require_all(service_ids)

    async def _stored(self, article_id: str) -> dict[str, Any]:
        """The article as stored, normalised when it reads; raw when damaged, so an
        update that supplies valid values repairs it."""
        ids.to_object_id(article_id, kind=self.repo.kind)
        doc = await self.collection.get(article_id)
        if doc is None:
            raise NotFound(f"no knowledge article with id {article_id!r}", id=article_id)
        article = read_one(KnowledgeArticle, doc)
        return article.model_dump(mode="json") if article else doc

    async def _write(
        self, stored: dict[str, Any], changes: dict[str, Any], actor: str, summary: str
    ) -> KnowledgeArticle | None:
        now = self._clock.now()
        after = {**stored, **changes, "revision": stored["revision"] + 1}
        pending = snapshot(after, author=actor, at=now, summary=summary or "edited")
        event = self._event(after, actor)
        doc = await self.collection.find_one_and_update(
            {"id": stored["id"], "revision": stored["revision"]},
            {
                "$set": {
                    **changes,
                    "updated_at": now,
                    "updated_by": actor,
                    "pending_revision": pending,
                },
                "$inc": {"revision": 1},
                "$push": outbox_push([event]),
            },
        )
        if doc is None:
            return None
        await self._settle(stored["id"], pending, event)
        log.info(
            "event=knowledge.article_revised article_id=%s revision=%d actor=%s",
            stored["id"],
            after["revision"],
            actor,
        )
        return KnowledgeArticle.model_validate(doc)

    def _event(self, doc: dict[str, Any], actor: str) -> Event:
        return Event(
            type=SAVED,
            occurred_at=self._clock.now(),
            actor=actor,
            data={"article_id": doc["id"], "revision": doc["revision"], "title": doc["title"]},
        )

    async def _settle(self, article_id: str, pending: dict[str, Any], event: Event) -> None:
        await self.revisions.settle(pending)
        await self._events.flush("articles", article_id, [event])

    async def list(
        self, *, kind: ArticleKind | None = None, tag: str | None = None, limit: int = 100
    ) -> list[KnowledgeArticle]:
        if not 1 <= limit <= MAX_LIST:
            raise BadInput(f"limit must be between 1 and {MAX_LIST}", argument="first")
        query: dict[str, Any] = {}
        if kind is not None:
            query["kind"] = kind.value
        if tag is not None:
            query["tags"] = tag
        return await self.repo.find(query, sort=[("_id", -1)], limit=limit)

    async def page(
        self,
        request: PageRequest,
        *,
        kind: ArticleKind | None = None,
        tag: str | None = None,
        hide_incidents: Collection[str] = (),
    ) -> Page[KnowledgeArticle]:
        """Newest first; articles linked to ``hide_incidents`` left out."""
        query: dict[str, Any] = {}
        if kind is not None:
            query["kind"] = kind.value
        if tag is not None:
            query["tags"] = tag
        if hide_incidents:
            query["incident_id"] = {"$nin": sorted(hide_incidents)}
        return await self.repo.page(query, [("_id", -1)], request)

    async def linked_incident_ids(self) -> Sequence[str]:
        """Every incident some article is linked to."""
        linked = {"incident_id": {"$exists": True, "$ne": None}}
        rows = await self.collection.aggregate(
            [{"$match": linked}, {"$group": {"_id": "$incident_id"}}]
        )
        return sorted(str(r["_id"]) for r in rows)

    async def by_source_urls(self, urls: Sequence[str]) -> dict[str, KnowledgeArticle]:
        docs = await self.repo.find({"source_url": {"$in": list(urls)}})
        return {d.source_url: d for d in docs if d.source_url}

    async def postmortems_of(self, incident_ids: Sequence[str]) -> dict[str, KnowledgeArticle]:
        docs = await self.repo.find({"postmortem_of": {"$in": list(incident_ids)}})
        return {d.postmortem_of: d for d in docs if d.postmortem_of}


def _checked(values: dict[str, Any]) -> KnowledgeArticle:
    try:
        return KnowledgeArticle.model_validate(values)
    except ValidationError as exc:
        raise BadInput(problems(exc), fields=[str(e["loc"][0]) for e in exc.errors()]) from exc
