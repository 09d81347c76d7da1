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
from hub.alerts.integrations import Integration
from hub.alerts.limits import PayloadTooLarge
from hub.core import Hub
from hub.errors import NotFound

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


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def integration_for(hub: Hub, address: str, source: str, key: str) -> Integration:
    """The integration behind ``key``, within both rate limits (see
    :mod:`hub.alerts.ratelimit`): unknown keys count against the address."""
    limiter = hub.ingest_limiter
    await limiter.before_lookup(address, source, key)
    try:
        integration = await hub.alerts.integrations.by_key(source, key)
    except NotFound:
        await limiter.lookup_failed(address, source, key)
        raise
    await limiter.hit(source, key)
    return integration


async def ingest_raw(hub: Hub, request: Request, source: str, key: str) -> IngestResult:
    integration = await integration_for(hub, client_address(request), source, key)
    raw = await read_body(request, hub.settings.max_body_bytes)
    result = await hub.alerts.ingest_body(integration, raw)
    log_result(source, result)
    return result


@router.post("/ingest/{source}/{key}", status_code=202)
async def ingest(source: str, key: str, request: Request) -> JSONResponse:
    hub: Hub = request.app.state.hub
    result = await ingest_raw(hub, request, source, key)
    return JSONResponse(describe(result), status_code=202)
