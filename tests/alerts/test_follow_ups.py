"""Acknowledge and resolve payloads act on the incident their trigger opened, for every
source: the captured payloads where they come in pairs, and where the capture has only
one half, its other half as the same sender would send it for the same alert."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import all_firing, incidents, own_example, post, shared_example

Payload = dict[str, Any]


def _shared_cloudwatch(state: str) -> Payload:
    event = shared_example("cloudwatch_alarm_via_sns_lambda_event")
    notice = event["Records"][0]["Sns"]
    alarm = json.loads(notice["Message"])
    alarm["OldStateValue"], alarm["NewStateValue"] = alarm["NewStateValue"], state
    alarm["StateChangeTime"] = "2015-06-03T17:58:27.123+0000"
    notice["Message"] = json.dumps(alarm)
    return event


def _shared_opsgenie(action: str, minutes_later: int) -> Payload:
    # The captured close is of another, older alert; here it is the captured
    # create's, updated some minutes after it was created (updatedAt is in ns).
    created = shared_example("opsgenie_webhook_create")["alert"]
    follow_up = shared_example("opsgenie_webhook_close")
    follow_up["action"] = action
    alert = follow_up["alert"]
    for name in ("alias", "alertId", "createdAt"):
        alert[name] = created[name]
    alert["updatedAt"] = created["updatedAt"] + minutes_later * 60 * 10**9
    return follow_up


def _opsgenie_own(action: str) -> Payload:
    payload = own_example("opsgenie", "og_close")
    payload["action"] = action
    return payload


# (source, trigger, [(follow-up, status after it)]); built lazily, since the
# captured payloads may be absent.
Sequence = tuple[str, Callable[[], Payload], list[tuple[Callable[[], Payload], str]]]
SHARED: dict[str, Sequence] = {
    "alertmanager": (
        "alertmanager",
        lambda: shared_example("kube_prometheus_firing"),
        [(lambda: shared_example("kube_prometheus_resolved"), "RESOLVED")],
    ),
    "grafana": (
        "grafana",
        lambda: all_firing(shared_example("grafana9_resolved")),
        [(lambda: shared_example("grafana9_resolved"), "RESOLVED")],
    ),
    "pagerduty": (
        "pagerduty",
        lambda: shared_example("pagerduty_events_v2_trigger"),
        [
            (lambda: shared_example("pagerduty_events_v2_acknowledge"), "ACKNOWLEDGED"),
            (lambda: shared_example("pagerduty_events_v2_resolve"), "RESOLVED"),
        ],
    ),
    "opsgenie": (
        "opsgenie",
        lambda: shared_example("opsgenie_webhook_create"),
        [
            (lambda: _shared_opsgenie("Acknowledge", 5), "ACKNOWLEDGED"),
            (lambda: _shared_opsgenie("Close", 20), "RESOLVED"),
        ],
    ),
    "cloudwatch": (
        "cloudwatch",
        lambda: shared_example("cloudwatch_alarm_via_sns_lambda_event"),
        [(lambda: _shared_cloudwatch("OK"), "RESOLVED")],
    ),
}
OWN: dict[str, Sequence] = {
    "alertmanager": (
        "alertmanager",
        lambda: own_example("alertmanager", "am_firing"),
        [(lambda: own_example("alertmanager", "am_resolved"), "RESOLVED")],
    ),
    "grafana": (
        "grafana",
        lambda: own_example("grafana", "grafana_firing"),
        [(lambda: _resolved_grafana_own(), "RESOLVED")],
    ),
    "pagerduty": (
        "pagerduty",
        lambda: own_example("pagerduty", "pd_trigger"),
        [
            (lambda: own_example("pagerduty", "pd_acknowledge"), "ACKNOWLEDGED"),
            (lambda: own_example("pagerduty", "pd_resolve"), "RESOLVED"),
        ],
    ),
    "opsgenie": (
        "opsgenie",
        lambda: own_example("opsgenie", "og_create"),
        [
            (lambda: _opsgenie_own("Acknowledge"), "ACKNOWLEDGED"),
            (lambda: own_example("opsgenie", "og_close"), "RESOLVED"),
        ],
    ),
    "cloudwatch": (
        "cloudwatch",
        lambda: own_example("cloudwatch", "cw_alarm"),
        [(lambda: own_example("cloudwatch", "cw_ok"), "RESOLVED")],
    ),
    "generic": (
        "generic",
        lambda: own_example("generic", "generic_trigger"),
        [(lambda: own_example("generic", "generic_resolve"), "RESOLVED")],
    ),
}


def _resolved_grafana_own() -> Payload:
    payload = own_example("grafana", "grafana_firing")
    payload["status"] = "resolved"
    for alert in payload["alerts"]:
        alert["status"] = "resolved"
        alert["endsAt"] = "2024-02-09T16:45:00+01:00"
    return payload


PARAMS = [pytest.param(SHARED[s], id=f"shared-{s}") for s in SHARED] + [
    pytest.param(OWN[s], id=f"own-{s}") for s in OWN
]


@pytest.mark.parametrize("sequence", PARAMS)
async def test_follow_ups_act_on_the_incident_the_trigger_opened(
    hub: Hub, api: httpx.AsyncClient, demo: DemoData, sequence: Sequence
) -> None:
    source, trigger, follow_ups = sequence
    # An unrelated open incident of the same source: a follow-up must leave it be.
    bystander = own_example("generic", "generic_trigger")
    bystander["dedup_key"] = "someone-else"
    assert (await post(api, "generic", bystander)).status_code == 202
    (other,) = await incidents(hub)

    opened = await post(api, source, trigger())
    assert opened.status_code == 202, opened.text
    (incident,) = [i for i in await incidents(hub) if i.id != other.id]
    assert incident.status.value == "TRIGGERED"

    for follow_up, status in follow_ups:
        response = await post(api, source, follow_up())
        assert response.status_code == 202, response.text
        now = await incidents(hub)
        assert {i.id for i in now} == {other.id, incident.id}, "a follow-up opened an incident"
        assert (await hub.incidents.get(incident.id)).status.value == status
    assert (await hub.incidents.get(other.id)).status.value == "TRIGGERED"
