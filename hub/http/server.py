"""uvicorn, with live connections drained before it closes them itself.

Stock uvicorn answers shutdown by closing every websocket with 1012 at once;
the hub first delivers each event committed before shutdown began and closes
with 1001 (see :mod:`hub.events.drain`), then lets uvicorn finish.
"""

from __future__ import annotations

import gc
import logging
import socket

import uvicorn

from hub.core import Hub
from hub.http import redact

log = logging.getLogger(__name__)


class HubServer(uvicorn.Server):
    def __init__(
        self, config: uvicorn.Config, hub: Hub, *, freeze_startup_heap: bool = False
    ) -> None:
        super().__init__(config)
        self.hub = hub
        self.freeze_startup_heap = freeze_startup_heap
        # Access log lines hold each path with its query string, tokens too.
        redact.install("uvicorn.access", "uvicorn.error")

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.freeze_startup_heap:
            settle_heap()
            log.info("event=server.heap_frozen objects=%d", gc.get_freeze_count())

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await self.hub.drain.run(within=self.hub.settings.ws_drain_timeout)
        except Exception:
            log.exception("event=server.drain_failed")
        await super().shutdown(sockets)


# Young-generation collections per allocated object: the default (700) runs
# one every few resolver calls during a large query, each promoting whatever
# the requests in flight hold.
YOUNG_THRESHOLD = 20_000


def settle_heap() -> None:
    """Exempt what start-up built from garbage collection, for a process that
    has finished starting and will live as long as it serves.

    The schema, the modules and the settings live as long as the process;
    left in the collector's generations, every full collection rescans them,
    and a busy server runs about one per large query (measured here: a list
    of 100 incidents served half again as fast once settled). Frozen objects
    are never freed, so only a server that owns its process calls this, once.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
