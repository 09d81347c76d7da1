"""Bounding JSON nesting on raw bytes, before any parser sees them.

Recursive parsers (the standard library's among them) fail with a
RecursionError, or worse, on ten thousand nested brackets; this scan costs
one pass and no recursion, so every entry point that decodes JSON from a
client (alert ingest, GraphQL bodies and websocket messages) runs it first.
"""

from __future__ import annotations

import re

from hub.errors import BadInput

# A string literal, or the rest of the body after an unterminated opening
# quote. Possessive repetition and an always-matching tail keep the scan
# linear: no input can make the engine retry from every later quote.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+"?', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENERS = frozenset(b"[{")


def check_json_depth(raw: bytes, max_depth: int) -> None:
    """Raise :class:`BadInput` if arrays and objects nest deeper than
    ``max_depth``; the body is scanned, not parsed."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        if byte in _OPENERS:
            depth += 1
            if depth > max_depth:
                raise BadInput(
                    f"JSON nested deeper than {max_depth} levels",
                    max_depth=max_depth,
                )
        else:
            # Unbalanced closers are the parser's error to report; clamping
            # keeps them from hiding deep nesting that follows.
            depth = max(depth - 1, 0)
