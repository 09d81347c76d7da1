"""Typed reads from decoded JSON, each failure naming the field's path.

Payloads arrive as plain ``object``; these helpers narrow them so parsers
stay typed, and every refusal says where it happened (``alerts[2].labels``)
so a sender's operator can fix the template without reading our code.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from hub.errors import BadInput

JsonObject = Mapping[str, object]


def at(path: str, key: str | int) -> str:
    """The path of ``key`` inside ``path``; the root path is empty."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def as_object(value: object, path: str) -> JsonObject:
    if not isinstance(value, dict):
        raise BadInput(f"{path or 'body'} must be a JSON object", field=path)
    return value


def opt_object(obj: JsonObject, key: str, path: str) -> JsonObject:
    """An optional nested object; absent reads as empty."""
    value = obj.get(key)
    return {} if value is None else as_object(value, at(path, key))


def as_list(value: object, path: str) -> list[object]:
    if not isinstance(value, list):
        raise BadInput(f"{path} must be a list", field=path)
    return value


def opt_str(obj: JsonObject, key: str, path: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise BadInput(f"{at(path, key)} must be a string", field=at(path, key))


def req_str(obj: JsonObject, key: str, path: str) -> str:
    value = opt_str(obj, key, path)
    if value is None:
        raise BadInput(f"{at(path, key)} is required", field=at(path, key))
    return value


def opt_int(obj: JsonObject, key: str, path: str, default: int = 0) -> int:
    value = obj.get(key, default)
    if value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    field = at(path, key)
    raise BadInput(f"{field} must be a non-negative integer", field=field)


def str_map(obj: JsonObject, key: str, path: str) -> dict[str, str]:
    """An optional object whose values must all be strings."""
    value = obj.get(key)
    return {} if value is None else as_str_map(value, at(path, key))


def as_str_map(value: object, path: str) -> dict[str, str]:
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return dict(value)
    raise BadInput(f"{path} must be an object of strings", field=path)


def flat_map(obj: JsonObject, key: str, path: str) -> dict[str, str]:
    """An optional object whose values may be any JSON; non-strings are
    kept as compact JSON text so nothing the sender said is lost."""
    value = obj.get(key)
    if value is None:
        return {}
    return {
        k: v if isinstance(v, str) else to_text(v)
        for k, v in as_object(value, at(path, key)).items()
    }


def to_text(value: object) -> str:
    return orjson.dumps(value).decode()


def compact(pairs: Mapping[str, str | None]) -> dict[str, str]:
    """Drop empty entries: an absent routing field and an empty one route
    the same way, so storing both would only make keys unequal."""
    return {k: v for k, v in pairs.items() if v}
