"""Groups of identical subscriptions: executed once per event, sent to each member.

Subscriptions with the same document, variables (the resume cursor aside),
operation and access scope see the same results, so a group runs the
operation once, serializes each result once, and hands the same text to every
member. The group's context is built from its key alone (the hub and the
access scope, no token, no request, no actor) so nothing of one user's
connection can reach another's results.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable, Hashable
from typing import Any

import orjson
from strawberry.schema import BaseSchema
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.utils.aio import aclosing

from hub.events.stream import StreamControl, current_control
from hub.events.subscriber import Ended
from schema.errors import to_graphql_error
from schema.ws_member import BEHIND_CODE, BEHIND_REASON, Close, Complete, Errors, Member, Quiet

log = logging.getLogger(__name__)

GroupKey = tuple[Hashable, ...]


def encode_payload(result: ExecutionResult, request_id: str = "-") -> str:
    """A ``next`` payload as text: frames must stay text whatever the encoder.

    Errors get their codes here: the error extension maps an operation's
    errors when it ends, which a subscription's results never wait for.
    """
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [to_graphql_error(e, request_id).formatted for e in result.errors]
    if result.extensions:
        payload["extensions"] = result.extensions
    return orjson.dumps(payload).decode()


def formatted_errors(result: ExecutionResult, request_id: str) -> list[Any]:
    return [to_graphql_error(e, request_id).formatted for e in result.errors or []]


def scope_of(principal: Any) -> tuple[Hashable, Any]:
    """The access scope of ``principal``: a hashable key and a principal holding
    only that scope, so a group shares results among people who may see the
    same things, and its context names none of them."""
    if dataclasses.is_dataclass(principal) and not isinstance(principal, type):
        scoped = dataclasses.replace(principal, actor="subscription-group")
        return (type(principal).__name__, repr(scoped)), scoped
    # Unknown shape: share only among connections of this very principal.
    return ("principal", id(principal)), principal


class Group:
    def __init__(
        self,
        key: GroupKey,
        schema: BaseSchema,
        *,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
        on_empty: Callable[[Group], None],
    ) -> None:
        self.key = key
        self.members: dict[Member, None] = {}
        self.control = StreamControl()
        self.ended = asyncio.Event()
        self.closing = False
        self._pushed: int | None = None
        self._on_empty = on_empty
        self._task = asyncio.create_task(
            self._run(schema, query, variables, operation_name, context),
            name=f"ws-group-{hash(key) & 0xFFFF:04x}",
        )

    @property
    def position(self) -> int | None:
        """The last sequence sent to members, or where the live part starts."""
        return self._pushed if self._pushed is not None else self.control.watermark

    async def join(self, member: Member, *, needs_position: bool) -> int | None:
        """Add ``member``; with ``needs_position``, once the position is known.

        Returns the position at the moment the member was added: every later
        frame has a higher sequence.
        """
        if needs_position and not self.control.joined.is_set():
            waits = [
                asyncio.ensure_future(self.control.joined.wait()),
                asyncio.ensure_future(self.ended.wait()),
            ]
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for w in waits:
                    w.cancel()
        if self.ended.is_set():
            member.finish(Complete())
            return None
        self.members[member] = None
        return self.position

    def leave(self, member: Member) -> None:
        self.members.pop(member, None)
        if not self.members and not self._task.done():
            self.closing = True
            self._task.cancel()
            self._on_empty(self)

    async def _run(
        self,
        schema: BaseSchema,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
    ) -> None:
        current_control.set(self.control)
        try:
            source = await schema.subscribe(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
            )
            if isinstance(source, ExecutionResult):  # pragma: no cover - stream form only
                self._fan_out(None, encode_payload(source))
                self._end(Complete())
                return
            async with aclosing(source):
                first = True
                async for result in source:
                    if first and isinstance(result, PreExecutionError):
                        self._end(Errors(formatted_errors(result, context.request_id)))
                        return
                    first = False
                    if self.control.overflowed:
                        break
                    payload = encode_payload(result, context.request_id)
                    self._fan_out(self.control.last_seq, payload)
                    self.control.last_seq = None
            self._end(self._outcome())
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("event=ws.group_failed members=%d", len(self.members))
            self._end(Close(1011, "internal error"))
        finally:
            self.ended.set()

    def _outcome(self) -> Complete | Close | Quiet:
        if self.control.overflowed:
            return Close(BEHIND_CODE, BEHIND_REASON)
        if self.control.ended is Ended.DRAIN:
            return Quiet()
        return Complete()

    def _fan_out(self, seq: int | None, payload: str) -> None:
        for member in list(self.members):
            member.push(seq, payload)
        if seq is not None:
            self._pushed = seq

    def _end(self, outcome: Complete | Errors | Close | Quiet) -> None:
        for member in list(self.members):
            member.finish(outcome)
        self._on_empty(self)


class Groups:
    """Every live group of one app, by key."""

    def __init__(self) -> None:
        self._groups: dict[GroupKey, Group] = {}

    def __len__(self) -> int:
        return len(self._groups)

    def live_members(self) -> int:
        """Subscriptions that hear every event released from now on: those
        whose group's stream has joined the feed and not ended."""
        return sum(
            len(group.members)
            for group in self._groups.values()
            if group.control.joined.is_set() and not group.ended.is_set()
        )

    def get_or_create(self, key: GroupKey, create: Callable[[], Group]) -> Group:
        group = self._groups.get(key)
        if group is None or group.closing or group.ended.is_set():
            group = create()
            self._groups[key] = group
        return group

    def forget(self, group: Group) -> None:
        if self._groups.get(group.key) is group:
            del self._groups[group.key]

    async def close(self) -> None:
        for group in list(self._groups.values()):
            group._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await group._task
