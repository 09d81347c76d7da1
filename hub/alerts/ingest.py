"""An alert's way through the hub: parse, dedup, route, then act through
incident flows.

One alert group (Alertmanager's group key, PagerDuty's dedup key, ...) maps to
at most one open incident: the unique ``open_alert_group`` index holds that
across replicas, and the group document's version guard makes concurrent
deliveries of one group decide one after the other.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass
from typing import Any

from hub.alerts.effects import Effects, IncidentEffects, effects_of
from hub.alerts.groups import GroupMoved, GroupStore, group_id
from hub.alerts.integrations import Integration, IntegrationService
from hub.alerts.limits import decode_json
from hub.alerts.opening import IncidentOpener
from hub.alerts.plan import Plan, plan
from hub.alerts.routing.explain import Explanation
from hub.alerts.routing.service import RoutingService
from hub.alerts.sns import SubscriptionConfirmer
from hub.alerts.sources import parse
from hub.alerts.sources.signal import AlertBatch
from hub.clock import Clock
from hub.errors import Conflict
from hub.incidents.flows import IncidentFlows
from hub.incidents.models import Incident, Status
from hub.settings import Settings
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey

log = logging.getLogger(__name__)

ATTEMPTS = 5
# Past these sizes decoding, parsing and planning run in a worker thread: a
# 5 MB storm costs seconds of CPU, and the event loop must keep answering
# health checks and other senders meanwhile.
OFF_LOOP_BYTES = 256 * 1024
OFF_LOOP_ALERTS = 2_000


@dataclass
class IngestResult:
    incident: Incident | None = None
    created: bool = False
    fired: int = 0
    resolved: int = 0
    ignored_reason: str | None = None
    batch: AlertBatch | None = None
    route: Explanation | None = None
    subscription_confirmed: bool | None = None
    # What was recorded without changing the incident, said to the sender.
    noted: str | None = None


class AlertIngest:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        integrations: IntegrationService,
        flows: IncidentFlows,
        routing: RoutingService,
        sns: SubscriptionConfirmer,
    ) -> None:
        self._clock = clock
        self._settings = settings
        self.integrations = integrations
        self.routing = routing
        self.groups = GroupStore(db, clock)
        self._flows = flows
        self._opener = IncidentOpener(clock, flows)
        self._effects = IncidentEffects(clock, flows, self.groups)
        self._sns = sns
        # Serialises deliveries of one group inside this process; the version
        # guard on the group document does it across replicas.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def decode(self, raw: bytes) -> object:
        return decode_json(
            raw,
            max_bytes=self._settings.max_body_bytes,
            max_depth=self._settings.max_json_depth,
        )

    async def ingest(self, source: str, key: str, raw: bytes) -> IngestResult:
        integration = await self.integrations.by_key(source, key)
        return await self.ingest_body(integration, raw)

    async def ingest_body(self, integration: Integration, raw: bytes) -> IngestResult:
        if len(raw) < OFF_LOOP_BYTES:
            batch = parse(integration.source, self.decode(raw), received_at=self._clock.now())
        else:
            batch = await asyncio.to_thread(self._decode_and_parse, integration.source, raw)
        return await self.ingest_batch(integration, batch)

    def _decode_and_parse(self, source: str, raw: bytes) -> AlertBatch:
        return parse(source, self.decode(raw), received_at=self._clock.now())

    async def ingest_payload(self, integration: Integration, payload: object) -> IngestResult:
        batch = parse(integration.source, payload, received_at=self._clock.now())
        return await self.ingest_batch(integration, batch)

    async def ingest_batch(self, integration: Integration, batch: AlertBatch) -> IngestResult:
        if batch.subscribe_url is not None:
            confirmed = await self._sns.confirm(batch.subscribe_url)
            return IngestResult(
                ignored_reason=batch.ignored_reason,
                batch=batch,
                subscription_confirmed=confirmed,
            )
        if not batch.signals:
            return IngestResult(ignored_reason=batch.ignored_reason, batch=batch)
        gid = group_id(integration.source, integration.id, batch.group_key)
        lock = self._locks.get(gid)
        if lock is None:
            lock = self._locks[gid] = asyncio.Lock()
        async with lock:
            for _ in range(ATTEMPTS):
                try:
                    result = await self._apply(gid, integration, batch)
                except GroupMoved:
                    log.info("event=alert.group_retry group=%s", gid)
                    continue
                result.batch = batch
                return result
        raise Conflict(f"alert group {batch.group_key[:200]!r} is too busy; retry")

    async def _apply(self, gid: str, integration: Integration, batch: AlertBatch) -> IngestResult:
        group = await self.groups.find(gid)
        if group is not None and group.get("pending"):
            # A crash left the last delivery's incident change undone.
            await self._effects.settle(gid, Effects.from_doc(group["pending"]))
        decided = await self._plan(group, batch)
        incident = await self.current_incident(gid)
        result = IngestResult(fired=len(decided.fired), resolved=len(decided.resolved))
        if decided.fired and incident is None:
            now = self._clock.now()
            route = await self.routing.route(batch, default_team_id=integration.team_id, at=now)
            result.route = route
            if route.suppressed:
                # Nothing is stored, so the next delivery after the
                # maintenance window still opens an incident.
                result.ignored_reason = f"suppressed by routing: {route.suppressed_by}"
                return result
            incident = await self._open(gid, integration, batch, decided, route)
            result.created = True
        effects = None
        if incident is not None and incident.is_open and decided.changed:
            key = f"alerts:{gid}:{self.groups.next_version(group)}" if decided.stores else None
            effects = effects_of(decided, batch, incident.id, key)
        if decided.stores:
            pending = effects.to_doc() if effects else None
            incident_id = incident.id if incident else None
            await self.groups.save(gid, group, batch, decided, incident_id, pending)
        if result.created and incident is not None and result.route is not None:
            incident = await self._opener.add_experts(incident, result.route, batch)
        if effects is not None:
            incident = await self._effects.settle(gid, effects)
        if incident is not None and incident.is_open:
            incident = await self._after(incident, batch, decided, result)
        if decided.unacknowledge and result.noted is None:
            result.ignored_reason = "no open incident for this alert group to un-acknowledge"
        result.incident = incident
        return result

    async def _open(
        self,
        gid: str,
        integration: Integration,
        batch: AlertBatch,
        decided: Plan,
        route: Explanation,
    ) -> Incident:
        try:
            return await self._opener.open(gid, integration, batch, decided.fired, route)
        except DuplicateKey:
            # Another replica opened this group's incident first: join it.
            raise GroupMoved() from None

    async def current_incident(self, gid: str) -> Incident | None:
        doc = await self._flows.incidents.collection.find_one({"open_alert_group": gid})
        return Incident.model_validate(doc) if doc else None

    async def _after(
        self, incident: Incident, batch: AlertBatch, decided: Plan, result: IngestResult
    ) -> Incident:
        """What a delivery does that writes no alert state: acknowledging
        (again on redelivery, harmlessly) and un-acknowledging."""
        if decided.acknowledge and incident.status is Status.TRIGGERED:
            return await self._flows.acknowledge(incident.id, actor=f"alert:{batch.source}")
        if decided.unacknowledge:
            incident = await self._opener.note_unacknowledged(incident, batch)
            result.noted = (
                f"noted on {incident.ref}'s timeline; the incident stays "
                f"{incident.status.value}: acknowledging cannot be undone here"
            )
        return incident

    async def preview_plan(self, gid: str, batch: AlertBatch) -> Plan:
        return await self._plan(await self.groups.find(gid), batch)

    async def _plan(self, group: dict[str, Any] | None, batch: AlertBatch) -> Plan:
        now = self._clock.now()
        size = len(batch.signals) + len((group or {}).get("alerts", {}))
        if size < OFF_LOOP_ALERTS:
            return plan(group, batch, now)
        return await asyncio.to_thread(plan, group, batch, now)
