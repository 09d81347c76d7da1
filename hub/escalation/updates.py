"""What resets an incident's quiet time: a person changing it or saying something.

Quiet-time conditions (``min_quiet_minutes``) ask how long nobody has worked
on an incident. Only people's updates answer that: a status change, an
acknowledgement, a severity change, a note or a status update. The hub's own
writes do not count: escalation steps, the overdue-update reminder, handoffs
and ownership moves, alert routing and alert-driven status changes. The
engine and the preview both use :func:`last_update`, so they agree.
"""

from __future__ import annotations

from datetime import datetime

from hub.events.models import Event
from hub.incidents.models import Incident

PERSON_UPDATES = frozenset(
    {
        "incident.acknowledged",
        "incident.status_changed",
        "incident.severity_changed",
        "incident.note_added",
        "incident.status_update_posted",
    }
)
# Actors the hub writes as when nobody asked: reminders and shift handoffs
# ("hub"), escalation steps, and monitoring systems ("alert:<source>").
MACHINE_ACTORS = frozenset({"hub", "escalation"})
MACHINE_PREFIXES = ("alert:",)


def is_person_update(event: Event) -> bool:
    by_machine = event.actor in MACHINE_ACTORS or event.actor.startswith(MACHINE_PREFIXES)
    return event.type in PERSON_UPDATES and not by_machine


def last_update(events: list[Event], incident: Incident) -> datetime:
    """When a person last updated ``incident``; its declaration if nobody has."""
    times = [e.occurred_at for e in events if is_person_update(e)]
    return max(times, default=incident.created_at)
