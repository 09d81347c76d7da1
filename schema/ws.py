"""graphql-transport-ws with grouped fan-out, resume, backpressure and drain.

Only the operation-running step of Strawberry's handler is replaced: the
handshake, init timeout, ping/pong and protocol close codes stay Strawberry's.
A subscription joins the group of identical subscriptions (see
:mod:`schema.ws_groups`); a resuming one (``after`` set through a variable)
first replays what it missed on its own, up to the group's position, then
takes the group's frames. Queries and mutations over the socket, and a
resume cursor written inline in the document, run the stock way.

Close codes, beyond the protocol's own 44xx:
    4499  the subscriber fell behind its buffer; resume with the last cursor
    4498  no message (not even a pong) within the ping interval plus timeout
    1001  the server is shutting down, after the last event committed before
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import orjson
from graphql import FieldNode, GraphQLSyntaxError, OperationType, VariableNode, parse
from graphql.utilities import get_operation_ast
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message
from strawberry.types.execution import PreExecutionError
from strawberry.utils.aio import aclosing

from hub.core import Hub
from hub.errors import BadInput
from hub.events.drain import GOING_AWAY
from hub.events.models import decode_cursor
from hub.events.stream import StreamControl, current_control
from schema.context import Context
from schema.limits import MAX_TOKENS
from schema.ws_groups import Group, Groups, encode_payload, formatted_errors, scope_of
from schema.ws_member import (
    Close,
    Complete,
    Errors,
    Member,
    Outcome,
    start_eagerly,
)
from schema.ws_messages import message_problem

log = logging.getLogger(__name__)

PONG_TIMEOUT_CODE = 4498
PING = '{"type":"ping"}'


@dataclass(frozen=True)
class Shape:
    """What grouping needs to know of a subscription document."""

    after_variable: str | None
    inline_after: bool


@lru_cache(maxsize=512)
def shape_of(query: str, operation_name: str | None) -> Shape | None:
    """The subscription's shape; ``None`` for a query or mutation.

    Raises :class:`GraphQLSyntaxError` for a document that does not parse.
    """
    operation = get_operation_ast(parse(query, max_tokens=MAX_TOKENS), operation_name)
    if operation is None or operation.operation is not OperationType.SUBSCRIPTION:
        return None
    after_variable, inline = None, False
    for field in operation.selection_set.selections:
        if not isinstance(field, FieldNode):
            continue
        for arg in field.arguments or ():
            if arg.name.value != "after":
                continue
            if isinstance(arg.value, VariableNode):
                after_variable = arg.value.name.value
            else:
                inline = True
    return Shape(after_variable, inline)


class Pinger:
    """Pings every live connection of one app from a single task."""

    def __init__(self, interval: float, timeout: float) -> None:
        self.interval = interval
        self.timeout = timeout
        self._conns: set[GroupedTransportWSHandler] = set()
        self._task: asyncio.Task[None] | None = None

    def add(self, conn: GroupedTransportWSHandler) -> None:
        self._conns.add(conn)
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="ws-pinger")

    def discard(self, conn: GroupedTransportWSHandler) -> None:
        self._conns.discard(conn)
        if not self._conns and self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            silent_after = time.monotonic() - self.interval - self.timeout
            for conn in list(self._conns):
                conn.ping_or_close(silent_after)


class GroupedTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    hub: ClassVar[Hub]
    groups: ClassVar[Groups]
    pinger: ClassVar[Pinger]
    send_buffer: ClassVar[int]
    drain_timeout: ClassVar[float]

    last_seen = 0.0

    async def handle(self) -> None:
        if self.hub.drain.draining:
            await self.websocket.close(GOING_AWAY, "server shutting down")
            return
        self.last_seen = time.monotonic()
        self.hub.drain.register(self)
        self.pinger.add(self)
        try:
            await super().handle()
        finally:
            self.hub.drain.unregister(self)
            self.pinger.discard(self)

    async def handle_message(self, message: Message) -> None:
        self.last_seen = time.monotonic()
        problem = message_problem(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)

    def ping_or_close(self, silent_after: float) -> None:
        if not self.connection_acknowledged:
            return  # the init timeout covers this connection
        if self.last_seen < silent_after:
            log.info("event=ws.pong_timeout")
            close = self.websocket.close(PONG_TIMEOUT_CODE, "no pong received")
            task = asyncio.create_task(close)
            task.add_done_callback(self._task_done)
            return
        coro = self._socket.send_text(PING)
        with contextlib.suppress(Exception):
            done, _ = start_eagerly(coro)
            if not done:
                coro.close()  # backed up: data is flowing to it already

    @property
    def _socket(self) -> Any:
        return self.websocket.ws  # type: ignore[attr-defined]

    async def drain(self, code: int, reason: str) -> None:
        tasks = [op.task for op in self.operations.values() if op.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=self.drain_timeout)
        with contextlib.suppress(Exception):
            await self.websocket.close(code, reason)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        try:
            shape = shape_of(operation.query, operation.operation_name)
        except GraphQLSyntaxError as error:
            self.operations.pop(operation.id, None)
            await self.websocket.close(4400, error.message)
            return
        if shape is None or shape.inline_after:
            await super().run_operation(operation)
            return
        await self._run_grouped(operation, shape)

    def _group_for(self, operation: Operation[Context, None], shape: Shape) -> tuple[Group, Any]:
        """The group this subscription belongs to, and its resume cursor."""
        variables = dict(operation.variables or {})
        after = None
        if shape.after_variable is not None:
            after = variables.get(shape.after_variable)
            variables[shape.after_variable] = None
        scope_key, scoped = scope_of(self.context.principal)
        key = (
            operation.query,
            orjson.dumps(variables, option=orjson.OPT_SORT_KEYS),
            operation.operation_name,
            scope_key,
        )

        def create() -> Group:
            return Group(
                key,
                self.schema,
                query=operation.query,
                variables=variables,
                operation_name=operation.operation_name,
                context=Context(self.hub, scoped),
                on_empty=self.groups.forget,
            )

        return self.groups.get_or_create(key, create), after

    async def _run_grouped(self, operation: Operation[Context, None], shape: Shape) -> None:
        # Built in a helper so that this long-lived frame keeps no copy of the
        # key: at a thousand idle subscribers every kilobyte counts.
        group, after = self._group_for(operation, shape)
        member = Member(self._socket, operation.id, limit=self.send_buffer, skip_until=0)
        member.holding = after is not None
        try:
            position = await group.join(member, needs_position=after is not None)
            if after is not None and position is not None and member.outcome is None:
                await self._replay(operation, member, position)
                member.skip_until = max(position, _seq_or_zero(after))
                member.release()
            await self._finish(operation, await member.run())
        finally:
            group.leave(member)

    async def _replay(
        self, operation: Operation[Context, None], member: Member, until: int
    ) -> None:
        token = current_control.set(StreamControl(until=until))
        try:
            source = await self.schema.subscribe(
                operation.query,
                variable_values=operation.variables,
                context_value=self.context,
                operation_name=operation.operation_name,
            )
            if not hasattr(source, "__aiter__"):  # pragma: no cover - stream form only
                return
            async with aclosing(source):
                first = True
                async for result in source:
                    if first and isinstance(result, PreExecutionError):
                        errors = formatted_errors(result, self.context.request_id)
                        member.finish(Errors(errors))
                        return
                    first = False
                    payload = encode_payload(result, self.context.request_id)
                    await self._socket.send_text(member.frame(payload))
                    if result.errors and result.data is None:
                        member.finish(Complete())
                    if member.outcome is not None:
                        return
        finally:
            current_control.reset(token)

    async def _finish(self, operation: Operation[Context, None], outcome: Outcome | None) -> None:
        if isinstance(outcome, Complete):
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        elif isinstance(outcome, Errors):
            await operation.send_operation_message(
                {"id": operation.id, "type": "error", "payload": outcome.payload}
            )
        else:
            self.operations.pop(operation.id, None)
            if isinstance(outcome, Close):
                with contextlib.suppress(Exception):
                    await self.websocket.close(outcome.code, outcome.reason)


def _seq_or_zero(cursor: Any) -> int:
    if not isinstance(cursor, str):
        return 0
    try:
        return decode_cursor(cursor)
    except BadInput:
        return 0


def grouped_handler(
    hub: Hub,
    *,
    send_buffer: int,
    ping_interval: float,
    ping_timeout: float,
    drain_timeout: float,
) -> type[GroupedTransportWSHandler]:
    """The handler class for one app, bound to its hub and its own groups."""

    class Handler(GroupedTransportWSHandler):
        pass

    Handler.hub = hub
    Handler.groups = Groups()
    Handler.pinger = Pinger(ping_interval, ping_timeout)
    Handler.send_buffer = send_buffer
    Handler.drain_timeout = drain_timeout
    return Handler
