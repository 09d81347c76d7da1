"""Mutations per second over HTTP: notes added to incidents, each one event.

The baseline, measured in the same run, is the same note written in process
through the hub's own flow on the same world (no HTTP, no GraphQL), by as
many concurrent writers as ``wrk`` has connections; the ratio is what the
API costs on top of the write. The embedded engine checks unique indexes by
scanning, so the rate falls as the event log grows; the figure is for a log
of a few thousand events and says little about a real MongoDB server.

    python -m bench.mutations [SECONDS]
"""

from __future__ import annotations

import asyncio
import sys
import time

import httpx

from bench._common import server
from bench._servers import seed_world
from bench.http_list import AUTH, CONCURRENCY, wrk_rate

NOTE = 'mutation($id: ID!) { addIncidentNote(id: $id, text: "bench") { version } }'


async def in_process_rate(seconds: float) -> float:
    from hub.core import Hub
    from hub.incidents.service import IncidentFilter
    from hub.settings import Settings

    hub = Hub(Settings())
    await hub.start(run_scheduler=False)
    await seed_world(hub, 10)
    [newest] = await hub.incidents.page(IncidentFilter(), limit=1)
    done, deadline = 0, time.perf_counter() + seconds

    async def writer() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await hub.flows.add_note(newest.id, "bench", actor="bench")
            done += 1
            # The embedded engine never suspends: let the other writers in.
            await asyncio.sleep(0)

    await asyncio.gather(*(writer() for _ in range(CONCURRENCY)))
    await hub.stop()
    return done / seconds


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    with server("hub", "10", "0") as (port, _):
        found = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            headers=AUTH,
            json={"query": "{ incidents(first: 1) { nodes { id } } }"},
        ).json()
        target = found["data"]["incidents"]["nodes"][0]["id"]
        rate = wrk_rate(port, seconds, {"query": NOTE, "variables": {"id": target}})
    if rate is None:
        print("wrk is not installed (apt-get install wrk)")
        return
    baseline = asyncio.run(in_process_rate(seconds))
    print(f"in process, the hub's flow: {baseline:6.0f}/s ({CONCURRENCY} writers, one incident)")
    print(
        f"mutations over HTTP:        {rate:6.0f}/s ({CONCURRENCY} connections, one incident)"
        f"  ratio {rate / baseline:.2f}"
    )


if __name__ == "__main__":
    main()
