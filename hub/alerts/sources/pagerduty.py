"""PagerDuty Events API v2, so monitors already wired to PagerDuty can post
to the hub unchanged.

``event_action`` is ``trigger``, ``acknowledge`` or ``resolve``; ``dedup_key``
groups events into one incident. A body without ``event_action`` but with a
``payload`` is a change event (a deploy, a build), which PagerDuty records as
context and which opens no incident here either.

A trigger without ``dedup_key`` gets one, as PagerDuty does. Ours is the
SHA-256 of routing key, summary and source (hex, first 32 characters) rather
than a random id, so a monitor that retries the same trigger lands on the
same incident instead of opening a second one.

Order: resolve and acknowledge carry no time of their own, so every action
of a dedup key is ordered by arrival, as PagerDuty itself does; a trigger's
``payload.timestamp`` is kept as the alert's start but orders nothing.

Limits are PagerDuty's documented ones, enforced rather than truncated so a
sender learns its key or summary would have been cut: ``dedup_key`` at most
255 characters, ``payload.summary`` at most 1024.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from hub.alerts.sources._json import (
    JsonObject,
    as_list,
    as_object,
    at,
    compact,
    flat_map,
    opt_str,
    req_str,
)
from hub.alerts.sources.signal import BASIC_ACTIONS, AlertAction, AlertBatch, AlertSignal
from hub.alerts.sources.timestamps import parse_timestamp
from hub.errors import BadInput

SOURCE = "pagerduty"
DEDUP_KEY_MAX = 255
SUMMARY_MAX = 1024
SEVERITIES = ("critical", "error", "warning", "info")
_ACTIONS = frozenset(action.value for action in BASIC_ACTIONS)

_CHANGE_EVENT = "PagerDuty change event: recorded as context, opens no incident"


def parse(payload: object, *, received_at: datetime) -> AlertBatch:
    body = as_object(payload, "")
    routing_key = req_str(body, "routing_key", "")
    if body.get("event_action") is None and body.get("payload") is not None:
        _summary(as_object(body["payload"], "payload"))
        return AlertBatch(source=SOURCE, group_key="", ignored_reason=_CHANGE_EVENT)

    action = _action(body)
    dedup_key = opt_str(body, "dedup_key", "")
    _check_length(dedup_key, "dedup_key", DEDUP_KEY_MAX)
    if action is AlertAction.TRIGGER:
        signal = _trigger(body, routing_key, dedup_key, received_at)
    elif dedup_key is None:
        raise BadInput(f"dedup_key is required to {action.value}", field="dedup_key")
    else:
        signal = AlertSignal(
            source=SOURCE,
            dedup_key=dedup_key,
            alert_key=dedup_key,
            action=action,
            title="",
            occurred_at=received_at,
            by_arrival=True,
        )
    return AlertBatch(source=SOURCE, group_key=signal.dedup_key, signals=[signal])


def success_response(dedup_key: str) -> dict[str, str]:
    """PagerDuty's 202 body, for clients that read the key back."""
    return {
        "status": "success",
        "message": "Event processed",
        "dedup_key": dedup_key,
    }


def error_response(
    message: str, errors: list[str], *, status: str = "invalid event"
) -> dict[str, object]:
    """PagerDuty's 400 body: a status word, a message and the error list."""
    return {"status": status, "message": message, "errors": list(errors)}


def _trigger(
    body: JsonObject,
    routing_key: str,
    dedup_key: str | None,
    received_at: datetime,
) -> AlertSignal:
    event = as_object(body.get("payload"), "payload")
    summary = _summary(event)
    source = req_str(event, "source", "payload")
    severity = req_str(event, "severity", "payload")
    if severity not in SEVERITIES:
        allowed = ", ".join(SEVERITIES)
        raise BadInput(
            f"payload.severity must be one of {allowed}",
            field="payload.severity",
        )
    timestamp = parse_timestamp(event.get("timestamp"), field="payload.timestamp")
    key = dedup_key or generated_dedup_key(routing_key, summary, source)

    return AlertSignal(
        source=SOURCE,
        dedup_key=key,
        alert_key=key,
        action=AlertAction.TRIGGER,
        title=summary,
        summary=summary,
        severity=severity,
        annotations=flat_map(event, "custom_details", "payload"),
        starts_at=timestamp,
        # Arrival, not payload.timestamp, orders it: resolve and acknowledge
        # carry no time, and one key's actions must share one clock.
        occurred_at=received_at,
        by_arrival=True,
        links=_links(body),
        fields=compact(
            {
                "source": source,
                "component": opt_str(event, "component", "payload"),
                "group": opt_str(event, "group", "payload"),
                "class": opt_str(event, "class", "payload"),
                "client": opt_str(body, "client", ""),
            }
        ),
    )


def generated_dedup_key(routing_key: str, summary: str, source: str) -> str:
    # The unit separator cannot appear by accident, so ("a b", "c") and
    # ("a", "b c") hash differently.
    joined = "\x1f".join((routing_key, summary, source))
    return hashlib.sha256(joined.encode()).hexdigest()[:32]


def _action(body: JsonObject) -> AlertAction:
    value = body.get("event_action")
    if isinstance(value, str) and value in _ACTIONS:
        return AlertAction(value)
    allowed = ", ".join(a.value for a in BASIC_ACTIONS)
    msg = f"event_action must be one of {allowed}, got {value!r}"
    raise BadInput(msg, field="event_action")


def _summary(event: JsonObject) -> str:
    summary = req_str(event, "summary", "payload")
    _check_length(summary, "payload.summary", SUMMARY_MAX)
    return summary


def _check_length(value: str | None, field: str, limit: int) -> None:
    if value is not None and len(value) > limit:
        msg = f"{field} is {len(value)} characters; the limit is {limit}"
        raise BadInput(msg, field=field, limit=limit, length=len(value))


def _links(body: JsonObject) -> list[str]:
    found: list[str] = []
    for name, keys in (("links", ("href",)), ("images", ("src", "href"))):
        items = as_list(body.get(name, []), name)
        for i, item in enumerate(items):
            entry = as_object(item, at(name, i))
            found.extend(opt_str(entry, key, at(name, i)) or "" for key in keys)
    return list(dict.fromkeys(link for link in found if link))
