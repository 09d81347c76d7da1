"""PagerDuty Events API v2 on the hub: ``POST /v2/enqueue`` and the answers
PagerDuty senders parse.

Success is 202 with ``status``, ``message`` and ``dedup_key``; a refused
event is 400 with ``status``, ``message`` and ``errors``; throttling is 429.
The integration key travels as ``routing_key`` in the body, exactly as for
PagerDuty, so the key is known only after the body is decoded (within the
same size and depth bounds as every ingest).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hub.alerts.ingest import IngestResult
from hub.alerts.sources import pagerduty
from hub.core import Hub
from hub.errors import BadInput, HubError, NotFound, RateLimited
from hub.http.ingest import client_address, ingest_raw, integration_for, log_result, read_body

router = APIRouter()

_STATUS_WORDS = {NotFound: "invalid routing key", RateLimited: "throttle event"}


async def answer(run: Callable[[], Awaitable[IngestResult]]) -> JSONResponse:
    """``run``'s result, or its refusal, the way PagerDuty would say it."""
    try:
        result = await run()
    except HubError as exc:
        return refusal(exc)
    batch = result.batch
    body = pagerduty.success_response(batch.group_key if batch else "")
    if result.ignored_reason and batch is not None and not batch.group_key:
        body = {"status": "success", "message": "Change event processed"}
    return JSONResponse(body, status_code=202)


def refusal(exc: HubError) -> JSONResponse:
    word = next((w for kind, w in _STATUS_WORDS.items() if isinstance(exc, kind)), None)
    status = word or "invalid event"
    message = "Event object is invalid" if isinstance(exc, BadInput) else exc.message
    body = pagerduty.error_response(message, [exc.message], status=status)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return JSONResponse(body, status_code=exc.http_status, headers=headers)


async def _enqueue(hub: Hub, request: Request) -> IngestResult:
    raw = await read_body(request, hub.settings.max_body_bytes)
    payload = hub.alerts.decode(raw)
    key = payload.get("routing_key") if isinstance(payload, dict) else None
    if not isinstance(key, str) or not key:
        raise BadInput("routing_key is required and must be a string", field="routing_key")
    integration = await integration_for(hub, client_address(request), pagerduty.SOURCE, key)
    result = await hub.alerts.ingest_payload(integration, payload)
    log_result(pagerduty.SOURCE, result)
    return result


@router.post("/ingest/pagerduty/{key}", status_code=202)
async def ingest(key: str, request: Request) -> JSONResponse:
    hub: Hub = request.app.state.hub
    return await answer(lambda: ingest_raw(hub, request, pagerduty.SOURCE, key))


@router.post("/v2/enqueue", status_code=202)
async def enqueue(request: Request) -> JSONResponse:
    hub: Hub = request.app.state.hub
    return await answer(lambda: _enqueue(hub, request))
