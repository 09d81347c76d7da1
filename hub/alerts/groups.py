"""Alert groups: the per-alert state of one dedup key, kept in one document.

A group is identified by (source, integration, the sender's group key). Its
document holds each alert's :class:`~hub.alerts.dedup.AlertState` and is
written with a version guard, so two deliveries of one group on two replicas
are decided one after the other, never both from the same old state.

The document stays bounded, well under MongoDB's 16 MB: a resolved alert is
forgotten ``RESOLVED_KEPT`` after the hub recorded its end (long enough to
refuse a late redelivery of its firing), and a group tracks at most ``MAX_TRACKED`` alerts
(about 120 bytes each). A full group makes room by forgetting the resolved
alerts that ended first; when every tracked alert is firing, further alerts
are counted on the incident as truncated, as Alertmanager counts the alerts
it leaves out of a webhook, and are not tracked one by one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from hub.alerts import dedup
from hub.alerts.sources.signal import AlertAction, AlertBatch, AlertSignal
from hub.clock import Clock
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey

GROUP_KEY_STORED = 1000
MAX_TRACKED = 20_000
RESOLVED_KEPT = timedelta(hours=24)


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
    unacknowledge: bool = False
    # Fields to write and to remove; only these reach the database.
    written: set[str] = field(default_factory=set)
    forgotten: set[str] = field(default_factory=set)
    # Alerts of this delivery the group was too full to track.
    overflow: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.fired or self.resolved or self.overflow)

    @property
    def stores(self) -> bool:
        return bool(self.written or self.forgotten)

    @property
    def firing_now(self) -> int:
        return sum(1 for s in self.states.values() if s.status == dedup.FIRING)

    def track(self, key: str, state: dedup.AlertState) -> None:
        self.states[key] = state
        self.written.add(key)
        self.forgotten.discard(key)

    def forget(self, key: str) -> None:
        del self.states[key]
        self.written.discard(key)
        self.forgotten.add(key)


def plan(group: dict[str, Any] | None, batch: AlertBatch, now: datetime) -> Plan:
    stored = (group or {}).get("alerts", {})
    out = Plan(states={k: dedup.AlertState.from_doc(v) for k, v in stored.items()})
    _forget_old(out, now - RESOLVED_KEPT)
    room = _Room(out)
    for signal in batch.signals:
        if signal.action is AlertAction.ACKNOWLEDGE:
            out.acknowledge = True
            continue
        if signal.action is AlertAction.UNACKNOWLEDGE:
            out.unacknowledge = True
            continue
        key = alert_field(signal.alert_key)
        new = dedup.decide(out.states.get(key), signal)
        if new is None:
            continue
        if key not in out.states and not room.make():
            out.overflow += 1
            continue
        out.track(key, replace(new, noted_at=now))
        (out.fired if new.status == dedup.FIRING else out.resolved).append(signal)
    return out


def _forget_old(out: Plan, before: datetime) -> None:
    # A state stored before noted_at existed is kept until a full group
    # needs its room.
    old = [
        k
        for k, s in out.states.items()
        if s.status == dedup.RESOLVED and s.noted_at is not None and s.noted_at < before
    ]
    for key in old:
        out.forget(key)


class _Room:
    """Space for one more alert in a full group: the resolved alert that
    ended first goes, since it is the least likely to be redelivered."""

    def __init__(self, out: Plan) -> None:
        self._out = out
        self._oldest: Iterator[str] | None = None

    def make(self) -> bool:
        if len(self._out.states) < MAX_TRACKED:
            return True
        if self._oldest is None:
            self._oldest = iter(_resolved_oldest_first(self._out.states))
        for key in self._oldest:
            # It may have fired again earlier in this same delivery.
            state = self._out.states.get(key)
            if state is not None and state.status == dedup.RESOLVED:
                self._out.forget(key)
                return True
        return False


def _resolved_oldest_first(states: dict[str, dedup.AlertState]) -> list[str]:
    ended = [
        (s.ended_at, k)
        for k, s in states.items()
        if s.status == dedup.RESOLVED and s.ended_at is not None
    ]
    return [k for _, k in sorted(ended)]


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
        decided: Plan,
        incident_id: str | None,
    ) -> None:
        """Store what ``decided`` changed, or :class:`GroupMoved` if someone
        wrote first. Only the changed alerts are written, never the whole map."""
        fields: dict[str, Any] = {"updated_at": self._clock.now()}
        if incident_id is not None:
            fields["incident_id"] = incident_id
        if group is None:
            alerts = {k: decided.states[k].to_doc() for k in decided.written}
            await self._insert(gid, batch, {**fields, "alerts": alerts})
            return
        for key in decided.written:
            fields[f"alerts.{key}"] = decided.states[key].to_doc()
        update: dict[str, Any] = {"$set": fields, "$inc": {"version": 1}}
        if decided.forgotten:
            update["$unset"] = {f"alerts.{k}": "" for k in decided.forgotten}
        saved = await self._groups.update_one({"id": gid, "version": group["version"]}, update)
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
