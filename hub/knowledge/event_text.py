"""An event's data as text a reader of a postmortem can take in.

Event data is written for machines: ids, nested records, flags, ISO times.
A timeline row shows it as ``key: value`` phrases, leaving out ids and values
that say nothing (None, false, empty), flattening records such as a handoff
brief, and writing times in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

MAX_VALUE = 160
# Data a timeline row shows in its own columns, or that says nothing to a reader.
SHOWN_ELSEWHERE = frozenset({"ref", "from_region", "to_region", "automatic"})


def details(data: dict[str, Any]) -> str:
    """An event's data as a reader's sentence: ids and empty values left out."""
    parts = []
    for key, value in data.items():
        if key in SHOWN_ELSEWHERE or key.endswith(("_id", "_ids")):
            continue
        if isinstance(value, dict) and "text" not in value:
            # A record such as a handoff brief: its fields read best flat.
            parts.append(details(value))
            continue
        text = _text(value)
        if text:
            parts.append(f"{_words(key)}: {_short(text)}")
    return "; ".join(p for p in parts if p)


def _text(value: Any) -> str:
    """Plain text for a stored value; "" for what says nothing (None, false, empty)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    if isinstance(value, dict):
        if "text" in value:  # a checklist item
            return str(value["text"]) + (" (done)" if value.get("done") else "")
        inner = [(k, _text(v)) for k, v in value.items()]
        return ", ".join(f"{_words(k)}: {t}" for k, t in inner if t)
    if isinstance(value, list | tuple):
        return ", ".join(t for t in map(_text, value) if t)
    if isinstance(value, str) and "T" in value and len(value) >= 16:
        return _time(value)
    return str(value)


def _time(value: str) -> str:
    """An ISO time with an offset as UTC; any other text as it is."""
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if at.tzinfo else value


def _words(key: str) -> str:
    return key.replace("_", " ")


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"
