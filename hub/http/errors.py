"""Domain errors as HTTP answers: a status from the error's kind, a JSON body."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from hub.errors import HubError, RateLimited


async def hub_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HubError)
    headers = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    body = {"error": exc.code, "message": exc.message}
    return JSONResponse(body, status_code=exc.http_status, headers=headers)
