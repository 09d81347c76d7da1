"""The per-request context: the hub, who is asking, and fresh DataLoaders."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from strawberry.fastapi import BaseContext

from hub.auth.models import Principal
from hub.core import Hub
from hub.errors import Unauthenticated
from schema.loaders import Loaders

__all__ = ["Context", "Info", "Principal", "request_id_from"]

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is a sane one, else a fresh id."""
    if header and _REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex[:16]


class Context(BaseContext):
    def __init__(
        self,
        hub: Hub,
        principal: Principal | None = None,
        request_id: str | None = None,
        *,
        auth_error: str | None = None,
    ) -> None:
        super().__init__()
        self.hub = hub
        self._principal = principal
        self.auth_error = auth_error
        self.request_id = request_id or uuid.uuid4().hex[:16]

    @cached_property
    def loaders(self) -> Loaders:
        # Built on first use: a websocket connection's own context never
        # loads anything (its subscriptions run in their group's context),
        # and a dozen idle loaders per socket add up at thousands of sockets.
        return Loaders(self.hub)

    def fresh_loaders(self) -> None:
        """Forget what the loaders hold: a subscription's context lives as long
        as the stream, and each event must read the data as it is now (and a
        cache kept for the stream's life would grow with every incident)."""
        self.__dict__.pop("loaders", None)

    @property
    def authenticated(self) -> bool:
        return self._principal is not None

    @property
    def principal(self) -> Principal:
        """Who is asking; reading it on an unauthenticated request refuses it."""
        if self._principal is None:
            raise Unauthenticated(self.auth_error or "this request carries no API token")
        return self._principal

    @principal.setter
    def principal(self, value: Principal) -> None:
        self._principal = value


@dataclass
class Info:
    """Typing help: ``info.context`` in resolvers is a :class:`Context`."""

    context: Context
    extra: dict[str, Any] = field(default_factory=dict)
