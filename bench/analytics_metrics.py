"""How long an incident-metrics report and an availability answer take.

Run: PYTHONPATH=. /tmp/venv/bin/python bench/analytics_metrics.py [incidents] [windows]
On the embedded engine every query scans its collection, so read the figures
as the cost of the hub's own folding, not of a real server's indexes.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from hub.analytics.impacts import ImpactCreate, ImpactLevel
from hub.analytics.metrics import GroupBy
from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import seed
from hub.incidents.models import IncidentDeclare, Severity
from hub.settings import Settings

START = datetime(2025, 6, 1, tzinfo=UTC)


async def build(hub: Hub, clock: ManualClock, incidents: int, windows: int) -> str:
    demo = await seed(hub)
    teams = list(demo.team_ids.values())
    severities = list(Severity)
    for n in range(incidents):
        clock.set(START + timedelta(minutes=37 * n))
        data = IncidentDeclare(
            title=f"bench {n}",
            team_id=teams[n % 3],
            severity=severities[n % 5],
            exercise=n % 10 == 0,
        )
        incident = await hub.flows.declare(data, actor="bench")
        clock.advance(timedelta(minutes=n % 13 + 1))
        await hub.flows.acknowledge(incident.id, actor="bench")
    service = demo.service_ids["checkout"]
    clock.set(START + timedelta(days=60))
    for n in range(windows):
        begin = START + timedelta(hours=3 * n)
        await hub.impacts.record(
            ImpactCreate(
                service_id=service,
                level=list(ImpactLevel)[n % 2],
                start=begin,
                end=begin + timedelta(minutes=50 + n % 200),
            ),
            actor="bench",
        )
    return service


async def timed(label: str, make: object, runs: int = 5) -> None:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await make()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    print(f"{label:<44} median {statistics.median(samples):8.1f} ms  max {max(samples):8.1f} ms")


async def main(incidents: int, windows: int) -> None:
    clock = ManualClock(START)
    hub = Hub(Settings(database="bench_analytics"), clock=clock)
    await hub.start(run_scheduler=False)
    service = await build(hub, clock, incidents, windows)
    end = START + timedelta(days=60)
    print(f"incidents={incidents} windows={windows} (embedded engine)")
    for group_by in GroupBy:
        await timed(
            f"incidentMetrics groupBy={group_by} 60 days",
            lambda g=group_by: hub.metrics.report_for(
                start=START, end=end, group_by=g, time_zone="Australia/Sydney"
            ),
        )
    await timed(
        "serviceAvailability 60 days", lambda: hub.availability.service(service, START, end)
    )
    await hub.stop()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [1000, 400][len(args) :])))
