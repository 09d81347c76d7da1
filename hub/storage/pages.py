"""Keyset pagination: pages that stay stable while documents come and go.

A page is read in a fixed order whose last key is always ``_id``, so no two
documents tie. A cursor carries the sort values of one document; the next page
starts strictly after it. Cursors are typed, so a forged one can only ever be a
value to compare with, never a query operator.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from bson import ObjectId
from bson.errors import InvalidId

from hub.errors import BadInput
from hub.storage.collection import Collection, Doc
from hub.storage.ids import is_valid

T = TypeVar("T")
Order = Sequence[tuple[str, int]]

DEFAULT_PAGE = 20
# The largest page any caller may ask for; the API may set a lower one.
HARD_MAX_PAGE = 5000


@dataclass(frozen=True)
class PageRequest:
    """``first``/``after`` pages forward, ``last``/``before`` backward."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def checked(self, max_size: int) -> PageRequest:
        if self.first is not None and self.last is not None:
            raise BadInput("give first or last, not both", argument="first")
        for name, size in (("first", self.first), ("last", self.last)):
            if size is not None and not 0 <= size <= max_size:
                raise BadInput(
                    f"{name} must be between 0 and {max_size} (the page size limit)",
                    argument=name,
                    limit="maxPageSize",
                )
        return self

    @property
    def backward(self) -> bool:
        return self.last is not None or (self.before is not None and self.first is None)

    @property
    def size(self) -> int:
        chosen = self.last if self.backward else self.first
        return DEFAULT_PAGE if chosen is None else chosen


@dataclass
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next: bool
    has_previous: bool
    count: Callable[[], Awaitable[int]]


def full_order(order: Order) -> list[tuple[str, int]]:
    keys = [(f, d) for f, d in order if f != "_id"]
    last = order[-1][1] if order else 1
    return [*keys, ("_id", last)]


async def fetch(
    collection: Collection, query: Mapping[str, Any], order: Order, request: PageRequest
) -> tuple[list[Doc], list[str], bool, bool]:
    """One page of documents, their cursors, and whether more lie each way."""
    keys = full_order(order)
    backward = request.backward
    read_keys = [(f, -d) for f, d in keys] if backward else keys
    start = request.before if backward else request.after
    conditions = [dict(query)]
    if start is not None:
        conditions.append(_after(read_keys, decode(start, keys)))
    where = conditions[0] if len(conditions) == 1 else {"$and": conditions}
    size = request.size
    docs = await collection.find(where, sort=read_keys, limit=size + 1) if size else []
    more = len(docs) > size
    docs = docs[:size]
    if backward:
        docs.reverse()
    cursors = [encode(d, keys) for d in docs]
    if backward:
        return docs, cursors, request.before is not None, more
    return docs, cursors, more, request.after is not None


def _after(keys: Sequence[tuple[str, int]], values: Sequence[Any]) -> dict[str, Any]:
    """Documents strictly after ``values`` in the order ``keys``."""
    branches = []
    for i, (field, direction) in enumerate(keys):
        branch = {f: values[j] for j, (f, _) in enumerate(keys[:i])}
        branch[field] = {"$gt" if direction > 0 else "$lt": values[i]}
        branches.append(branch)
    return {"$or": branches}


def _value(doc: Doc, field: str) -> Any:
    if field != "_id":
        return doc.get(field)
    # Most ids are ObjectIds; a few collections key on composed strings.
    return ObjectId(doc["id"]) if is_valid(doc["id"]) else doc["id"]


def encode(doc: Doc, keys: Sequence[tuple[str, int]]) -> str:
    typed = [_typed(_value(doc, f)) for f, _ in keys]
    raw = json.dumps([[f for f, _ in keys], typed], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _typed(value: Any) -> list[Any]:
    if isinstance(value, ObjectId):
        return ["o", str(value)]
    if isinstance(value, datetime):
        return ["d", value.isoformat()]
    if isinstance(value, bool) or value is None:
        return ["b", value]
    if isinstance(value, int | float):
        return ["n", value]
    return ["s", str(value)]


def decode(cursor: str, keys: Sequence[tuple[str, int]]) -> list[Any]:
    """The sort values in ``cursor``; anything else is the caller's mistake."""
    wrong = BadInput(f"{cursor[:60]!r} is not a cursor of this list", argument="after")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        fields, typed = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if fields != [f for f, _ in keys] or len(typed) != len(keys):
            raise wrong
        return [_untyped(kind, value) for kind, value in typed]
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, InvalidId) as exc:
        raise wrong from exc


def _untyped(kind: str, value: Any) -> Any:
    checks: dict[str, Callable[[Any], Any]] = {
        "o": lambda v: ObjectId(_is(v, str)),
        "d": lambda v: datetime.fromisoformat(_is(v, str)),
        "b": lambda v: v if v is None else _is(v, bool),
        "n": lambda v: _is(v, int | float),
        "s": lambda v: _is(v, str),
    }
    if kind not in checks:
        raise ValueError(f"unknown cursor value kind {kind!r}")
    return checks[kind](value)


def _is(value: Any, kind: Any) -> Any:
    if not isinstance(value, kind):
        raise ValueError("cursor value of the wrong type")
    return value
