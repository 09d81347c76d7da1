"""Large alert groups: delivery time, the group document's size, and how long
``/healthz`` waits while a storm is ingested, on the embedded engine.

Posts several Alertmanager deliveries of one group, each near the 5 MB body
limit with its own distinct fingerprints, through the real ASGI app, while
a second task polls ``/healthz`` every 10 ms. The health figure shows how
long the event loop was held; the document size shows the group's bound.

    PYTHONPATH=. /tmp/venv/bin/python bench/storm_bench.py [--deliveries 3]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from typing import Any

import bson
import httpx

from hub.app import create_app
from hub.core import Hub
from hub.demo import seed
from hub.settings import Settings


def delivery(first: int, count: int) -> dict[str, Any]:
    alerts = [
        {
            "status": "firing",
            "fingerprint": f"{i:016x}",
            "labels": {"alertname": "Storm", "instance": f"node-{i}"},
            "annotations": {"summary": "storm"},
            "startsAt": "2025-06-02T02:00:00Z",
            "endsAt": "0001-01-01T00:00:00Z",
        }
        for i in range(first, first + count)
    ]
    return {"version": "4", "status": "firing", "groupKey": "{}:storm", "alerts": alerts}


async def poll(client: httpx.AsyncClient, stop: asyncio.Event, waits: list[float]) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        await client.get("/healthz")
        waits.append(time.perf_counter() - t0)
        await asyncio.sleep(0.01)


async def run(deliveries: int, alerts: int) -> None:
    settings = Settings(database=f"bench_{uuid.uuid4().hex[:8]}")
    hub = Hub(settings)
    await hub.start(run_scheduler=False)
    await seed(hub)
    app = create_app(settings, hub=hub)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        stop, waits = asyncio.Event(), []
        poller = asyncio.create_task(poll(client, stop, waits))
        for n in range(deliveries):
            t0 = time.perf_counter()
            answer = await client.post(
                "/ingest/alertmanager/demo-alertmanager", json=delivery(n * alerts, alerts)
            )
            took = time.perf_counter() - t0
            print(f"delivery={n + 1} status={answer.status_code} seconds={took:.2f}")
        stop.set()
        await poller
    [group] = await hub.db["alert_groups"].find({})
    await hub.stop()

    print(f"group_alerts={len(group['alerts'])} group_bson_bytes={len(bson.encode(group)):,}")
    # No completed poll at all means the loop was held for the whole storm.
    worst = f"{max(waits) * 1000:.0f}" if waits else "all"
    print(f"healthz polls={len(waits)} max_wait_ms={worst}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=3)
    parser.add_argument("--alerts", type=int, default=25_000, help="alerts per delivery")
    args = parser.parse_args()
    asyncio.run(run(args.deliveries, args.alerts))


if __name__ == "__main__":
    main()
