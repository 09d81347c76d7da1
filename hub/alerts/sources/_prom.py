"""Alertmanager-shaped alert lists, shared by Alertmanager and Grafana.

Grafana's unified alerting embeds Alertmanager, so both post the same group
envelope and the same per-alert object; only the extras differ. Each alert is
judged by its own status, never the group's: a group whose top-level status
says "firing" may carry alerts that have already resolved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hub.alerts.sources._json import (
    JsonObject,
    as_list,
    as_object,
    at,
    compact,
    opt_str,
    str_map,
)
from hub.alerts.sources.signal import AlertAction, AlertSignal, labels_key
from hub.alerts.sources.timestamps import parse_timestamp
from hub.errors import BadInput

_STATUSES = {"firing": AlertAction.TRIGGER, "resolved": AlertAction.RESOLVE}

# Labels that conventionally carry routing meaning; copying them into
# ``fields`` lets routing rules ignore which sender an alert came from.
ROUTING_LABELS = (
    "service",
    "component",
    "group",
    "class",
    "region",
    "team",
    "cluster",
)

Extras = Callable[[JsonObject, str], tuple[list[str], dict[str, str]]]


@dataclass(frozen=True)
class Group:
    """What every alert of one delivery shares."""

    source: str
    dedup_key: str | None
    status: AlertAction
    received_at: datetime
    fields: dict[str, str]


def group_status(body: JsonObject) -> AlertAction:
    return _status(body, "status", "")


def parse_alerts(body: JsonObject, group: Group, extras: Extras) -> list[AlertSignal]:
    raw = as_list(body.get("alerts"), "alerts")
    return [
        _alert(as_object(item, at("alerts", i)), at("alerts", i), group, extras)
        for i, item in enumerate(raw)
    ]


def _alert(alert: JsonObject, path: str, group: Group, extras: Extras) -> AlertSignal:
    labels = str_map(alert, "labels", path)
    annotations = str_map(alert, "annotations", path)
    starts_at = parse_timestamp(alert.get("startsAt"), field=at(path, "startsAt"))
    ends_at = parse_timestamp(alert.get("endsAt"), field=at(path, "endsAt"))
    action = _alert_action(alert, path, group, ends_at)

    fingerprint = opt_str(alert, "fingerprint", path)
    alert_key = fingerprint or labels_key(labels)
    own_time = ends_at if action is AlertAction.RESOLVE else starts_at
    links, extra_fields = extras(alert, path)
    routing = compact({name: labels.get(name) for name in ROUTING_LABELS})

    return AlertSignal(
        source=group.source,
        dedup_key=group.dedup_key or alert_key,
        alert_key=alert_key,
        action=action,
        title=labels.get("alertname") or annotations.get("title") or "(unnamed alert)",
        summary=annotations.get("summary") or annotations.get("description") or "",
        severity=labels.get("severity"),
        labels=labels,
        annotations=annotations,
        starts_at=starts_at,
        ends_at=ends_at,
        occurred_at=own_time or starts_at or group.received_at,
        links=_unique([opt_str(alert, "generatorURL", path), *links]),
        fields={**group.fields, **routing, **extra_fields},
    )


def _alert_action(
    alert: JsonObject, path: str, group: Group, ends_at: datetime | None
) -> AlertAction:
    if alert.get("status") is not None:
        return _status(alert, "status", path)
    # Alertmanager before 0.16 sent no per-alert status; an end time already
    # past is how it marked an alert resolved inside a still-firing group.
    if ends_at is not None and ends_at <= group.received_at:
        return AlertAction.RESOLVE
    return group.status


def _status(obj: JsonObject, key: str, path: str) -> AlertAction:
    value = obj.get(key)
    if isinstance(value, str) and value in _STATUSES:
        return _STATUSES[value]
    field = at(path, key)
    msg = f"{field} must be 'firing' or 'resolved', got {value!r}"
    raise BadInput(msg, field=field)


def _unique(links: list[str | None]) -> list[str]:
    return list(dict.fromkeys(link for link in links if link))
