"""Turning a routed alert group into an incident, and noting on its
timeline what a sender did that changes no state (see also
:mod:`hub.alerts.effects`)."""

from __future__ import annotations

import logging

from hub.alerts.integrations import Integration
from hub.alerts.routing.explain import Explanation
from hub.alerts.sources.signal import AlertBatch, AlertSignal
from hub.clock import Clock
from hub.errors import HubError
from hub.events.models import Event
from hub.incidents.flows import IncidentFlows, incident_event
from hub.incidents.models import Incident, IncidentDeclare
from hub.incidents.service import Change
from hub.text import readable_text

log = logging.getLogger(__name__)

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
            title=readable_text(first.title, fallback=f"{batch.source} alert", limit=TITLE_MAX),
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
