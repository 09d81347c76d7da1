"""Malformed bodies are refused with the offending field's path."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from hub.alerts.sources import parse
from hub.errors import BadInput
from tests.alerts.payloads import OWN_DIR, examples

RECEIVED = datetime(2030, 1, 1, tzinfo=UTC)


def own(source: str, name: str) -> Any:
    found = {ex["name"]: ex["payload"] for ex in examples(OWN_DIR / f"{source}.json")}
    return copy.deepcopy(found[name])


def _set(payload: Any, path: list[Any], value: object) -> Any:
    target = payload
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return payload


def _drop(payload: Any, path: list[Any]) -> Any:
    target = payload
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return payload


CASES = [
    (
        "alertmanager",
        _set(own("alertmanager", "am_firing"), ["alerts"], {"a": 1}),
        "alerts must be a list",
    ),
    (
        "alertmanager",
        _set(own("alertmanager", "am_firing"), ["alerts", 0, "labels", "x"], 3),
        "alerts[0].labels must be an object of strings",
    ),
    (
        "alertmanager",
        _set(own("alertmanager", "am_firing"), ["alerts", 0], "alert"),
        "alerts[0] must be a JSON object",
    ),
    (
        "alertmanager",
        _set(own("alertmanager", "am_firing"), ["alerts", 0, "status"], "ok"),
        "alerts[0].status must be 'firing' or 'resolved'",
    ),
    (
        "alertmanager",
        _set(own("alertmanager", "am_firing"), ["alerts", 0, "startsAt"], "yesterday"),
        "alerts[0].startsAt must be",
    ),
    ("alertmanager", _drop(own("alertmanager", "am_firing"), ["alerts"]), "alerts must be a list"),
    (
        "alertmanager",
        _set(own("alertmanager", "am_firing"), ["truncatedAlerts"], -1),
        "truncatedAlerts must be a non-negative integer",
    ),
    ("alertmanager", [1, 2], "body must be a JSON object"),
    (
        "grafana",
        _set(own("grafana", "grafana_mixed"), ["alerts", 2, "annotations"], ["x"]),
        "alerts[2].annotations must be an object of strings",
    ),
    (
        "grafana",
        _set(own("grafana", "grafana_firing"), ["alerts", 0, "dashboardURL"], 7),
        "alerts[0].dashboardURL must be a string",
    ),
    (
        "pagerduty",
        _drop(own("pagerduty", "pd_trigger"), ["routing_key"]),
        "routing_key is required",
    ),
    (
        "pagerduty",
        _set(own("pagerduty", "pd_trigger"), ["event_action"], "snooze"),
        "event_action must be one of",
    ),
    ("pagerduty", _drop(own("pagerduty", "pd_resolve"), ["dedup_key"]), "dedup_key is required"),
    (
        "pagerduty",
        _drop(own("pagerduty", "pd_trigger"), ["payload", "source"]),
        "payload.source is required",
    ),
    (
        "pagerduty",
        _set(own("pagerduty", "pd_trigger"), ["payload", "severity"], "sev1"),
        "payload.severity must be one of",
    ),
    (
        "pagerduty",
        _set(own("pagerduty", "pd_trigger"), ["links", 0], "http://x"),
        "links[0] must be a JSON object",
    ),
    ("opsgenie", _drop(own("opsgenie", "og_create"), ["alert"]), "alert must be a JSON object"),
    (
        "opsgenie",
        _set(own("opsgenie", "og_create"), ["alert", "createdAt"], 1.5),
        "alert.createdAt must be",
    ),
    (
        "opsgenie",
        _set(own("opsgenie", "og_create"), ["alert", "tags"], [1]),
        "alert.tags must be a list of strings",
    ),
    (
        "cloudwatch",
        _set(own("cloudwatch", "cw_alarm"), ["Message"], "{not json"),
        "Message must be a CloudWatch alarm as JSON",
    ),
    (
        "cloudwatch",
        _set(own("cloudwatch", "cw_alarm"), ["Message"], '{"NewStateValue": "OK"}'),
        "Message.AlarmName is required",
    ),
    (
        "cloudwatch",
        _set(own("cloudwatch", "cw_alarm"), ["Type"], "Bogus"),
        "Type 'Bogus' is not an SNS message type",
    ),
    ("cloudwatch", {"Records": []}, "Records must hold exactly one SNS record"),
    ("cloudwatch", {"Records": [{"Sns": "x"}]}, "Records[0].Sns must be a JSON object"),
    ("generic", _drop(own("generic", "generic_trigger"), ["title"]), "title is required"),
    (
        "generic",
        _set(own("generic", "generic_trigger"), ["labels"], {"a": None}),
        "labels must be an object of strings",
    ),
    (
        "generic",
        _set(own("generic", "generic_trigger"), ["action"], "open"),
        "action must be one of",
    ),
]


@pytest.mark.parametrize(("source", "payload", "message"), CASES)
def test_malformed_payload_names_the_field(source: str, payload: object, message: str) -> None:
    with pytest.raises(BadInput) as info:
        parse(source, payload, received_at=RECEIVED)

    assert message in info.value.message


def test_grafana_oncall_without_alert_group_id_is_refused() -> None:
    body = {"event": {"type": "resolve"}, "alert_group": {"title": "x"}}

    with pytest.raises(BadInput, match=r"alert_group\.id is required"):
        parse("grafana", body, received_at=RECEIVED)
