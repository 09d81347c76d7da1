"""A thin async wrapper over one Motor collection.

It is the one place that speaks the driver's dialect: documents come back with
``id`` (an opaque string) instead of ``_id``, filters may use ``id`` too, a
lost unique-index race becomes :class:`DuplicateKey`, and every call is counted
as a round trip so tests can check that a query does not grow with its data.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError

from hub.errors import Conflict

log = logging.getLogger(__name__)

Doc = dict[str, Any]
DUPLICATE_KEY = 11000
Sort = Sequence[tuple[str, int]]


class DuplicateKey(Conflict):
    """Raised when a write breaks a unique index: someone else got there first."""


def _duplicate(collection: str, details: Mapping[str, Any] | None) -> DuplicateKey:
    # The engine's own report quotes the stored values and index layout: it is
    # logged here, and the caller is told only which fields clash.
    fields = sorted((details or {}).get("keyPattern") or {})
    log.info("event=storage.duplicate_key collection=%s details=%s", collection, details)
    what = ", ".join(fields) or "unique key"
    return DuplicateKey(f"another {collection} record has the same {what}", fields=fields)


@dataclass
class RoundTrips:
    count: int = 0


class Collection:
    def __init__(self, raw: Any, trips: RoundTrips) -> None:
        self._raw = raw
        self._trips = trips
        self.name: str = raw.name

    # -- translation -------------------------------------------------------

    @staticmethod
    def _db_id(value: Any) -> Any:
        if isinstance(value, str) and len(value) == 24 and ObjectId.is_valid(value):
            return ObjectId(value)
        return value

    def _db_ids(self, arg: Any) -> Any:
        return [self._db_id(v) for v in arg] if isinstance(arg, list) else self._db_id(arg)

    def _to_db(self, doc: Mapping[str, Any]) -> Doc:
        out = dict(doc)
        if "id" in out:
            value = out.pop("id")
            if isinstance(value, Mapping):
                value = {op: self._db_ids(arg) for op, arg in value.items()}
            else:
                value = self._db_id(value)
            out["_id"] = value
        return out

    @staticmethod
    def _from_db(doc: Doc | None) -> Doc | None:
        if doc is None:
            return None
        doc["id"] = str(doc.pop("_id"))
        return doc

    def _count(self) -> None:
        self._trips.count += 1

    # -- reads -------------------------------------------------------------

    async def get(self, doc_id: str) -> Doc | None:
        return await self.find_one({"id": doc_id})

    async def get_many(self, ids: Sequence[str]) -> list[Doc]:
        if not ids:
            return []
        return await self.find({"id": {"$in": list(dict.fromkeys(ids))}})

    async def find_one(self, query: Mapping[str, Any], *, sort: Sort | None = None) -> Doc | None:
        self._count()
        found = await self._raw.find_one(self._to_db(query), sort=list(sort) if sort else None)
        return self._from_db(found)

    async def find(
        self,
        query: Mapping[str, Any],
        *,
        sort: Sort | None = None,
        skip: int = 0,
        limit: int = 0,
        projection: Mapping[str, Any] | None = None,
    ) -> list[Doc]:
        self._count()
        cursor = self._raw.find(self._to_db(query), projection=projection)
        if sort:
            cursor = cursor.sort(list(sort))
        if skip:
            cursor = cursor.skip(skip)
        if limit:
            # The embedded engine ignores to_list(length=...); limit() works on both.
            cursor = cursor.limit(limit)
        return [d for d in (self._from_db(doc) for doc in await cursor.to_list(None)) if d]

    async def count(self, query: Mapping[str, Any]) -> int:
        self._count()
        return int(await self._raw.count_documents(self._to_db(query)))

    async def aggregate(self, pipeline: Sequence[Mapping[str, Any]]) -> list[Doc]:
        self._count()
        return list(await self._raw.aggregate(list(pipeline)).to_list(None))

    # -- writes ------------------------------------------------------------

    async def insert(self, doc: Mapping[str, Any]) -> str:
        self._count()
        try:
            result = await self._raw.insert_one(self._to_db(doc))
        except DuplicateKeyError as exc:
            raise _duplicate(self.name, exc.details) from exc
        return str(result.inserted_id)

    async def insert_many(self, docs: Sequence[Mapping[str, Any]]) -> None:
        if not docs:
            return
        self._count()
        try:
            await self._raw.insert_many([self._to_db(d) for d in docs], ordered=True)
        except DuplicateKeyError as exc:
            raise _duplicate(self.name, exc.details) from exc
        except BulkWriteError as exc:
            # insert_many reports a duplicate as a bulk error, on both engines;
            # anything else in the batch is a real failure and stays one.
            errors = exc.details.get("writeErrors", [])
            if errors and all(e.get("code") == DUPLICATE_KEY for e in errors):
                raise _duplicate(self.name, errors[0]) from exc
            raise

    async def update_one(
        self, query: Mapping[str, Any], update: Mapping[str, Any], *, upsert: bool = False
    ) -> int:
        self._count()
        try:
            result = await self._raw.update_one(self._to_db(query), dict(update), upsert=upsert)
        except DuplicateKeyError as exc:
            raise DuplicateKey(f"duplicate key in {self.name}", detail=str(exc)) from exc
        return int(result.matched_count) + (1 if result.upserted_id is not None else 0)

    async def update_many(self, query: Mapping[str, Any], update: Mapping[str, Any]) -> int:
        self._count()
        result = await self._raw.update_many(self._to_db(query), dict(update))
        return int(result.matched_count)

    async def find_one_and_update(
        self,
        query: Mapping[str, Any],
        update: Mapping[str, Any],
        *,
        upsert: bool = False,
        return_after: bool = True,
        sort: Sort | None = None,
    ) -> Doc | None:
        self._count()
        after = ReturnDocument.AFTER if return_after else ReturnDocument.BEFORE
        try:
            found = await self._raw.find_one_and_update(
                self._to_db(query),
                dict(update),
                upsert=upsert,
                return_document=after,
                sort=list(sort) if sort else None,
            )
        except DuplicateKeyError as exc:
            raise DuplicateKey(f"duplicate key in {self.name}", detail=str(exc)) from exc
        return self._from_db(found)

    async def delete_many(self, query: Mapping[str, Any]) -> int:
        self._count()
        result = await self._raw.delete_many(self._to_db(query))
        return int(result.deleted_count)

    # -- administration and streams ---------------------------------------

    async def create_index(self, keys: Sequence[tuple[str, int]], **options: Any) -> None:
        await self._raw.create_index(list(keys), **options)

    async def watch_inserts(self, *, start_after: Any = None) -> AsyncIterator[Doc]:
        """Documents inserted from now on, in commit order (a real replica set only)."""
        pipeline = [{"$match": {"operationType": "insert"}}]
        async with self._raw.watch(pipeline, start_after=start_after) as stream:
            async for change in stream:
                doc = self._from_db(change["fullDocument"])
                if doc is not None:
                    yield doc
