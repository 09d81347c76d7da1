"""Text people type for others to read in lists: names and titles.

Such text must show something, and must carry no control characters that
would garble a terminal or a page. Surrounding spaces are dropped.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

# Separators and invisible format characters (zero-width space, byte-order
# mark, direction marks): text of only these shows as an empty row.
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def is_control(char: str) -> bool:
    """Tabs, newlines, escapes and the like: what garbles a terminal or a page."""
    return unicodedata.category(char) == "Cc"


def has_visible_text(text: str) -> bool:
    return any(unicodedata.category(c) not in _INVISIBLE for c in text)


def display_text(value: str) -> str:
    """``value`` without surrounding spaces; ValueError when nobody could read it."""
    text = value.strip()
    if not has_visible_text(text):
        raise ValueError("needs some visible text")
    if any(is_control(c) for c in text):
        raise ValueError("may not contain control characters")
    return text


def readable_text(text: str, *, fallback: str, limit: int) -> str:
    """``text`` made into something :func:`display_text` accepts, at most
    ``limit`` characters long.

    For text written by machines (alert senders), which must be taken
    whatever it contains: control characters become spaces, and text with
    nothing visible left is ``fallback``.
    """
    cleaned = "".join(" " if is_control(c) else c for c in text)
    kept = cleaned.strip()[:limit].strip()
    return kept if has_visible_text(kept) else fallback


# Only for what callers send: stored records are read back as they were
# written, so older records are never refused on the way out.
DisplayText = Annotated[str, AfterValidator(display_text)]
