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


def has_visible_text(text: str) -> bool:
    return any(unicodedata.category(c) not in _INVISIBLE for c in text)


def display_text(value: str) -> str:
    """``value`` without surrounding spaces; ValueError when nobody could read it."""
    text = value.strip()
    if not has_visible_text(text):
        raise ValueError("needs some visible text")
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise ValueError("may not contain control characters")
    return text


# Only for what callers send: stored records are read back as they were
# written, so older records are never refused on the way out.
DisplayText = Annotated[str, AfterValidator(display_text)]
