"""Alert ingest over HTTP: ``POST /ingest/{source}/{integrationKey}``.

Every source answers 202 with what the delivery did. PagerDuty senders get
PagerDuty's own response shapes instead: :mod:`hub.http.pagerduty` serves
``/ingest/pagerduty/{key}`` ahead of this router, so a monitor wired to
PagerDuty only changes the URL.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hub.alerts.ingest import IngestResult
from hub.alerts.limits import PayloadTooLarge
from hub.core import Hub

log = logging.getLogger(__name__)

router = APIRouter()


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"body of {declared} bytes is over the {limit}-byte limit")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body is over the {limit}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def describe(result: IngestResult) -> dict[str, Any]:
    incident = result.incident
    route = result.route
    return {
        "status": _status(result),
        "reason": result.ignored_reason or result.noted,
        "incident": incident.ref if incident else None,
        "incidentId": incident.id if incident else None,
        "created": result.created,
        "fired": result.fired,
        "resolved": result.resolved,
        "teamIds": route.team_ids if route else None,
        "subscriptionConfirmed": result.subscription_confirmed,
    }


def _status(result: IngestResult) -> str:
    if result.ignored_reason:
        return "ignored"
    return "noted" if result.noted else "accepted"


def log_result(source: str, result: IngestResult) -> None:
    log.info(
        "event=alert.ingested source=%s incident=%s created=%s fired=%d resolved=%d",
        source,
        result.incident.ref if result.incident else "-",
        result.created,
        result.fired,
        result.resolved,
    )


async def ingest_raw(hub: Hub, request: Request, source: str, key: str) -> IngestResult:
    await hub.ingest_limiter.hit(source, key)
    raw = await read_body(request, hub.settings.max_body_bytes)
    result = await hub.alerts.ingest(source, key, raw)
    log_result(source, result)
    return result


@router.post("/ingest/{source}/{key}", status_code=202)
async def ingest(source: str, key: str, request: Request) -> JSONResponse:
    hub: Hub = request.app.state.hub
    result = await ingest_raw(hub, request, source, key)
    return JSONResponse(describe(result), status_code=202)
