"""Posting alerts and reading what they left behind, for the alert tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.core import Hub
from hub.incidents.models import Incident
from tests.alerts.payloads import OWN_DIR, examples, shared_dir
from tests.conftest import shared_path

# Alertmanager's and Grafana's "has not ended" time.
ZERO_TIME = "0001-01-01T00:00:00Z"

# Everything an ingest could write; "stores nothing" means all stay at zero.
STORED = ("incidents", "alert_groups", "events")


def shared_files() -> list[Path]:
    """The captured payload files; skips with the reason when absent."""
    directory = shared_dir() or shared_path("data", "alerts")
    return sorted(directory.glob("*.json"))


def shared_example(name: str) -> dict[str, Any]:
    for path in shared_files():
        for ex in examples(path):
            if ex["name"] == name:
                return ex["payload"]  # type: ignore[no-any-return]
    raise LookupError(name)


def own_example(source: str, name: str) -> dict[str, Any]:
    for ex in examples(OWN_DIR / f"{source}.json"):
        if ex["name"] == name:
            return ex["payload"]  # type: ignore[no-any-return]
    raise LookupError(name)


def file_params(files: list[Path], source_of: Any) -> list[Any]:
    """One param per example: (source, examples before it, the example)."""
    params = []
    for path in files:
        found = examples(path)
        for i, ex in enumerate(found):
            source = source_of(path, ex)
            before = [e for e in found[:i] if source_of(path, e) == source]
            params.append(pytest.param(source, before, ex, id=ex["name"]))
    return params


async def post(
    api: httpx.AsyncClient, source: str, payload: Any, *, key: str | None = None
) -> httpx.Response:
    return await api.post(f"/ingest/{source}/{key or 'demo-' + source}", json=payload)


async def stored_counts(hub: Hub) -> dict[str, int]:
    return {name: await hub.db[name].count({}) for name in STORED}


async def incidents(hub: Hub) -> list[Incident]:
    docs = await hub.db["incidents"].find({}, sort=[("number", 1)])
    return [Incident.model_validate(d) for d in docs]


async def event_types(hub: Hub, incident_id: str) -> list[str]:
    return [e.type for e in await hub.events.for_incident(incident_id)]


def all_firing(payload: dict[str, Any]) -> dict[str, Any]:
    """The notification the sender made earlier, while every alert of the group fired."""
    earlier = copy.deepcopy(payload)
    earlier["status"] = "firing"
    for alert in earlier["alerts"]:
        alert["status"] = "firing"
        alert["endsAt"] = ZERO_TIME
    return earlier
