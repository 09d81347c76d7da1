"""An event: one change, stored in the ordered log before anyone hears of it."""

from __future__ import annotations

import base64
import binascii
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

    @property
    def cursor(self) -> str:
        if self.seq is None:
            raise ValueError("an event has no cursor before it is in the log")
        return encode_cursor(self.seq)


_CURSOR_PREFIX = "ev1:"


def encode_cursor(seq: int) -> str:
    raw = f"{_CURSOR_PREFIX}{seq}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The sequence number inside an event cursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadInput(f"{cursor!r} is not an event cursor", argument="after") from exc
    if not text.startswith(_CURSOR_PREFIX) or not text[len(_CURSOR_PREFIX) :].isdigit():
        raise BadInput(f"{cursor!r} is not an event cursor", argument="after")
    return int(text[len(_CURSOR_PREFIX) :])
