"""uvicorn, with live connections drained before it closes them itself.

Stock uvicorn answers shutdown by closing every websocket with 1012 at once;
the hub first delivers each event committed before shutdown began and closes
with 1001 (see :mod:`hub.events.drain`), then lets uvicorn finish.
"""

from __future__ import annotations

import logging
import socket

import uvicorn

from hub.core import Hub
from hub.http import redact

log = logging.getLogger(__name__)


class HubServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, hub: Hub) -> None:
        super().__init__(config)
        self.hub = hub
        # Access log lines hold each path with its query string, tokens too.
        redact.install("uvicorn.access", "uvicorn.error")

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await self.hub.drain.run(within=self.hub.settings.ws_drain_timeout)
        except Exception:
            log.exception("event=server.drain_failed")
        await super().shutdown(sockets)
