"""Grafana unified-alerting webhook contact point (payload version 1).

The envelope is Alertmanager's with Grafana's extras: ``orgId``, ``state``,
``title`` and ``message`` for the group, and per alert ``silenceURL``,
``dashboardURL``, ``panelURL``, ``imageURL`` and the query ``values``. The
dedup key is ``groupKey``, or each alert's ``fingerprint`` when a hand-built
payload has no group key.

A body that is a Grafana OnCall outgoing webhook (it carries ``event`` and
``alert_group``) is handed to :mod:`hub.alerts.sources.grafana_oncall`, so a
Grafana stack can point either kind of webhook at the same URL.
"""

from __future__ import annotations

from datetime import datetime

from hub.alerts.sources import grafana_oncall
from hub.alerts.sources._json import (
    JsonObject,
    as_object,
    compact,
    opt_int,
    opt_str,
    to_text,
)
from hub.alerts.sources._prom import Group, group_status, parse_alerts
from hub.alerts.sources.signal import AlertBatch

SOURCE = "grafana"

_LINK_KEYS = ("dashboardURL", "panelURL", "silenceURL", "imageURL")


def parse(payload: object, *, received_at: datetime) -> AlertBatch:
    body = as_object(payload, "")
    if grafana_oncall.looks_like(body):
        return grafana_oncall.parse(body, received_at=received_at)

    org_id = body.get("orgId")
    group = Group(
        source=SOURCE,
        dedup_key=opt_str(body, "groupKey", "") or None,
        status=group_status(body),
        received_at=received_at,
        fields=compact(
            {
                "receiver": opt_str(body, "receiver", ""),
                "org_id": None if org_id is None else str(org_id),
            }
        ),
    )
    return AlertBatch(
        source=SOURCE,
        group_key=group.dedup_key or "",
        signals=parse_alerts(body, group, _extras),
        truncated=opt_int(body, "truncatedAlerts", ""),
    )


def _extras(alert: JsonObject, path: str) -> tuple[list[str], dict[str, str]]:
    links = [opt_str(alert, key, path) or "" for key in _LINK_KEYS]
    # Query results are kept as text for display only; they change on every
    # evaluation, so they must not become part of any key.
    values = opt_str(alert, "valueString", path)
    if values is None and alert.get("values") is not None:
        values = to_text(alert["values"])
    return [link for link in links if link], compact({"values": values})
