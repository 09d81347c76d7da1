"""Opaque ids: documents keep ObjectIds, the world sees 24-character strings."""

from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId

from hub.errors import BadInput


def new_id() -> str:
    return str(ObjectId())


def to_object_id(value: str, *, kind: str = "object") -> ObjectId:
    """The ObjectId behind ``value``; a malformed id is the caller's mistake."""
    if not isinstance(value, str) or len(value) != 24:
        raise BadInput(f"{value!r} is not a valid {kind} id", argument="id")
    try:
        return ObjectId(value)
    except InvalidId as exc:
        raise BadInput(f"{value!r} is not a valid {kind} id", argument="id") from exc


def is_valid(value: object) -> bool:
    return isinstance(value, str) and len(value) == 24 and ObjectId.is_valid(value)
