"""Turning a routed alert group into an incident, and recording what its
alerts do afterwards on the incident's timeline."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from hub.alerts.groups import Plan
from hub.alerts.integrations import Integration
from hub.alerts.routing.explain import Explanation
from hub.alerts.sources.signal import AlertBatch, AlertSignal
from hub.clock import Clock
from hub.errors import HubError
from hub.events.models import Event
from hub.incidents.flows import IncidentFlows, incident_event
from hub.incidents.models import Incident, IncidentDeclare
from hub.incidents.service import Change

log = logging.getLogger(__name__)

SAMPLE = 20  # alerts named in one timeline event
TITLE_MAX = 300
SUMMARY_MAX = 20_000


def actor_of(batch: AlertBatch) -> str:
    return f"alert:{batch.source}"


class IncidentOpener:
    def __init__(self, clock: Clock, flows: IncidentFlows) -> None:
        self._clock = clock
        self._flows = flows

    async def open(
        self,
        gid: str,
        integration: Integration,
        batch: AlertBatch,
        fired: list[AlertSignal],
        route: Explanation,
    ) -> Incident:
        """Declare the group's incident with its routing explanation, in one write."""
        first = fired[0]
        now = self._clock.now()
        assert route.owner_team_id is not None, "an unsuppressed route always has a team"
        data = IncidentDeclare(
            title=first.title[:TITLE_MAX] or f"{batch.source} alert",
            summary=first.summary[:SUMMARY_MAX],
            severity=route.severity,
            category=route.category,
            team_id=route.owner_team_id,
            service_ids=[integration.service_id] if integration.service_id else [],
            tags=[f"source:{batch.source}"],
        )
        alert_group = {
            "source": batch.source,
            "dedup_key": gid,
            "integration_id": integration.id,
            "alert_count": 0,
            "firing_count": 0,
            "truncated": batch.truncated,
            "first_seen": now,
            "last_seen": now,
            "team_ids": route.team_ids,
            "region_ids": route.region_ids,
        }
        extra = {"open_alert_group": gid, "alert_group": alert_group}

        def routed(incident: Incident) -> list[Event]:
            event = incident_event(
                incident,
                "alerts.routed",
                actor=actor_of(batch),
                at=now,
                explanation=route.to_doc(),
            )
            return [event]

        return await self._flows.declare(data, actor=actor_of(batch), extra=extra, also=routed)

    async def add_experts(
        self, incident: Incident, route: Explanation, batch: AlertBatch
    ) -> Incident:
        for handle in route.responders:
            try:
                incident = await self._flows.assign_responder(
                    incident.id, handle, role="expert", actor=actor_of(batch)
                )
            except HubError as exc:
                # The member left between routing and now; the explanation
                # still names them, and the others are assigned.
                log.warning(
                    "event=alert.expert_skipped incident=%s handle=%s reason=%s",
                    incident.ref,
                    handle,
                    exc.code,
                )
        return incident

    async def record(self, incident: Incident, batch: AlertBatch, decided: Plan) -> Incident:
        """Counts and one event per kind of change this delivery made."""
        actor = actor_of(batch)

        def step(current: Incident) -> Change:
            now = self._clock.now()
            events = [
                _alerts_event(current, kind, signals, actor, now)
                for kind, signals in (
                    ("alerts.fired", decided.fired),
                    ("alerts.resolved", decided.resolved),
                )
                if signals
            ]
            group = current.alert_group
            known = group.truncated if group else 0
            # Firings during this incident only: the group's state outlives
            # incidents, and an earlier outage's alerts are not this one's.
            count = (group.alert_count if group else 0) + len(decided.fired)
            changes: dict[str, Any] = {
                "alert_group.firing_count": decided.firing_now,
                "alert_group.alert_count": count,
                "alert_group.last_seen": now,
                "alert_group.truncated": max(batch.truncated + decided.overflow, known),
            }
            return Change(set=changes, events=events)

        return await self._flows.incidents.mutate(incident.id, step)

    async def note_unacknowledged(self, incident: Incident, batch: AlertBatch) -> Incident:
        """One timeline event: the sender took its acknowledgement back.

        The lifecycle has no step from ACKNOWLEDGED back to TRIGGERED, so
        the status is left alone and responders see what the sender did.
        """

        def step(current: Incident) -> Change:
            event = incident_event(
                current,
                "alerts.unacknowledged",
                actor=actor_of(batch),
                at=self._clock.now(),
                status=current.status.value,
            )
            return Change(set={}, events=[event])

        return await self._flows.incidents.mutate(incident.id, step)


def _alerts_event(
    incident: Incident, kind: str, signals: list[AlertSignal], actor: str, at: datetime
) -> Event:
    sample = [
        {
            "alert_key": s.alert_key[:200],
            "title": s.title[:200],
            "starts_at": s.starts_at.isoformat() if s.starts_at else None,
            "ends_at": s.ends_at.isoformat() if s.ends_at else None,
            "labels": dict(list(s.labels.items())[:20]),
        }
        for s in signals[:SAMPLE]
    ]
    return incident_event(incident, kind, actor=actor, at=at, count=len(signals), alerts=sample)
