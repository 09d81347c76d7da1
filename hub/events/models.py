"""An event: one change, stored in the ordered log before anyone hears of it."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from hub.errors import BadInput


class Event(BaseModel):
    # Chosen by the writer, so appending the same event twice is a no-op.
    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    # Given when the event enters the log; increases across the whole database.
    seq: int | None = None
    type: str
    occurred_at: datetime
    actor: str
    incident_id: str | None = None
    # Who may hear of it: subscribers filter on these.
    region_ids: list[str] = Field(default_factory=list)
    team_ids: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("occurred_at")
    @classmethod
    def _millis(cls, value: datetime) -> datetime:
        # MongoDB keeps milliseconds: a live event and its replay must agree.
        return value.replace(microsecond=value.microsecond // 1000 * 1000)

    @field_validator("data")
    @classmethod
    def _storable_keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        return {_safe_key(str(k)): storable(v) for k, v in value.items()}

    @property
    def cursor(self) -> str:
        if self.seq is None:
            raise ValueError("an event has no cursor before it is in the log")
        return encode_cursor(self.seq)


def storable(value: Any) -> Any:
    """``value`` with every key safe as a MongoDB field name, at any depth.

    Event data carries what senders wrote (alert labels such as ``$env`` or
    ``k8s.pod``), and a ``$`` prefix or a dot inside an update is refused or
    misread by the server. They become the full-width look-alikes.
    """
    if isinstance(value, dict):
        return {_safe_key(str(k)): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(v) for v in value]
    return value


def _safe_key(key: str) -> str:
    if key.startswith("$"):
        key = "\uff04" + key[1:]
    return key.replace(".", "\uff0e") if "." in key else key


_CURSOR_PREFIX = "ev1:"
# ASCII digits, few enough for a 64-bit integer: a forged cursor is bad input,
# never an overflow deeper down.
_CURSOR = re.compile(r"ev1:([0-9]{1,18})", re.ASCII)


def encode_cursor(seq: int) -> str:
    raw = f"{_CURSOR_PREFIX}{seq}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The sequence number inside an event cursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadInput(f"{cursor[:60]!r} is not an event cursor", argument="after") from exc
    match = _CURSOR.fullmatch(text)
    if match is None:
        raise BadInput(f"{cursor[:60]!r} is not an event cursor", argument="after")
    return int(match.group(1))
