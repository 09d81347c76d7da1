"""Alert groups: the per-alert state of one dedup key, kept in one document.

A group is identified by (source, integration, the sender's group key). Its
document holds every alert's :class:`~hub.alerts.dedup.AlertState` and is
written with a version guard, so two deliveries of one group on two replicas
are decided one after the other, never both from the same old state.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from hub.alerts import dedup
from hub.alerts.sources.signal import AlertAction, AlertBatch, AlertSignal
from hub.clock import Clock
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey

GROUP_KEY_STORED = 1000


class GroupMoved(Exception):
    """The group document changed under this delivery; decide again."""


def group_id(source: str, integration_id: str, group_key: str) -> str:
    digest = hashlib.sha256(f"{source}\x00{integration_id}\x00{group_key}".encode())
    return "ag-" + digest.hexdigest()[:40]


def alert_field(alert_key: str) -> str:
    # Alert keys become field names: hashed so dots and dollars stay out.
    return hashlib.sha256(alert_key.encode()).hexdigest()[:32]


@dataclass
class Plan:
    """What one delivery changes, decided against the stored states."""

    states: dict[str, dedup.AlertState]
    fired: list[AlertSignal] = field(default_factory=list)
    resolved: list[AlertSignal] = field(default_factory=list)
    acknowledge: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.fired or self.resolved)

    @property
    def firing_now(self) -> int:
        return sum(1 for s in self.states.values() if s.status == dedup.FIRING)


def plan(group: dict[str, Any] | None, batch: AlertBatch) -> Plan:
    stored = (group or {}).get("alerts", {})
    out = Plan(states={k: dedup.AlertState.from_doc(v) for k, v in stored.items()})
    for signal in batch.signals:
        if signal.action is AlertAction.ACKNOWLEDGE:
            out.acknowledge = True
            continue
        key = alert_field(signal.alert_key)
        new = dedup.decide(out.states.get(key), signal)
        if new is None:
            continue
        out.states[key] = new
        (out.fired if new.status == dedup.FIRING else out.resolved).append(signal)
    return out


class GroupStore:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._groups = db["alert_groups"]
        self._clock = clock

    async def find(self, gid: str) -> dict[str, Any] | None:
        return await self._groups.find_one({"id": gid})

    async def save(
        self,
        gid: str,
        group: dict[str, Any] | None,
        batch: AlertBatch,
        states: dict[str, dedup.AlertState],
        incident_id: str | None,
    ) -> None:
        """Store ``states``, or :class:`GroupMoved` if someone wrote first."""
        fields: dict[str, Any] = {
            "alerts": {k: s.to_doc() for k, s in states.items()},
            "updated_at": self._clock.now(),
        }
        if incident_id is not None:
            fields["incident_id"] = incident_id
        if group is None:
            await self._insert(gid, batch, fields)
            return
        saved = await self._groups.update_one(
            {"id": gid, "version": group["version"]},
            {"$set": fields, "$inc": {"version": 1}},
        )
        if not saved:
            raise GroupMoved()

    async def _insert(self, gid: str, batch: AlertBatch, fields: dict[str, Any]) -> None:
        doc = {
            "id": gid,
            "source": batch.source,
            "group_key": batch.group_key[:GROUP_KEY_STORED],
            "incident_id": None,
            "version": 1,
            **fields,
        }
        try:
            await self._groups.insert(doc)
        except DuplicateKey:
            raise GroupMoved() from None
