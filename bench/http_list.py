"""A list of 100 incidents with nested team and services, over HTTP.

Figures from one run, each a rate of complete requests per second: raw
graphql-core executing the same query in process on the same data (no HTTP,
no Strawberry request handling), in a plain process and again once its
heap is settled the way the served hub settles its own; the hub over HTTP
with the response cache off (one uvicorn worker); and the hub over HTTP
answering the same read
repeatedly while a note is written every ``WRITE_EVERY`` seconds (cache on:
each write ends the cached answer). Load comes from ``wrk`` (8 connections)
when it is installed, else from httpx in this process; the hub runs in a
process of its own. On two cores they compete: compare the ratios. Each
server is loaded for a few seconds before it is measured: right after
seeding, its scheduler is still running the seeded incidents' first
escalation steps and reactions, which would otherwise land in the figure.

    python -m bench.http_list [SECONDS]
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from graphql import execute, parse

from bench._common import server
from bench._servers import TOKEN

QUERY = """{ incidents(first: 100) { nodes {
  id title severity status version
  team { id name slug }
  services { id name tier }
} } }"""
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CONCURRENCY = 8
WRITE_EVERY = 0.2
FIRST_ID = "{ incidents(first: 1) { nodes { id } } }"
NOTE = 'mutation($id: ID!) { addIncidentNote(id: $id, text: "bench") { version } }'
WARM_UP_SECONDS = 5


async def raw_rates(seconds: float) -> tuple[float, float]:
    """Raw execution in a plain process, then again once the heap is settled
    as the served hub settles its own (see hub.http.server.settle_heap)."""
    from hub.core import Hub
    from hub.http.server import settle_heap
    from hub.settings import Settings
    from schema.app_schema import build_schema
    from schema.context import Context, Principal

    hub = Hub(Settings())
    await hub.start(run_scheduler=False)
    await _seed(hub)
    schema = build_schema()._schema
    document = parse(QUERY)

    async def rate() -> float:
        done, deadline = 0, time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            context = Context(hub, Principal("bench"))
            result = execute(schema, document, context_value=context)
            outcome = await result if asyncio.iscoroutine(result) else result
            assert not outcome.errors, outcome.errors
            done += 1
        return done / seconds

    plain = await rate()
    settle_heap()
    settled = await rate()
    await hub.stop()
    return plain, settled


async def _seed(hub: object) -> None:
    from bench._servers import seed_world

    await seed_world(hub, 100)  # type: ignore[arg-type]


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = [[%s]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
"""


def wrk_rate(port: int, seconds: float, body: dict[str, object] | None = None) -> float | None:
    """Requests per second that ``wrk`` gets for ``body`` (the list query)."""
    if shutil.which("wrk") is None:
        return None
    body = body or {"query": QUERY}
    check = httpx.post(f"http://127.0.0.1:{port}/graphql", json=body, headers=AUTH)
    assert check.status_code == 200 and "errors" not in check.json(), check.text[:300]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (json.dumps(body), TOKEN))

    def run(duration: float) -> str:
        return subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{CONCURRENCY}",
                f"-d{int(duration)}s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}/graphql",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    run(WARM_UP_SECONDS)
    out = run(seconds)
    os.unlink(script.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert errors is None, out
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert found is not None, out
    return float(found.group(1))


async def http_rate(port: int, seconds: float) -> float:
    done = 0
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                response = await http.post("/graphql", json={"query": QUERY})
                assert response.status_code == 200 and "errors" not in response.json()
                done += 1

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return done / seconds


@contextmanager
def writes(port: int, every: float) -> Iterator[list[int]]:
    """A note written every ``every`` seconds until the block ends; yields the count."""
    written = [0]
    stop = threading.Event()

    def run() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=AUTH) as http:
            found = http.post("/graphql", json={"query": FIRST_ID})
            target = found.json()["data"]["incidents"]["nodes"][0]["id"]
            while not stop.wait(every):
                answer = http.post("/graphql", json={"query": NOTE, "variables": {"id": target}})
                assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
                written[0] += 1

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield written
    finally:
        stop.set()
        thread.join(timeout=30)


def measure(port: int, seconds: float) -> float:
    rate = wrk_rate(port, seconds)
    if rate is None:
        asyncio.run(http_rate(port, WARM_UP_SECONDS))
        rate = asyncio.run(http_rate(port, seconds))
    return rate


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    raw, settled = asyncio.run(raw_rates(seconds))
    with server("hub", "100", "0") as (port, _):
        uncached = measure(port, seconds)
    with server("hub", "100", "5") as (port, _), writes(port, WRITE_EVERY) as written:
        cached = measure(port, seconds)
    print(f"raw graphql-core in process: {raw:8.0f} ops/s")
    print(f"  the same, heap settled:    {settled:8.0f} ops/s")
    print(f"hub over HTTP, no cache:     {uncached:8.0f} req/s  ratio {uncached / raw:.2f}"
          f" ({uncached / settled:.2f} against the settled baseline)")
    print(
        f"hub over HTTP, cached read:  {cached:8.0f} req/s  ratio {cached / raw:.2f}"
        f"  ({written[0]} writes during the run)"
    )


if __name__ == "__main__":
    main()
