"""Benchmark clients, run in a process apart from the server they measure.

    python -m bench._clients live hub|bare PORT SUBSCRIBERS EVENTS
    python -m bench._clients idle hub|bare PORT SUBSCRIBERS

``live`` prints one JSON line of delivery latencies in milliseconds (from just
before the trigger is sent to the moment each socket has the message).
``idle`` opens the sockets, prints ``open``, and holds them until stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import httpx
import websockets

from bench._servers import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
SUBSCRIPTION = "subscription { incidentEvents { cursor sequence type occurredAt incidentId } }"
NOTE = 'mutation($id: ID!) { addIncidentNote(id: $id, text: "bench") { version } }'


async def open_hub(port: int) -> Any:
    ws = await websockets.connect(
        f"ws://127.0.0.1:{port}/graphql",
        compression=None,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        open_timeout=60,
        ping_interval=None,
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": AUTH}))
    await ws.recv()
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
    return ws


async def open_bare(port: int) -> Any:
    return await websockets.connect(
        f"ws://127.0.0.1:{port}", compression=None, open_timeout=60, ping_interval=None
    )


async def open_all(kind: str, port: int, n: int) -> list[Any]:
    opener = open_hub if kind == "hub" else open_bare
    sockets = []
    for start in range(0, n, 50):
        sockets += await asyncio.gather(*(opener(port) for _ in range(start, min(n, start + 50))))
    return sockets


async def live(kind: str, port: int, n: int, events: int) -> None:
    sockets = await open_all(kind, port, n)
    await asyncio.sleep(1.0)
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:
        target = None
        if kind == "hub":
            found = await http.post(
                "/graphql", json={"query": "{ incidents(first: 1) { nodes { id } } }"}
            )
            target = found.json()["data"]["incidents"]["nodes"][0]["id"]
        t0 = 0.0
        arrived = 0
        all_in = asyncio.Event()

        async def reader(ws: Any) -> None:
            nonlocal arrived
            async for _ in ws:
                latencies.append((time.perf_counter() - t0) * 1000)
                arrived += 1
                if arrived == len(sockets):
                    all_in.set()

        readers = [asyncio.create_task(reader(ws)) for ws in sockets]
        for _ in range(events):
            arrived = 0
            all_in.clear()
            t0 = time.perf_counter()
            if kind == "hub":
                await http.post("/graphql", json={"query": NOTE, "variables": {"id": target}})
            else:
                await sockets[0].send("go")
            await asyncio.wait_for(all_in.wait(), 60)
            await asyncio.sleep(0.2)
        for task in readers:
            task.cancel()
    print(json.dumps({"latencies_ms": latencies}), flush=True)
    for ws in sockets:
        await ws.close()


async def idle(kind: str, port: int, n: int) -> None:
    sockets = await open_all(kind, port, n)
    await asyncio.sleep(2.0)
    print("open", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for ws in sockets:
        await ws.close()


def main() -> None:
    mode, kind, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if mode == "live":
        asyncio.run(live(kind, port, n, int(sys.argv[5])))
    else:
        asyncio.run(idle(kind, port, n))


if __name__ == "__main__":
    main()
