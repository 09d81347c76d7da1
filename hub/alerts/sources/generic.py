"""A documented JSON shape for senders the hub has no parser for.

Post one alert per body::

    {
      "dedup_key": "db-primary-disk",      required; groups into one incident
      "action": "trigger",                 required; trigger|acknowledge|resolve
      "title": "Disk 95% on db-primary",   required to trigger
      "summary": "free space below 5%",    optional
      "severity": "critical",              optional; kept as written
      "labels": {"host": "db-primary"},    optional; string values only
      "occurred_at": "2024-05-01T10:00:00Z",  optional; RFC 3339 or epoch
      "links": ["https://grafana/d/abc"],  optional; strings
      "fields": {"service": "billing"}     optional; routing fields, strings
    }

Each key maps to the :class:`AlertSignal` field of the same name;
``alert_key`` equals ``dedup_key``. With ``occurred_at`` deliveries are
ordered by it, so a late retry cannot undo a newer state; without it each
delivery counts as newer than the last one to arrive. Senders that can send
their own time should, on every action of a key.
"""

from __future__ import annotations

from datetime import datetime

from hub.alerts.sources._json import (
    as_list,
    as_object,
    opt_str,
    req_str,
    str_map,
)
from hub.alerts.sources.signal import BASIC_ACTIONS, AlertAction, AlertBatch, AlertSignal
from hub.alerts.sources.timestamps import parse_timestamp
from hub.errors import BadInput

SOURCE = "generic"
DEDUP_KEY_MAX = 255


def parse(payload: object, *, received_at: datetime) -> AlertBatch:
    body = as_object(payload, "")
    dedup_key = req_str(body, "dedup_key", "")
    if not dedup_key or len(dedup_key) > DEDUP_KEY_MAX:
        msg = f"dedup_key must be 1 to {DEDUP_KEY_MAX} characters"
        raise BadInput(msg, field="dedup_key", limit=DEDUP_KEY_MAX)
    action = _action(req_str(body, "action", ""))
    title = opt_str(body, "title", "")
    if action is AlertAction.TRIGGER and not title:
        raise BadInput("title is required to trigger", field="title")
    occurred_at = parse_timestamp(body.get("occurred_at"), field="occurred_at")

    signal = AlertSignal(
        source=SOURCE,
        dedup_key=dedup_key,
        alert_key=dedup_key,
        action=action,
        title=title or "",
        summary=opt_str(body, "summary", "") or "",
        severity=opt_str(body, "severity", ""),
        labels=str_map(body, "labels", ""),
        occurred_at=occurred_at or received_at,
        by_arrival=occurred_at is None,
        links=_links(body.get("links")),
        fields=str_map(body, "fields", ""),
    )
    return AlertBatch(source=SOURCE, group_key=dedup_key, signals=[signal])


def _action(value: str) -> AlertAction:
    for action in BASIC_ACTIONS:
        if value == action.value:
            return action
    allowed = ", ".join(a.value for a in BASIC_ACTIONS)
    raise BadInput(f"action must be one of {allowed}", field="action")


def _links(value: object) -> list[str]:
    if value is None:
        return []
    links = as_list(value, "links")
    if not all(isinstance(link, str) for link in links):
        raise BadInput("links must be a list of strings", field="links")
    return [str(link) for link in links]
