"""A response cache for GraphQL reads over HTTP, keyed by the data version.

A read's response is kept under (document, variables, operation, the
authenticated principal, the response media type, data version). The
principal is looked up before anything is served, so an answer is only ever
given to the token it was made for, and a revoked token stops at once. Every
mutation changes the version on its way out of the schema, whatever the
transport (see :class:`WritesEndCachedReads`), and on every replica at once,
so a cached answer is never older than the last write a client could have
seen finish. Concurrent misses for one key are merged into one execution.
Answers that depend on the clock alone (who is on duty now) can lag by at
most ``max_age`` seconds.

Anything the cache does not understand, from a malformed body to a missing
token, goes to the router untouched, which answers it as it would uncached.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from functools import lru_cache
from typing import Any

import orjson
from graphql import parse
from graphql.utilities import get_operation_ast
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from hub.core import Hub
from hub.errors import HubError
from hub.events import version
from hub.jsonlimits import check_json_depth
from schema.context import Context, request_id_from
from schema.credentials import authenticate
from schema.http import MAX_BODY_BYTES, negotiate
from schema.limits import MAX_TOKENS

log = logging.getLogger(__name__)

# Deeper requests are not cached (the router judges them): orjson stops at 255.
MAX_JSON_DEPTH = 128

Response = tuple[int, list[tuple[bytes, bytes]], bytes]


class WritesEndCachedReads(SchemaExtension):
    """Changes the data version once a mutation has run, on any transport.

    The change lands before the result leaves the schema, so by the time a
    client hears that its write finished, every replica's next read misses.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        ec = self.execution_context
        refused = isinstance(ec.result, PreExecutionError)
        if ec.operation_type is OperationType.MUTATION and not refused:
            context: Context = ec.context
            await version.bump(context.hub.db)


class ResponseCache:
    def __init__(
        self,
        app: ASGIApp,
        *,
        hub: Hub,
        path: str = "/graphql",
        max_entries: int = 2048,
        max_age: float = 1.0,
        max_body: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.hub = hub
        self.path = path
        self.max_entries = max_entries
        self.max_age = max_age
        self.max_body = max_body
        self._entries: OrderedDict[tuple[Any, ...], tuple[float, Response]] = OrderedDict()
        self._inflight: dict[tuple[Any, ...], asyncio.Future[Response]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        body = await _read(receive)
        replay = _replayer(body)
        key = await self._key(scope, body)
        if key is None:
            await self.app(scope, replay, send)
        else:
            await self._cached(scope, replay, send, key)

    async def _key(self, scope: Scope, body: bytes) -> tuple[Any, ...] | None:
        """The key of a well-formed read by a known caller; None: not cacheable."""
        if len(body) > self.max_body:
            return None
        try:
            request = _read_request(scope, body)
        except Exception:  # noqa: BLE001 - the router answers it, uncached
            return None
        if request is None:
            return None
        try:
            principal = await authenticate(self.hub, scope)
        except HubError:
            return None  # the router answers 400 or 401 with the reason
        return (*request, principal)

    async def _cached(
        self, scope: Scope, receive: Receive, send: Send, base: tuple[Any, ...]
    ) -> None:
        key = (*base, await version.current(self.hub.db))
        found = self._entries.get(key)
        if found is not None and time.monotonic() - found[0] < self.max_age:
            await _send(send, found[1], scope)
            return
        waiting = self._inflight.get(key)
        if waiting is not None:
            await _send(send, await asyncio.shield(waiting), scope)
            return
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            response = await self._run(scope, receive)
            future.set_result(_shared(response))
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it themselves
            raise
        finally:
            del self._inflight[key]
        if response[0] == 200 and b'"errors"' not in response[2]:
            self._entries[key] = (time.monotonic(), _shared(response))
            if len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        await _send(send, response)

    async def _run(self, scope: Scope, receive: Receive) -> Response:
        status, headers, chunks = 500, [], []

        async def collect(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        return status, headers, b"".join(chunks)


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _read_request(scope: Scope, body: bytes) -> tuple[Any, ...] | None:
    """What of a request decides its answer, if it is a well-formed read.

    Raises whatever a malformed body makes the decoders raise.
    """
    headers = dict(scope["headers"])
    media = negotiate(headers.get(b"accept", b"").decode("latin-1"))
    if media is None or b"json" not in headers.get(b"content-type", b""):
        return None  # the router answers those, with its own status
    # Depth first: deep nesting would crash orjson and Python's json alike.
    check_json_depth(body, MAX_JSON_DEPTH)
    request = orjson.loads(body)
    query, op = request["query"], request.get("operationName")
    variables, extensions = request.get("variables"), request.get("extensions")
    well_formed = (
        isinstance(query, str)
        and isinstance(variables, dict | None)
        and isinstance(op, str | None)
        and isinstance(extensions, dict | None)
    )
    # Malformed requests go to the router, which refuses them; they must
    # never match a well-formed request's cached answer.
    if not well_formed or _kind(query, op) != "query":
        return None
    sort = orjson.OPT_SORT_KEYS
    parts = (orjson.dumps(variables or {}, option=sort), orjson.dumps(extensions, option=sort))
    return (query, *parts, op, media)


@lru_cache(maxsize=512)
def _kind(query: str, operation_name: str | None) -> str:
    operation = get_operation_ast(parse(query, max_tokens=MAX_TOKENS), operation_name)
    return operation.operation.value if operation is not None else "other"


def _replayer(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # like a client that sends nothing more
        return {"type": "http.disconnect"}

    return receive


def _shared(response: Response) -> Response:
    """``response`` without the request id of the request that produced it."""
    status, headers, body = response
    return status, [(k, v) for k, v in headers if k.lower() != b"x-request-id"], body


async def _send(send: Send, response: Response, scope: Scope | None = None) -> None:
    status, headers, body = response
    if scope is not None:
        # A shared answer still names this request, as every answer does.
        asked = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        headers = [*headers, (b"x-request-id", request_id_from(asked or None).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
