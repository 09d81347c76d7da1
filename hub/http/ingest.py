"""Alert ingest over HTTP: ``POST /ingest/{source}/{integrationKey}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hub.alerts.ingest import IngestResult
from hub.alerts.limits import PayloadTooLarge

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
    return {
        "status": "ignored" if result.ignored_reason else "accepted",
        "reason": result.ignored_reason,
        "incident": incident.ref if incident else None,
        "incidentId": incident.id if incident else None,
        "created": result.created,
        "fired": result.fired,
        "resolved": result.resolved,
    }


@router.post("/ingest/{source}/{key}", status_code=202)
async def ingest(source: str, key: str, request: Request) -> JSONResponse:
    hub = request.app.state.hub
    raw = await read_body(request, hub.settings.max_body_bytes)
    result = await hub.alerts.ingest(source, key, raw)
    log.info(
        "event=alert.ingested source=%s incident=%s created=%s fired=%d resolved=%d",
        source, result.incident.ref if result.incident else "-", result.created,
        result.fired, result.resolved,
    )
    return JSONResponse(describe(result), status_code=202)
