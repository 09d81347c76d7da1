"""Drills: incidents declared as exercises run the real flows, visibly marked.

A drill pages, escalates and hands off like any incident, so the teams
rehearse what they would really do; everything it sends says ``drill: true``
so nobody mistakes it for an outage, and metrics leave it out.
"""

from __future__ import annotations

from typing import Any

from hub.incidents.models import Incident


def is_drill(incident: Incident) -> bool:
    return incident.exercise


def drill_marked(incident: Incident, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with ``drill: true`` added when ``incident`` is a drill."""
    if is_drill(incident):
        return {**payload, "drill": True}
    return payload
