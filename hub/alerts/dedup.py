"""Deciding, from the alerts' own timestamps, whether a delivery changes anything.

Senders retry, reorder and repeat. Each alert's state is kept with the times
the sender gave, and a delivery changes it only if it is newer than what is
known: a firing that started before the recorded end is an old message, not a
new outage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.alerts.sources.signal import AlertAction, AlertSignal

FIRING, RESOLVED = "firing", "resolved"


@dataclass(frozen=True)
class AlertState:
    status: str
    started_at: datetime
    ended_at: datetime | None
    occurrences: int
    # The hub's time when this state was recorded: how long a resolved alert
    # is remembered is counted on the hub's clock, never the sender's.
    noted_at: datetime | None = None

    def to_doc(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "occurrences": self.occurrences,
            "noted_at": self.noted_at,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> AlertState:
        return cls(
            doc["status"],
            doc["started_at"],
            doc.get("ended_at"),
            doc["occurrences"],
            doc.get("noted_at"),
        )


def to_storage_precision(value: datetime) -> datetime:
    # BSON keeps milliseconds; comparing finer times with stored ones would
    # make every redelivery of a nanosecond timestamp look new.
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def decide(previous: AlertState | None, signal: AlertSignal) -> AlertState | None:
    """The alert's new state, or None when the delivery changes nothing.

    A signal ordered ``by_arrival`` is newer than anything stored, so only a
    repeat of the current state is dropped.
    """
    at = to_storage_precision(signal.occurred_at)
    started = at if signal.by_arrival else to_storage_precision(signal.starts_at or at)
    late = not signal.by_arrival
    if signal.action is AlertAction.TRIGGER:
        if previous is None:
            return AlertState(FIRING, started, None, 1)
        if previous.status == FIRING:
            return None
        if late and previous.ended_at is not None and started <= previous.ended_at:
            return None  # the firing that this resolution already ended
        return AlertState(FIRING, started, None, previous.occurrences + 1)
    if signal.action is AlertAction.RESOLVE:
        ended = at if signal.by_arrival else to_storage_precision(signal.ends_at or at)
        if previous is None:
            return AlertState(RESOLVED, started, ended, 0)
        if previous.status == RESOLVED:
            return None
        if late and ended < previous.started_at:
            return None  # resolves an earlier occurrence than the one firing now
        return AlertState(RESOLVED, previous.started_at, ended, previous.occurrences)
    return None
