"""Mutations per second over HTTP: notes added to incidents, each one event.

The embedded engine checks unique indexes by scanning, so the rate falls as
the event log grows; the figure is for a log of a few thousand events and
says little about a real MongoDB server.

    python -m bench.mutations [SECONDS]
"""

from __future__ import annotations

import sys

import httpx

from bench._common import server
from bench.http_list import AUTH, wrk_rate

NOTE = 'mutation($id: ID!) { addIncidentNote(id: $id, text: "bench") { version } }'


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
    print(f"mutations over HTTP: {rate:.0f}/s (8 connections, one incident)")


if __name__ == "__main__":
    main()
