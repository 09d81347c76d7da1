"""Liveness and readiness, for load balancers and orchestrators."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)

router = APIRouter()


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    hub = request.app.state.hub
    try:
        await hub.db.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", said plainly
        log.warning("event=health.db_unreachable error=%r", exc)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    return JSONResponse({"status": "ready", "database": hub.db.name})
