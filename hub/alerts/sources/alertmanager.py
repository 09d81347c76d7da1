"""Prometheus Alertmanager webhook (``webhook_config``, payload version 4).

One delivery is one notification group. ``groupKey`` becomes the dedup key,
so every alert of the group lands in one incident; each alert's
``fingerprint`` (or, in payloads that lack it, a hash of its labels) tells the
alerts apart, so the incident can see them resolve one by one.

A group that has no ``groupKey`` falls back to the receiver plus a hash of
``groupLabels``, which is what Alertmanager derives its own key from.
"""

from __future__ import annotations

from datetime import datetime

from hub.alerts.sources._json import (
    JsonObject,
    as_object,
    compact,
    opt_int,
    opt_str,
    str_map,
)
from hub.alerts.sources._prom import Group, group_status, parse_alerts
from hub.alerts.sources.signal import AlertBatch, labels_key

SOURCE = "alertmanager"


def parse(payload: object, *, received_at: datetime) -> AlertBatch:
    body = as_object(payload, "")
    receiver = opt_str(body, "receiver", "")
    group = Group(
        source=SOURCE,
        dedup_key=group_key(body),
        status=group_status(body),
        received_at=received_at,
        fields=compact({"receiver": receiver}),
    )
    signals = parse_alerts(body, group, _no_extras)
    return AlertBatch(
        source=SOURCE,
        group_key=group.dedup_key or "",
        signals=signals,
        truncated=opt_int(body, "truncatedAlerts", ""),
    )


def group_key(body: JsonObject) -> str:
    key = opt_str(body, "groupKey", "")
    if key:
        return key
    receiver = opt_str(body, "receiver", "") or ""
    return f"{receiver}:{labels_key(str_map(body, 'groupLabels', ''))}"


def _no_extras(alert: JsonObject, path: str) -> tuple[list[str], dict[str, str]]:
    return [], {}
