"""Opsgenie outgoing webhook (the "Webhook" integration).

The dedup key is the alert's ``alias``, Opsgenie's own deduplication key,
falling back to ``alertId`` for alerts created without one. ``action`` says
what happened: Create opens, Acknowledge acknowledges, Close resolves and
UnAcknowledge is noted on the incident's timeline (an acknowledged incident
does not return to triggered). Every other action (AddNote,
AddTags, Delete, Escalate and so on) changes no state and is ignored with
the reason in the batch.

Times: ``createdAt`` is epoch milliseconds and ``updatedAt`` epoch
nanoseconds; an update's own time is ``updatedAt``. ``priority`` is kept as
Opsgenie's word (``P1`` to ``P5``); the bare integer some senders post is
written back as that word.
"""

from __future__ import annotations

from datetime import datetime

from hub.alerts.sources._json import (
    JsonObject,
    as_list,
    as_object,
    compact,
    opt_str,
    req_str,
    str_map,
)
from hub.alerts.sources.signal import AlertAction, AlertBatch, AlertSignal
from hub.alerts.sources.timestamps import parse_timestamp
from hub.errors import BadInput

SOURCE = "opsgenie"

_ACTIONS = {
    "Create": AlertAction.TRIGGER,
    "UnAcknowledge": AlertAction.UNACKNOWLEDGE,
    "Acknowledge": AlertAction.ACKNOWLEDGE,
    "Close": AlertAction.RESOLVE,
}


def parse(payload: object, *, received_at: datetime) -> AlertBatch:
    body = as_object(payload, "")
    kind = req_str(body, "action", "")
    alert = as_object(body.get("alert"), "alert")
    dedup_key = opt_str(alert, "alias", "alert") or opt_str(alert, "alertId", "alert")
    if not dedup_key:
        msg = "alert.alias or alert.alertId is required"
        raise BadInput(msg, field="alert.alertId")

    action = _ACTIONS.get(kind)
    if action is None:
        reason = f"Opsgenie action {kind!r} does not change an alert's state"
        return AlertBatch(source=SOURCE, group_key=dedup_key, ignored_reason=reason)
    signal = _signal(body, alert, dedup_key, action, received_at)
    return AlertBatch(source=SOURCE, group_key=dedup_key, signals=[signal])


def _signal(
    body: JsonObject,
    alert: JsonObject,
    dedup_key: str,
    action: AlertAction,
    received_at: datetime,
) -> AlertSignal:
    created = parse_timestamp(alert.get("createdAt"), field="alert.createdAt")
    updated = parse_timestamp(alert.get("updatedAt"), field="alert.updatedAt")
    # A Create's own time is when the alert began; any later action happened
    # at the update it caused.
    own_time = created if body.get("action") == "Create" else updated

    return AlertSignal(
        source=SOURCE,
        dedup_key=dedup_key,
        alert_key=dedup_key,
        action=action,
        title=opt_str(alert, "message", "alert") or "",
        summary=opt_str(alert, "description", "alert") or "",
        severity=_priority(alert),
        labels=str_map(alert, "details", "alert"),
        starts_at=created,
        ends_at=updated if action is AlertAction.RESOLVE else None,
        occurred_at=own_time or created or received_at,
        fields=compact(
            {
                "entity": opt_str(alert, "entity", "alert"),
                "source": opt_str(alert, "source", "alert"),
                "tiny_id": opt_str(alert, "tinyId", "alert"),
                "tags": ",".join(_strings(alert, "tags")),
                "integration": opt_str(body, "integrationName", ""),
            }
        ),
    )


def _priority(alert: JsonObject) -> str | None:
    value = alert.get("priority")
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return f"P{value}"
    raise BadInput("alert.priority must be P1 to P5", field="alert.priority")


def _strings(alert: JsonObject, key: str) -> list[str]:
    items = as_list(alert.get(key, []), f"alert.{key}")
    if not all(isinstance(item, str) for item in items):
        raise BadInput(f"alert.{key} must be a list of strings", field=f"alert.{key}")
    return [str(item) for item in items]
