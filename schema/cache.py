"""A response cache for GraphQL reads over HTTP, keyed by the data version.

A read's response is kept under (document, variables, operation, the
credentials that decide its access scope, data version): any write changes
the version, on every replica at once, so a cached answer is never older than
the last write a client could have seen finish. Concurrent misses for one key
are merged into one execution. Answers that depend on the clock alone (who is
on duty now) can lag by at most ``max_age`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import orjson
from graphql import GraphQLError, parse
from graphql.utilities import get_operation_ast
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.core import Hub
from hub.events import version
from schema.context import request_id_from

log = logging.getLogger(__name__)

# Headers that change the answer: who asks, and the media type they accept.
SCOPE_HEADERS = (b"authorization", b"cookie", b"accept")

Response = tuple[int, list[tuple[bytes, bytes]], bytes]


class ResponseCache:
    def __init__(
        self,
        app: ASGIApp,
        *,
        hub: Hub,
        path: str = "/graphql",
        max_entries: int = 2048,
        max_age: float = 1.0,
        max_body: int = 1 << 20,
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
        kind, key = self._classify(scope, body)
        if kind == "mutation":
            await self.app(scope, replay, self._bumping(send))
        elif kind == "query" and key is not None:
            await self._cached(scope, replay, send, key)
        else:
            await self.app(scope, replay, send)

    def _classify(self, scope: Scope, body: bytes) -> tuple[str, tuple[Any, ...] | None]:
        if len(body) > self.max_body:
            return "other", None
        try:
            request = orjson.loads(body)
            query, op = request["query"], request.get("operationName")
            kind = _kind(query, op)
        except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError, GraphQLError):
            return "other", None
        if kind != "query":
            return kind, None
        variables = request.get("variables")
        extensions = request.get("extensions")
        well_formed = (
            isinstance(variables, dict | None)
            and isinstance(op, str | None)
            and isinstance(extensions, dict | None)
        )
        if not well_formed:
            # Malformed requests go to the router, which refuses them; they
            # must never match a well-formed request's cached answer.
            return "other", None
        headers = dict(scope["headers"])
        if b"json" not in headers.get(b"content-type", b""):
            return "other", None  # the router answers those, with its own status
        who = tuple(headers.get(h) for h in SCOPE_HEADERS)
        sort = orjson.OPT_SORT_KEYS
        parts = (orjson.dumps(variables or {}, option=sort), orjson.dumps(extensions, option=sort))
        return "query", (query, *parts, op, who)

    def _bumping(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Before the client hears the write finished, every replica's
                # next read must miss.
                await version.bump(self.hub.db)
            await send(message)

        return wrapped

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


@lru_cache(maxsize=512)
def _kind(query: str, operation_name: str | None) -> str:
    operation = get_operation_ast(parse(query), operation_name)
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
