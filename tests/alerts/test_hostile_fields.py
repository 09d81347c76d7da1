"""Alert fields that are well-formed JSON but odd values: a title no person
could read, a time zone offset past 23:59. Each gets a clear answer, never a
500, and an alert is never lost over its title."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import post, stored_counts
from tests.conftest import gql

INCIDENT = "query($ref: String!) { incident(ref: $ref) { title } }"


def generic(title: str) -> dict[str, Any]:
    return {"dedup_key": f"k-{title!r}", "action": "trigger", "title": title}


def alertmanager(alertname: str) -> dict[str, Any]:
    return {
        "status": "firing",
        "groupKey": f"{{}}:{{alertname={alertname!r}}}",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": alertname},
                "startsAt": "2025-06-02T02:00:00Z",
                "fingerprint": "f00d",
            }
        ],
    }


@pytest.mark.parametrize(
    ("source", "payload", "title"),
    [
        ("generic", generic("disk\x00full"), "disk full"),
        ("generic", generic("line one\nline two\t"), "line one line two"),
        ("generic", generic("   "), "generic alert"),
        ("generic", generic("\u200b\ufeff"), "generic alert"),
        ("generic", generic("\x1b[2J"), "[2J"),
        ("alertmanager", alertmanager("\n\t"), "alertmanager alert"),
        ("alertmanager", alertmanager("CPU\x07 hot"), "CPU  hot"),
    ],
    ids=["nul", "newline-tab", "blank", "invisible", "escape", "am-blank", "am-bell"],
)
async def test_an_unreadable_title_still_opens_an_incident_with_a_readable_one(
    api: httpx.AsyncClient, demo: DemoData, source: str, payload: dict[str, Any], title: str
) -> None:
    response = await post(api, source, payload)

    assert response.status_code == 202, response.text
    ref = response.json()["incident"]
    found = await gql(api, INCIDENT, {"ref": ref})
    assert found["incident"]["title"] == title


@pytest.mark.parametrize("offset", ["+24:00", "-99:99", "+05:60"])
@pytest.mark.parametrize("source", ["generic", "alertmanager"])
async def test_an_offset_past_23_59_is_400_and_stores_nothing(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, source: str, offset: str
) -> None:
    when = f"2025-06-02T02:00:00{offset}"
    if source == "generic":
        payload = {**generic("t"), "occurred_at": when}
        field = "occurred_at"
    else:
        payload = alertmanager("t")
        payload["alerts"][0]["startsAt"] = when
        field = "alerts[0].startsAt"
    before = await stored_counts(hub)

    response = await post(api, source, payload)

    assert response.status_code == 400, response.text
    assert response.json()["message"].startswith(f"{field} must be an RFC 3339 time")
    assert await stored_counts(hub) == before
