"""Server memory per idle subscriber: the hub against a bare websockets server.

Resident memory of each server process is read before and after 1,000
clients (in another process) have connected and, for the hub, subscribed.

    python -m bench.memory [SUBSCRIBERS]
"""

from __future__ import annotations

import subprocess
import sys
import time

from bench._common import ROOT, rss_kib, server


def per_connection(kind: str, pid: int, port: int, n: int) -> float:
    time.sleep(1.0)
    before = rss_kib(pid)
    clients = subprocess.Popen(
        [sys.executable, "-m", "bench._clients", "idle", kind, str(port), str(n)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert clients.stdout is not None and clients.stdin is not None
    assert clients.stdout.readline().strip() == "open"
    after = rss_kib(pid)
    clients.stdin.close()
    clients.wait(timeout=120)
    return (after - before) / n


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with server("bare") as (port, proc):
        bare = per_connection("bare", proc.pid, port, n)
    with server("hub", "10", "0") as (port, proc):
        hub = per_connection("hub", proc.pid, port, n)
    print(f"idle subscribers: {n}")
    print(f"bare websockets: {bare:7.1f} KiB per connection")
    print(f"hub:             {hub:7.1f} KiB per subscriber  ratio {hub / bare:.2f}")


if __name__ == "__main__":
    main()
