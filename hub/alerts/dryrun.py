"""``routeAlert``: what a payload would do, computed exactly as ingest would
and written nowhere.

The payload goes through the same size and depth bounds, the same parser,
the same dedup decision against the group's stored state, and the same
rules at the given instant. Routing applies when an alert opens an
incident; a payload that would join an open incident reports that incident,
and still explains what the rules would say now.

The caller sees that incident only if its token may read it (``can_read``);
otherwise the answer still says the payload would join an open incident, so
the dry run stays truthful, but names nothing about it: no reference, no
title, the same as ``incident(ref:)`` refusing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import orjson

from hub.alerts.groups import group_id
from hub.alerts.ingest import AlertIngest
from hub.alerts.integrations import Integration
from hub.alerts.routing.explain import Explanation
from hub.alerts.sources import parse
from hub.alerts.sources.signal import AlertBatch
from hub.errors import BadInput, NotFound
from hub.incidents.models import Incident
from hub.teams.hours import require_aware

OUT_OF_SCOPE = "joins this alert group's open incident, outside this token's scope"


class Decision(StrEnum):
    OPEN = "OPEN"
    JOIN = "JOIN"
    NO_CHANGE = "NO_CHANGE"
    IGNORED = "IGNORED"
    SUPPRESSED = "SUPPRESSED"


@dataclass
class RoutePreview:
    decision: Decision
    reason: str
    integration: Integration
    batch: AlertBatch
    explanation: Explanation | None = None
    incident: Incident | None = None


async def preview(
    alerts: AlertIngest,
    *,
    source: str,
    payload: object,
    at: datetime,
    integration_id: str | None = None,
    can_read: Callable[[Incident], bool] = lambda _: True,
) -> RoutePreview:
    require_aware(at, "at")
    integration = await _integration(alerts, source, integration_id)
    batch = parse(source, _bounded(alerts, payload), received_at=at)
    if not batch.signals:
        reason = batch.ignored_reason or "no alerts in the payload"
        return RoutePreview(Decision.IGNORED, reason, integration, batch)

    gid = group_id(source, integration.id, batch.group_key)
    decided = await alerts.preview_plan(gid, batch)
    route = await alerts.routing.route(batch, default_team_id=integration.team_id, at=at)
    out = RoutePreview(Decision.NO_CHANGE, "", integration, batch, explanation=route)
    joins = await alerts.current_incident(gid)
    if joins is not None:
        out.decision = Decision.JOIN
        if can_read(joins):
            out.incident = joins
            out.reason = f"joins {joins.ref}, open for this alert group"
        else:
            out.reason = OUT_OF_SCOPE
    elif not decided.fired:
        out.reason = "no alert would start firing: nothing opens"
    elif route.suppressed:
        out.decision = Decision.SUPPRESSED
        out.reason = f"suppressed by routing: {route.suppressed_by}"
    else:
        out.decision = Decision.OPEN
        out.reason = f"opens a new incident: {decided.fired[0].title[:120]!r}"
    return out


def _bounded(alerts: AlertIngest, payload: object) -> object:
    try:
        raw = orjson.dumps(payload)
    except orjson.JSONEncodeError as exc:
        raise BadInput(f"payload cannot be read as JSON: {exc}", argument="payload") from None
    return alerts.decode(raw)


async def _integration(
    alerts: AlertIngest, source: str, integration_id: str | None
) -> Integration:
    if integration_id is not None:
        found = await alerts.integrations.repo.get(integration_id)
        if found.source != source:
            msg = f"integration {integration_id} receives {found.source}, not {source}"
            raise BadInput(msg, argument="integrationId")
        return found
    first = await alerts.integrations.first_enabled(source)
    if first is None:
        msg = f"no enabled {source} integration: create one, or pass integrationId"
        raise NotFound(msg, source=source)
    return first
