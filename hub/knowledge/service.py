"""Reads and writes of knowledge articles."""

from __future__ import annotations

from typing import Any

from hub.clock import Clock
from hub.errors import BadInput
from hub.knowledge.models import ArticleCreate, ArticleKind, ArticleUpdate, KnowledgeArticle
from hub.storage.client import Database
from hub.storage.ids import new_id
from hub.storage.pages import Page, PageRequest
from hub.storage.repository import Repository


class KnowledgeService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._clock = clock
        self.repo = Repository(db["articles"], KnowledgeArticle, "knowledge article")

    async def create(self, *, data: ArticleCreate, actor: str) -> KnowledgeArticle:
        now = self._clock.now()
        doc = {
            "id": new_id(),
            **data.model_dump(mode="json"),
            "revision": 1,
            "created_by": actor,
            "created_at": now,
            "updated_at": now,
        }
        await self.repo.collection.insert(doc)
        return KnowledgeArticle.model_validate(doc)

    async def update(
        self, *, article_id: str, data: ArticleUpdate, actor: str
    ) -> KnowledgeArticle:
        changes = data.model_dump(mode="json", exclude_unset=True, exclude={"change_summary"})
        if not changes:
            raise BadInput("nothing to update: give at least one field")
        await self.repo.get(article_id)
        changes["updated_at"] = self._clock.now()
        changes["updated_by"] = actor
        await self.repo.collection.update_one(
            {"id": article_id}, {"$set": changes, "$inc": {"revision": 1}}
        )
        return await self.repo.get(article_id)

    async def list(
        self, *, kind: ArticleKind | None = None, tag: str | None = None, limit: int = 100
    ) -> list[KnowledgeArticle]:
        query: dict[str, Any] = {}
        if kind is not None:
            query["kind"] = kind.value
        if tag is not None:
            query["tags"] = tag
        return await self.repo.find(query, sort=[("_id", -1)], limit=limit)

    async def page(
        self, request: PageRequest, *, kind: ArticleKind | None = None, tag: str | None = None
    ) -> Page[KnowledgeArticle]:
        """Newest first."""
        query: dict[str, Any] = {}
        if kind is not None:
            query["kind"] = kind.value
        if tag is not None:
            query["tags"] = tag
        return await self.repo.page(query, [("_id", -1)], request)
