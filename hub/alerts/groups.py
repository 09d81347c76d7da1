"""Alert groups: the per-alert state of one dedup key, kept in one document.

A group is identified by (source, integration, the sender's group key). Its
document holds each alert's :class:`~hub.alerts.dedup.AlertState` (bounded:
see :mod:`hub.alerts.plan`) and is written with a version guard, so two
deliveries of one group on two replicas are decided one after the other,
never both from the same old state. A write sets only the alerts that
changed, never the whole map.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from hub.alerts.sources.signal import AlertBatch
from hub.clock import Clock
from hub.storage.client import Database
from hub.storage.collection import DuplicateKey

if TYPE_CHECKING:
    from hub.alerts.plan import Plan

GROUP_KEY_STORED = 1000


class GroupMoved(Exception):
    """The group document changed under this delivery; decide again."""


def group_id(source: str, integration_id: str, group_key: str) -> str:
    digest = hashlib.sha256(f"{source}\x00{integration_id}\x00{group_key}".encode())
    return "ag-" + digest.hexdigest()[:40]


def alert_field(alert_key: str) -> str:
    # Alert keys become field names: hashed so dots and dollars stay out.
    return hashlib.sha256(alert_key.encode()).hexdigest()[:32]


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
        pending: dict[str, Any] | None = None,
    ) -> None:
        """Store what ``decided`` changed, or :class:`GroupMoved` if someone
        wrote first. Only the changed alerts are written, never the whole map."""
        fields: dict[str, Any] = {"updated_at": self._clock.now()}
        if incident_id is not None:
            fields["incident_id"] = incident_id
        if pending is not None:
            fields["pending"] = pending
        if group is None:
            alerts = {k: decided.states[k].to_doc() for k in decided.written}
            await self._insert(gid, batch, {**fields, "alerts": alerts})
            return
        for key in decided.written:
            fields[f"alerts.{key}"] = decided.states[key].to_doc()
        update: dict[str, Any] = {"$set": fields, "$inc": {"version": 1}}
        unset = {f"alerts.{k}": "" for k in decided.forgotten}
        if pending is None:
            unset["pending"] = ""
        update["$unset"] = unset
        saved = await self._groups.update_one({"id": gid, "version": group["version"]}, update)
        if not saved:
            raise GroupMoved()

    @staticmethod
    def next_version(group: dict[str, Any] | None) -> int:
        return int(group["version"]) + 1 if group else 1

    async def clear_pending(self, gid: str, key: str) -> None:
        # No version bump: a delivery that read the marker and finishes it
        # again is harmless (see hub.alerts.effects).
        await self._groups.update_one({"id": gid, "pending.key": key}, {"$unset": {"pending": ""}})

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
