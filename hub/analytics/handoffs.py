"""Handoffs as the metrics see them: read from the event log by type.

The handoff flows store ``handoff.proposed`` and ``handoff.accepted`` events
whose data carries the handoff's id, one of each per incident the handoff
covers; pairing them by incident and handoff id gives how many handoffs each
incident had and how long each waited to be accepted, without importing the
handoff package. A proposal never accepted counts as a handoff with no delay;
an acceptance with no proposal in the log is ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hub.events.models import Event

PROPOSED, ACCEPTED = "handoff.proposed", "handoff.accepted"


@dataclass
class Handoffs:
    proposed: int = 0
    delays: list[float] = field(default_factory=list)


def _handoff_id(event: Event) -> str:
    data = event.data
    return str(data.get("handoff_id") or data.get("id") or event.id)


def handoffs_by_incident(events: Sequence[Event]) -> dict[str, Handoffs]:
    proposed: dict[tuple[str, str], datetime] = {}
    out: dict[str, Handoffs] = {}
    for event in events:
        if event.incident_id is None:
            continue
        entry = out.setdefault(event.incident_id, Handoffs())
        # One handoff of several incidents is one acceptance for each of them.
        key = (event.incident_id, _handoff_id(event))
        if event.type == PROPOSED:
            entry.proposed += 1
            proposed[key] = event.occurred_at
        elif event.type == ACCEPTED and key in proposed:
            entry.delays.append((event.occurred_at - proposed.pop(key)).total_seconds())
    return out
