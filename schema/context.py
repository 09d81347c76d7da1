"""The per-request context: the hub, who is asking, and fresh DataLoaders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from strawberry.fastapi import BaseContext

from hub.core import Hub
from schema.loaders import Loaders


@dataclass
class Principal:
    actor: str
    role: str = "admin"
    region_ids: tuple[str, ...] = ()
    team_ids: tuple[str, ...] = ()


class Context(BaseContext):
    def __init__(self, hub: Hub, principal: Principal, request_id: str | None = None) -> None:
        super().__init__()
        self.hub = hub
        self.principal = principal
        self.request_id = request_id or uuid.uuid4().hex[:16]
        self.loaders = Loaders(hub)


@dataclass
class Info:
    """Typing help: ``info.context`` in resolvers is a :class:`Context`."""

    context: Context
    extra: dict[str, Any] = field(default_factory=dict)
