"""Writers for the event tests: many concurrent incident changes."""

from __future__ import annotations

import asyncio

from hub.core import Hub
from hub.demo import DemoData
from hub.incidents.models import IncidentDeclare


async def declare(hub: Hub, demo: DemoData, team: str = "sre-emea", n: int = 1) -> list[str]:
    ids = []
    for i in range(n):
        data = IncidentDeclare(title=f"disk full {i}", team_id=demo.team_ids[team])
        ids.append((await hub.flows.declare(data, actor="bot")).id)
    return ids


async def add_notes(
    hub: Hub, incident_ids: list[str], total: int, *, workers: int = 20, text: str = "checked"
) -> None:
    """``total`` notes spread over ``incident_ids``, ``workers`` at a time."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)

    async def work() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            target = incident_ids[i % len(incident_ids)]
            await hub.flows.add_note(target, f"{text} #{i}", actor="bot")
            # The embedded engine never suspends inside a call; requests
            # arriving over the network would let the loop turn between them.
            await asyncio.sleep(0)

    await asyncio.gather(*(work() for _ in range(workers)))
