"""Exit codes scripts can branch on, and the one-line error report.

0  success
1  usage or bad input (unknown option, malformed value, refused input)
2  not found (no such incident, team, region or handoff)
3  authentication or permission (missing, bad or insufficient token)
4  conflict or invalid transition (stale version, step the lifecycle forbids)
5  server or connection failure (hub unreachable, internal error)
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, NoReturn, TypeVar

from clients.python.errors import HubClientError

OK, USAGE, NOT_FOUND, AUTH, CONFLICT, SERVER = range(6)

CODES = {
    "BAD_USER_INPUT": USAGE,
    "BAD_REQUEST": USAGE,
    "GRAPHQL_VALIDATION_FAILED": USAGE,
    "GRAPHQL_PARSE_FAILED": USAGE,
    "NOT_SUPPORTED": USAGE,
    "NOT_FOUND": NOT_FOUND,
    "UNAUTHENTICATED": AUTH,
    "FORBIDDEN": AUTH,
    "CONFLICT": CONFLICT,
    "INVALID_TRANSITION": CONFLICT,
}

T = TypeVar("T")


def exit_code(error: HubClientError) -> int:
    return CODES.get(error.code, SERVER)


def fail(message: str, code: int) -> NoReturn:
    print(f"hubctl: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine; a hub error becomes one line and its exit code."""
    try:
        return asyncio.run(coro)
    except HubClientError as exc:
        fail(str(exc), exit_code(exc))
    except KeyboardInterrupt:
        raise SystemExit(130) from None
