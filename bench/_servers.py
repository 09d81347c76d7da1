"""Servers the benchmarks measure, each run in a process of its own.

    python -m bench._servers hub PORT INCIDENTS CACHE_SECONDS
    python -m bench._servers bare PORT

``hub`` serves the real app on the embedded engine, seeded with the demo
world and INCIDENTS incidents (each with its team's service). ``bare`` is the
baseline: a plain ``websockets`` server that broadcasts a fixed frame to every
connection whenever any connection sends ``go``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

FRAME_BYTES = 300
TOKEN = "bench-token"


async def serve_hub(port: int, incidents: int, cache_seconds: float) -> None:
    import uvicorn

    from hub.app import create_app
    from hub.core import Hub
    from hub.http.server import HubServer
    from hub.settings import Settings

    settings = Settings(
        response_cache_seconds=cache_seconds, ws_ping_interval=600, admin_token=TOKEN
    )
    hub = Hub(settings)

    async def world(h: Hub) -> None:
        await seed_world(h, incidents)

    app = create_app(settings, hub=hub, seed=world)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", ws="auto")
    server = HubServer(config, hub, freeze_startup_heap=True)  # as incident-hub serve does
    await server.serve()


async def seed_world(hub: Any, incidents: int) -> None:
    """The demo world and ``incidents`` incidents, each with a service."""
    from hub.demo import seed
    from hub.incidents.models import IncidentDeclare

    demo = await seed(hub)
    teams = list(demo.team_ids.values())
    services = list(demo.service_ids.values())
    for i in range(incidents):
        data = IncidentDeclare(
            title=f"incident {i}",
            team_id=teams[i % len(teams)],
            service_ids=[services[i % len(services)]],
        )
        await hub.flows.declare(data, actor="bench")


async def serve_bare(port: int) -> None:
    import websockets
    from websockets.asyncio.server import ServerConnection, broadcast

    clients: set[ServerConnection] = set()
    frame = '{"type":"next","payload":' + '"' + "x" * (FRAME_BYTES - 28) + '"}'

    async def handler(ws: ServerConnection) -> None:
        clients.add(ws)
        try:
            async for message in ws:
                if message == "go":
                    broadcast(clients, frame)
        finally:
            clients.discard(ws)

    async with websockets.serve(handler, "127.0.0.1", port, compression=None):
        print("ready", flush=True)
        await asyncio.Future()


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "hub":
        asyncio.run(serve_hub(port, int(sys.argv[3]), float(sys.argv[4])))
    else:
        asyncio.run(serve_bare(port))


if __name__ == "__main__":
    main()
