"""Typed reads shared by every concept's service: by id, by many ids, or 404."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from hub.errors import NotFound
from hub.storage import ids, pages
from hub.storage.collection import Collection
from hub.storage.pages import Order, Page, PageRequest

M = TypeVar("M", bound=BaseModel)


class Repository(Generic[M]):
    """Reads of one collection as one model; ``kind`` names it in errors."""

    def __init__(self, collection: Collection, model: type[M], kind: str) -> None:
        self.collection = collection
        self.model = model
        self.kind = kind

    async def get(self, doc_id: str) -> M:
        ids.to_object_id(doc_id, kind=self.kind)
        doc = await self.collection.get(doc_id)
        if doc is None:
            raise NotFound(f"no {self.kind} with id {doc_id!r}", id=doc_id)
        return self.model.model_validate(doc)

    async def get_many(self, doc_ids: Sequence[str]) -> list[M | None]:
        """One ``$in`` query; the result lines up with ``doc_ids``."""
        valid = [i for i in doc_ids if ids.is_valid(i)]
        docs = await self.collection.get_many(valid)
        found = {d["id"]: self.model.model_validate(d) for d in docs}
        return [found.get(i) for i in doc_ids]

    async def require_all(self, doc_ids: Sequence[str]) -> None:
        """NotFound for the first of ``doc_ids`` that names nothing, in one read."""
        wanted = list(dict.fromkeys(doc_ids))
        if not wanted:
            return
        found = await self.get_many(wanted)
        missing = [i for i, doc in zip(wanted, found, strict=True) if doc is None]
        if missing:
            raise NotFound(f"no {self.kind} with id {missing[0]!r}", id=missing[0])

    async def find(self, query: dict[str, object], **options: object) -> list[M]:
        docs = await self.collection.find(query, **options)  # type: ignore[arg-type]
        return [self.model.model_validate(d) for d in docs]

    async def page(self, query: Mapping[str, Any], order: Order, request: PageRequest) -> Page[M]:
        """One page in ``order`` (ties broken by id); the count is read on demand."""
        docs, cursors, has_next, has_previous = await pages.fetch(
            self.collection, query, order, request
        )

        async def count() -> int:
            return await self.collection.count(query)

        items = [self.model.model_validate(d) for d in docs]
        return Page(items, cursors, has_next, has_previous, count)
