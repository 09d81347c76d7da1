"""Reading stored articles so that one damaged document never breaks the rest.

Writes validate the whole article before they store it, but a document can
still be unreadable: written by an older version, or edited by hand. Lists,
search, suggestions and the index rebuild skip such a document and log its id;
asked for by id it is reported as unreadable, and an update that supplies valid
values repairs it (the update reads the raw document, see
:mod:`hub.knowledge.service`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from hub.errors import NotFound
from hub.knowledge.models import KnowledgeArticle
from hub.storage import ids, pages
from hub.storage.pages import Order, Page, PageRequest
from hub.storage.repository import Repository

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


def problems(exc: ValidationError) -> str:
    """``field: rule`` for each of the first few errors, for messages and logs."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "document"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def read_one(model: type[M], doc: Mapping[str, Any]) -> M | None:
    """``doc`` as ``model``, or None (logged with its id) when it does not fit."""
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        log.error(
            "event=knowledge.unreadable_document model=%s id=%s problems=%r",
            model.__name__,
            doc.get("id"),
            problems(exc),
        )
        return None


def readable(model: type[M], docs: Iterable[Mapping[str, Any]]) -> list[M]:
    """The documents that fit ``model``; each one that does not is logged and left out."""
    return [m for m in (read_one(model, d) for d in docs) if m is not None]


class ArticleRepository(Repository[KnowledgeArticle]):
    """The articles collection, read tolerantly."""

    async def get(self, doc_id: str) -> KnowledgeArticle:
        ids.to_object_id(doc_id, kind=self.kind)
        doc = await self.collection.get(doc_id)
        if doc is None:
            raise NotFound(f"no {self.kind} with id {doc_id!r}", id=doc_id)
        article = read_one(KnowledgeArticle, doc)
        if article is None:
            raise NotFound(
                f"{self.kind} {doc_id!r} is stored in a form that cannot be read; "
                "updating it with valid values repairs it",
                id=doc_id,
            )
        return article

    async def get_many(self, doc_ids: Sequence[str]) -> list[KnowledgeArticle | None]:
        valid = [i for i in doc_ids if ids.is_valid(i)]
        docs = await self.collection.get_many(valid)
        found = {a.id: a for a in readable(KnowledgeArticle, docs)}
        return [found.get(i) for i in doc_ids]

    async def find(self, query: dict[str, object], **options: object) -> list[KnowledgeArticle]:
        docs = await self.collection.find(query, **options)  # type: ignore[arg-type]
        return readable(KnowledgeArticle, docs)

    async def page(
        self, query: Mapping[str, Any], order: Order, request: PageRequest
    ) -> Page[KnowledgeArticle]:
        docs, cursors, has_next, has_previous = await pages.fetch(
            self.collection, query, order, request
        )
        kept = [(a, c) for a, c in zip(map(self._one, docs), cursors, strict=True) if a]

        async def count() -> int:
            return await self.collection.count(query)

        return Page([a for a, _ in kept], [c for _, c in kept], has_next, has_previous, count)

    @staticmethod
    def _one(doc: Mapping[str, Any]) -> KnowledgeArticle | None:
        return read_one(KnowledgeArticle, doc)
