"""Grafana OnCall outgoing webhook, read as a report about one alert group.

OnCall sends this when its own alert group changes state. The alert group id
is the dedup key, and ``event.time`` is the sender's time for the change.
Only state changes map to signals; the other event kinds (silence,
unsilence, personal notification and the like) are acknowledged and ignored,
with the reason in the batch, because none of them says the alert's state.
"""

from __future__ import annotations

from datetime import datetime

from hub.alerts.sources._json import (
    JsonObject,
    as_object,
    compact,
    opt_object,
    opt_str,
    req_str,
    str_map,
)
from hub.alerts.sources.signal import AlertAction, AlertBatch, AlertSignal
from hub.alerts.sources.timestamps import parse_timestamp

SOURCE = "grafana_oncall"

_EVENTS = {
    "alert group created": AlertAction.TRIGGER,
    "escalation": AlertAction.TRIGGER,
    "unresolve": AlertAction.TRIGGER,
    "unacknowledge": AlertAction.UNACKNOWLEDGE,
    "acknowledge": AlertAction.ACKNOWLEDGE,
    "resolve": AlertAction.RESOLVE,
}


def looks_like(body: JsonObject) -> bool:
    return "alert_group" in body and "event" in body


def parse(payload: object, *, received_at: datetime) -> AlertBatch:
    body = as_object(payload, "")
    event = as_object(body.get("event"), "event")
    kind = req_str(event, "type", "event")
    group = as_object(body.get("alert_group"), "alert_group")
    group_id = req_str(group, "id", "alert_group")

    action = _EVENTS.get(kind)
    if action is None:
        reason = f"Grafana OnCall event {kind!r} does not change an alert's state"
        return AlertBatch(source=SOURCE, group_key=group_id, ignored_reason=reason)
    happened = parse_timestamp(event.get("time"), field="event.time")
    signal = _signal(body, group, action, happened or received_at)
    return AlertBatch(source=SOURCE, group_key=group_id, signals=[signal])


def _signal(
    body: JsonObject,
    group: JsonObject,
    action: AlertAction,
    occurred_at: datetime,
) -> AlertSignal:
    group_id = req_str(group, "id", "alert_group")
    created = parse_timestamp(group.get("created_at"), field="alert_group.created_at")
    resolved = parse_timestamp(group.get("resolved_at"), field="alert_group.resolved_at")
    permalinks = opt_object(group, "permalinks", "alert_group")
    web = opt_str(permalinks, "web", "alert_group.permalinks")
    integration = opt_object(body, "integration", "")

    return AlertSignal(
        source=SOURCE,
        dedup_key=group_id,
        alert_key=group_id,
        action=action,
        title=opt_str(group, "title", "alert_group") or "(untitled alert group)",
        labels=str_map(group, "labels", "alert_group"),
        starts_at=created,
        ends_at=resolved,
        occurred_at=occurred_at,
        links=[web] if web else [],
        fields=compact(
            {
                "integration": opt_str(integration, "name", "integration"),
                "team": opt_str(integration, "team", "integration"),
            }
        ),
    )
