"""What one delivery does to its incident, kept with the group state until
it is done, so a crash between the two writes loses nothing.

The group document and the incident are two documents, and the group is
written first (its version guard decides between racing deliveries). The
incident change goes into that same group write as ``pending``; once the
incident holds it, the marker is cleared. A crash in between leaves the
marker, and the next delivery of the group (a redelivery, say, which dedup
would otherwise call "no change") finishes it first. Finishing twice is
harmless: the alert record carries the group write's key as the incident's
applied key, and resolving happens only to an open incident.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from hub.alerts.groups import GroupStore
from hub.alerts.plan import Plan
from hub.alerts.sources.signal import AlertBatch, AlertSignal
from hub.clock import Clock
from hub.incidents.flows import IncidentFlows, incident_event
from hub.incidents.models import Incident, Status
from hub.incidents.service import Change

SAMPLE = 20  # alerts named in one timeline event


@dataclass(frozen=True)
class Effects:
    incident_id: str
    source: str
    fired: int
    resolved: int
    firing_now: int
    truncated: int
    # The group write this belongs to; None when the delivery wrote no state.
    key: str | None = None
    fired_sample: list[dict[str, Any]] = field(default_factory=list)
    resolved_sample: list[dict[str, Any]] = field(default_factory=list)

    @property
    def resolves(self) -> bool:
        return self.firing_now == 0 and self.resolved > 0

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Effects:
        return cls(**doc)


def effects_of(decided: Plan, batch: AlertBatch, incident_id: str, key: str | None) -> Effects:
    return Effects(
        incident_id=incident_id,
        source=batch.source,
        fired=len(decided.fired),
        resolved=len(decided.resolved),
        firing_now=decided.firing_now,
        truncated=batch.truncated + decided.overflow,
        key=key,
        fired_sample=[_sample(s) for s in decided.fired[:SAMPLE]],
        resolved_sample=[_sample(s) for s in decided.resolved[:SAMPLE]],
    )


class IncidentEffects:
    def __init__(self, clock: Clock, flows: IncidentFlows, groups: GroupStore) -> None:
        self._clock = clock
        self._flows = flows
        self._groups = groups

    async def settle(self, gid: str, effects: Effects) -> Incident:
        """Apply ``effects`` to the incident (again, if need be), then clear
        the group's marker."""
        incident = await self._flows.incidents.get(effects.incident_id)
        if incident.is_open:
            incident = await self._record(incident, effects)
        if effects.resolves and incident.is_open:
            incident = await self._flows.change_status(
                incident.id,
                Status.RESOLVED,
                actor=f"alert:{effects.source}",
                note="every alert in the group resolved",
            )
        if effects.key is not None:
            await self._groups.clear_pending(gid, effects.key)
        return incident

    async def _record(self, incident: Incident, effects: Effects) -> Incident:
        """Counts and one event per kind of change the delivery made."""

        def step(current: Incident) -> Change:
            now = self._clock.now()
            events = [
                incident_event(
                    current, kind, actor=f"alert:{effects.source}", at=now, count=n, alerts=sample
                )
                for kind, n, sample in (
                    ("alerts.fired", effects.fired, effects.fired_sample),
                    ("alerts.resolved", effects.resolved, effects.resolved_sample),
                )
                if n
            ]
            group = current.alert_group
            known = group.truncated if group else 0
            # Firings during this incident only: the group's state outlives
            # incidents, and an earlier outage's alerts are not this one's.
            count = (group.alert_count if group else 0) + effects.fired
            changes: dict[str, Any] = {
                "alert_group.firing_count": effects.firing_now,
                "alert_group.alert_count": count,
                "alert_group.last_seen": now,
                "alert_group.truncated": max(effects.truncated, known),
            }
            return Change(set=changes, events=events)

        return await self._flows.incidents.mutate(incident.id, step, applied_key=effects.key)


def _sample(s: AlertSignal) -> dict[str, Any]:
    return {
        "alert_key": s.alert_key[:200],
        "title": s.title[:200],
        "starts_at": _iso(s.starts_at),
        "ends_at": _iso(s.ends_at),
        # Cut, so 40 samples stay small whatever a sender's labels hold.
        "labels": {k[:100]: v[:200] for k, v in list(s.labels.items())[:20]},
    }


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None
