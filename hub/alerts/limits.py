"""Guards that run on a raw alert body before any JSON parser sees it.

Both checks are cheap and happen first, so a hostile body (ten thousand
nested brackets, or gigabytes) costs a scan, never a recursion or a full
parse. orjson refuses deep nesting on its own too, but only after starting
to build the tree, and its error does not say which limit was hit.
"""

from __future__ import annotations

import orjson

from hub.errors import BadInput
from hub.jsonlimits import check_json_depth


class PayloadTooLarge(BadInput):
    """Raised when a body is larger than the configured limit."""

    http_status = 413


def decode_json(raw: bytes, *, max_bytes: int, max_depth: int) -> object:
    """Decode a request body, refusing it early when it is too big or deep.

    Raises :class:`PayloadTooLarge` over ``max_bytes`` and :class:`BadInput`
    for deep nesting or malformed JSON, naming the line and column.
    """
    if len(raw) > max_bytes:
        raise PayloadTooLarge(
            f"body is {len(raw)} bytes; the limit is {max_bytes}",
            limit=max_bytes,
        )
    if not raw.strip():
        raise BadInput("body is empty; expected a JSON document")
    check_json_depth(raw, max_depth)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno} (byte {exc.pos})"
        msg = f"malformed JSON at {where}: {exc.msg}"
        raise BadInput(msg, position=exc.pos) from None
