"""Mutation-to-delivery latency at 100 and 1,000 subscribers, against a bare broadcast.

Each figure is measured in this run: the hub (real app, grouped fan-out) and a
bare ``websockets`` server broadcasting a frame of similar size, each in its
own process, with the clients in a third. The hub's latency starts before the
mutation is sent over HTTP, so it includes the write itself.

    python -m bench.fanout [EVENTS]
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench._common import ROOT, percentile, server

SIZES = (100, 1000)


def measure(kind: str, port: int, n: int, events: int) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench._clients", "live", kind, str(port), str(n), str(events)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1])["latencies_ms"])


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    print(f"{'subscribers':>11} {'server':>6} {'p50 ms':>8} {'p99 ms':>8} {'p99 ratio':>9}")
    for n in SIZES:
        with server("bare") as (port, _):
            bare = measure("bare", port, n, events)
        with server("hub", "10", "0") as (port, _):
            hub = measure("hub", port, n, events)
        ratio = percentile(hub, 0.99) / percentile(bare, 0.99)
        for name, values in (("bare", bare), ("hub", hub)):
            print(
                f"{n:>11} {name:>6} {percentile(values, 0.5):>8.1f} "
                f"{percentile(values, 0.99):>8.1f} {ratio if name == 'hub' else 1:>9.2f}"
            )


if __name__ == "__main__":
    main()
