"""Senders whose resolve and acknowledge carry no time of their own are
ordered by arrival for every action of a dedup key: a trigger after a
resolve always re-opens, whatever the trigger's own timestamp says."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import incidents, post


def _pagerduty(action: str, at: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "routing_key": "demo-pagerduty",
        "event_action": action,
        "dedup_key": "web/5xx",
    }
    if action == "trigger":
        body["payload"] = {"summary": "5xx", "source": "lb-1", "severity": "error"}
        if at is not None:
            body["payload"]["timestamp"] = at
    return body


def _ago(clock: ManualClock, **delta: float) -> str:
    return (clock.now() - timedelta(**delta)).isoformat()


@pytest.mark.parametrize("advance", [0, 1], ids=["same-instant", "a-second-apart"])
async def test_pagerduty_trigger_after_resolve_reopens_whatever_its_timestamp(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, clock: ManualClock, advance: int
) -> None:
    sent = [
        _pagerduty("trigger", _ago(clock, minutes=5)),
        _pagerduty("resolve"),
        _pagerduty("trigger", _ago(clock, seconds=30)),
    ]
    answers = []
    for body in sent:
        answers.append(await api.post("/v2/enqueue", json=body))
        clock.advance(timedelta(seconds=advance))

    assert [a.status_code for a in answers] == [202, 202, 202]
    first, second = await incidents(hub)
    assert (first.status.value, second.status.value) == ("RESOLVED", "TRIGGERED")


async def test_pagerduty_repeated_trigger_still_joins_the_open_incident(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, clock: ManualClock
) -> None:
    for at in (_ago(clock, minutes=1), _ago(clock, minutes=2)):
        await api.post("/v2/enqueue", json=_pagerduty("trigger", at))

    [incident] = await incidents(hub)
    assert incident.status.value == "TRIGGERED"


async def test_generic_without_own_times_reopens_after_a_resolve(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData
) -> None:
    alert = {"dedup_key": "disk", "title": "Disk full"}
    for action in ("trigger", "resolve", "trigger"):
        await post(api, "generic", alert | {"action": action})

    first, second = await incidents(hub)
    assert (first.status.value, second.status.value) == ("RESOLVED", "TRIGGERED")
