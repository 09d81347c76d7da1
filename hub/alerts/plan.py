"""Deciding what one delivery changes in its alert group, within bounds.

The group document stays bounded, well under MongoDB's 16 MB: a resolved
alert is forgotten ``RESOLVED_KEPT`` after the hub recorded its end (long
enough to refuse a late redelivery of its firing), and a group tracks at
most ``MAX_TRACKED`` alerts (about 130 bytes each). A full group makes room
by forgetting the resolved alerts that ended first; when every tracked
alert is firing, further alerts are counted on the incident as truncated,
as Alertmanager counts the alerts it leaves out of a webhook, and are not
tracked one by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from hub.alerts import dedup
from hub.alerts.groups import alert_field
from hub.alerts.sources.signal import AlertAction, AlertBatch, AlertSignal

MAX_TRACKED = 20_000
RESOLVED_KEPT = timedelta(hours=24)


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
