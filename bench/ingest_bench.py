"""Alert ingest throughput and latency, dedup on, on the embedded engine.

Posts Alertmanager deliveries through the real ASGI app (HTTP parsing, key
lookup, dedup against stored group state, routing, incident writes): a mix
of new groups that open incidents and repeats that dedup to no change.
Figures are for comparing runs on one machine; the embedded engine scans
whole collections, so they say nothing about a real server at scale.

    .venv-test/bin/python bench/ingest_bench.py [--deliveries 2000] [--groups 50] [--alerts 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from typing import Any

import httpx

from hub.app import create_app
from hub.core import Hub
from hub.demo import seed
from hub.settings import Settings


def delivery(group: int, alerts: int) -> dict[str, Any]:
    return {
        "version": "4",
        "status": "firing",
        "receiver": "bench",
        "groupKey": f'{{}}:{{alertname="Bench{group}"}}',
        "alerts": [
            {
                "status": "firing",
                "fingerprint": f"{group:08x}{i:08x}",
                "labels": {
                    "alertname": f"Bench{group}",
                    "instance": f"n{i}",
                    "severity": "warning",
                },
                "annotations": {"summary": "bench"},
                "startsAt": "2025-06-02T02:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
            }
            for i in range(alerts)
        ],
    }


async def run(deliveries: int, groups: int, alerts: int) -> None:
    settings = Settings(
        database=f"bench_{uuid.uuid4().hex[:8]}", ingest_rate_limit="1000000/minute"
    )
    hub = Hub(settings)
    await hub.start(run_scheduler=False)
    await seed(hub)
    app = create_app(settings, hub=hub)
    bodies = [delivery(g, alerts) for g in range(groups)]
    latencies: list[float] = []
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench"
    ) as client:
        started = time.perf_counter()
        for n in range(deliveries):
            t0 = time.perf_counter()
            response = await client.post(
                "/ingest/alertmanager/demo-alertmanager", json=bodies[n % groups]
            )
            latencies.append(time.perf_counter() - t0)
            assert response.status_code == 202, response.text
        elapsed = time.perf_counter() - started
    await hub.stop()

    opened = await hub.db["incidents"].count({})
    # The figures mean "with dedup" only if every repeat joined its group's
    # incident: one incident per group, never one per delivery.
    if opened != min(groups, deliveries):
        raise SystemExit(f"dedup failed: {opened} incidents for {groups} groups")
    cuts = statistics.quantiles(latencies, n=100)
    total_alerts = deliveries * alerts
    print(
        f"deliveries={deliveries} alerts_per_delivery={alerts} groups={groups} "
        f"incidents={opened} (dedup on: repeats open nothing)"
    )
    print(f"alerts/s={total_alerts / elapsed:,.0f} deliveries/s={deliveries / elapsed:,.0f}")
    print(f"latency p50={cuts[49] * 1000:.2f} ms p99={cuts[98] * 1000:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--alerts", type=int, default=5, help="alerts per delivery")
    args = parser.parse_args()
    asyncio.run(run(args.deliveries, args.groups, args.alerts))


if __name__ == "__main__":
    main()
