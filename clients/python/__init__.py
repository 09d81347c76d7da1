"""The hub's Python SDK: ``HubClient`` and the typed results it returns."""

from clients.python.client import HubClient
from clients.python.errors import HubAPIError, HubClientError, HubUnavailable
from clients.python.models import (
    CreatedToken,
    Event,
    Handoff,
    HandoffBrief,
    Incident,
    NextAction,
    OnDuty,
    Region,
    Team,
)
from clients.python.pagination import paginate
from clients.python.resume import Backoff

__all__ = [
    "Backoff",
    "CreatedToken",
    "Event",
    "Handoff",
    "HandoffBrief",
    "HubAPIError",
    "HubClient",
    "HubClientError",
    "HubUnavailable",
    "Incident",
    "NextAction",
    "OnDuty",
    "Region",
    "Team",
    "paginate",
]
