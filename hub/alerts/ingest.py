"""An alert's way through the hub: parse, dedup, then act through incident flows.

One alert group (Alertmanager's group key, PagerDuty's dedup key, ...) maps to
at most one open incident. The group's per-alert state lives in one document,
written with a version guard, so concurrent deliveries of the same group are
decided once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.alerts import dedup
from hub.alerts.integrations import Integration, IntegrationService
from hub.alerts.limits import decode_json
from hub.alerts.sources import parse
from hub.alerts.sources.signal import AlertAction, AlertBatch, AlertSignal
from hub.clock import Clock
from hub.errors import Conflict
from hub.incidents.flows import IncidentFlows, incident_event
from hub.incidents.models import Category, Incident, IncidentDeclare, Severity, Status
from hub.incidents.service import Change
from hub.settings import Settings
from hub.storage.client import Database

log = logging.getLogger(__name__)

SEVERITY_WORDS = {
    "critical": Severity.SEV1,
    "p1": Severity.SEV1,
    "page": Severity.SEV2,
    "error": Severity.SEV2,
    "high": Severity.SEV2,
    "p2": Severity.SEV2,
    "warning": Severity.SEV3,
    "p3": Severity.SEV3,
    "info": Severity.SEV4,
    "p4": Severity.SEV4,
    "p5": Severity.SEV5,
}
SAMPLE = 20  # alert keys named in one timeline event


@dataclass
class IngestResult:
    incident: Incident | None = None
    created: bool = False
    fired: int = 0
    resolved: int = 0
    ignored_reason: str | None = None
    batch: AlertBatch | None = None
    changes: list[str] = field(default_factory=list)


def severity_of(signals: list[AlertSignal]) -> Severity:
    found = [SEVERITY_WORDS.get((s.severity or "").lower()) for s in signals]
    known = [s for s in found if s is not None]
    return min(known) if known else Severity.SEV3


def group_id(source: str, integration_id: str, group_key: str) -> str:
    digest = hashlib.sha256(f"{source}\x00{integration_id}\x00{group_key}".encode())
    return "ag-" + digest.hexdigest()[:40]


class AlertIngest:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        integrations: IntegrationService,
        flows: IncidentFlows,
    ) -> None:
        self._groups = db["alert_groups"]
        self._clock = clock
        self._settings = settings
        self.integrations = integrations
        self._flows = flows
        # Serialises deliveries of one group inside this process; the version
        # guard on the group document does it across replicas.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def ingest(self, source: str, key: str, raw: bytes) -> IngestResult:
        integration = await self.integrations.by_key(source, key)
        payload = decode_json(
            raw,
            max_bytes=self._settings.max_body_bytes,
            max_depth=self._settings.max_json_depth,
        )
        batch = parse(source, payload, received_at=self._clock.now())
        if not batch.signals:
            return IngestResult(ignored_reason=batch.ignored_reason, batch=batch)
        gid = group_id(source, integration.id, batch.group_key)
        lock = self._locks.get(gid)
        if lock is None:
            lock = self._locks[gid] = asyncio.Lock()
        async with lock:
            for _ in range(5):
                try:
                    result = await self._apply(gid, integration, batch)
                    result.batch = batch
                    return result
                except _GroupMoved:
                    continue
        raise Conflict(f"alert group {batch.group_key!r} is too busy; retry")

    async def _apply(self, gid: str, integration: Integration, batch: AlertBatch) -> IngestResult:
        group = await self._load_group(gid, integration, batch)
        states = {k: dedup.AlertState.from_doc(v) for k, v in group.get("alerts", {}).items()}
        fired: list[AlertSignal] = []
        resolved: list[AlertSignal] = []
        acks = False
        for signal in batch.signals:
            if signal.action is AlertAction.ACKNOWLEDGE:
                acks = True
                continue
            akey = _alert_field(signal.alert_key)
            new = dedup.decide(states.get(akey), signal)
            if new is None:
                continue
            states[akey] = new
            (fired if new.status == dedup.FIRING else resolved).append(signal)

        incident = await self._current_incident(gid)
        result = IngestResult(fired=len(fired), resolved=len(resolved))
        if fired and incident is None:
            incident = await self._open_incident(gid, integration, batch, fired)
            result.created = True
        await self._save_group(group, states, incident)
        if incident is not None and incident.is_open:
            incident = await self._record(incident, batch, fired, resolved, states, result)
            if acks and incident.status is Status.TRIGGERED:
                incident = await self._flows.acknowledge(incident.id, actor=_actor(batch))
        result.incident = incident
        return result

    async def _load_group(
        self, gid: str, integration: Integration, batch: AlertBatch
    ) -> dict[str, Any]:
        doc = await self._groups.find_one_and_update(
            {"id": gid},
            {
                "$setOnInsert": {
                    "source": batch.source,
                    "integration_id": integration.id,
                    "group_key": batch.group_key[:1000],
                    "alerts": {},
                    "incident_id": None,
                    "version": 0,
                }
            },
            upsert=True,
        )
        assert doc is not None
        return doc

    async def _save_group(
        self, group: dict[str, Any], states: dict[str, dedup.AlertState], incident: Incident | None
    ) -> None:
        saved = await self._groups.update_one(
            {"id": group["id"], "version": group["version"]},
            {
                "$set": {
                    "alerts": {k: s.to_doc() for k, s in states.items()},
                    "incident_id": incident.id if incident else group.get("incident_id"),
                    "updated_at": self._clock.now(),
                },
                "$inc": {"version": 1},
            },
        )
        if not saved:
            raise _GroupMoved()

    async def _current_incident(self, gid: str) -> Incident | None:
        doc = await self._flows.incidents.collection.find_one({"open_alert_group": gid})
        return Incident.model_validate(doc) if doc else None

    async def _open_incident(
        self, gid: str, integration: Integration, batch: AlertBatch, fired: list[AlertSignal]
    ) -> Incident:
        first = fired[0]
        now = self._clock.now()
        data = IncidentDeclare(
            title=first.title[:300] or f"{batch.source} alert",
            summary=first.summary[:20_000],
            severity=severity_of(fired),
            category=Category.OTHER,
            team_id=integration.team_id,
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
        }
        extra = {"open_alert_group": gid, "alert_group": alert_group}
        return await self._flows.declare(data, actor=_actor(batch), extra=extra)

    async def _record(
        self,
        incident: Incident,
        batch: AlertBatch,
        fired: list[AlertSignal],
        resolved: list[AlertSignal],
        states: dict[str, dedup.AlertState],
        result: IngestResult,
    ) -> Incident:
        if not fired and not resolved:
            return incident
        firing_now = sum(1 for s in states.values() if s.status == dedup.FIRING)
        occurrences = sum(s.occurrences for s in states.values())
        actor = _actor(batch)

        def step(current: Incident) -> Change:
            now = self._clock.now()
            events = []
            for kind, signals in (("alerts.fired", fired), ("alerts.resolved", resolved)):
                if signals:
                    events.append(_alerts_event(current, kind, signals, actor, now))
            changes: dict[str, Any] = {
                "alert_group.firing_count": firing_now,
                "alert_group.alert_count": occurrences,
                "alert_group.last_seen": now,
                "alert_group.truncated": max(
                    batch.truncated, current.alert_group.truncated if current.alert_group else 0
                ),
            }
            return Change(set=changes, events=events)

        incident = await self._flows.incidents.mutate(incident.id, step)
        result.changes = [f"{len(fired)} fired", f"{len(resolved)} resolved"]
        if firing_now == 0 and resolved and incident.is_open:
            incident = await self._flows.change_status(
                incident.id, Status.RESOLVED, actor=actor, note="every alert in the group resolved"
            )
        return incident


class _GroupMoved(Exception):
    """The group document changed under this delivery; decide again."""


def _alert_field(alert_key: str) -> str:
    # Alert keys become field names: hash them so dots and dollars stay out.
    return hashlib.sha256(alert_key.encode()).hexdigest()[:32]


def _actor(batch: AlertBatch) -> str:
    return f"alert:{batch.source}"


def _alerts_event(
    incident: Incident, kind: str, signals: list[AlertSignal], actor: str, at: datetime
) -> Any:
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
    return incident_event(
        incident, kind, actor=actor, at=at, count=len(signals), alerts=sample
    )
