"""Event data and cursors: safe to store on a real server, strict to parse."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from hub.errors import BadInput
from hub.events.models import Event, decode_cursor, encode_cursor


def test_sender_keys_with_dollars_and_dots_become_storable() -> None:
    event = Event(
        type="alerts.fired",
        occurred_at=datetime(2025, 1, 1, tzinfo=UTC),
        actor="alert:alertmanager",
        data={"alerts": [{"labels": {"$env": "prod", "k8s.pod": "api-1", "ok": "x"}}]},
    )
    labels = event.data["alerts"][0]["labels"]
    assert labels == {"\uff04env": "prod", "k8s\uff0epod": "api-1", "ok": "x"}


@pytest.mark.parametrize(
    "text", ["ev1:\u00b2", "ev1:" + "9" * 5000, "ev1:-1", "ev2:5", "ev1:99999999999999999999"]
)
def test_forged_cursors_are_bad_input(text: str) -> None:
    cursor = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    with pytest.raises(BadInput):
        decode_cursor(cursor)


def test_a_cursor_round_trips() -> None:
    assert decode_cursor(encode_cursor(123456)) == 123456
