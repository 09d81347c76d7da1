"""``hubctl watch`` keeps tailing a region across a hub restart, missing nothing."""

from __future__ import annotations

import asyncio
import re
import subprocess

from clients.python import HubClient
from hub.demo import seed
from hub.settings import Settings
from tests.clients.live import HUBCTL, Replicas, hubctl_env, serve_on
from tests.conftest import ADMIN_TOKEN, free_port

SEQ = re.compile(r" #(\d+) ")


class Tail:
    """The lines a running ``hubctl watch`` has printed so far."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []

    # A generous default: after the restart the tail may be sleeping out a
    # reconnect backoff of up to 5 s before it can print anything.
    async def until(self, count: int, seconds: float = 30.0) -> list[str]:
        assert self.proc.stdout is not None
        async with asyncio.timeout(seconds):
            while len(self.lines) < count:
                line = await self.proc.stdout.readline()
                assert line, "hubctl watch exited early"
                self.lines.append(line.decode().rstrip("\n"))
        return self.lines

    def sequences(self) -> list[int]:
        return [int(m.group(1)) for line in self.lines if (m := SEQ.search(line))]


async def london_sequences(client: HubClient, since: int) -> list[int]:
    """Every London event at or after ``since``, from the hub's own record."""
    region = next(r for r in await client.regions() if r.name == "London")
    found = []
    async for incident in client.incidents({"regionIds": [region.id]}):
        full = await client.incident(incident.id)
        found += [e.sequence for e in full.timeline if e.sequence >= since]
    return sorted(found)


async def test_watch_prints_every_event_across_a_hub_restart(settings: Settings) -> None:
    replicas = Replicas(settings)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    async with serve_on(replicas.hub(), port) as live:
        await seed(live.hub)
        proc = await asyncio.create_subprocess_exec(
            *HUBCTL,
            "watch",
            "--region",
            "London",
            env=hubctl_env(url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        tail = Tail(proc)
        async with HubClient(url, ADMIN_TOKEN, actor="olivia") as sdk:
            # The tail has no cursor to start from, so probe until it is live.
            first = await sdk.declare("Probe", team="sre-emea")
            while not tail.lines:
                try:
                    await tail.until(1, seconds=0.5)
                except TimeoutError:
                    await sdk.note(first.ref, "probe")
            await sdk.acknowledge(first.ref)
            await sdk.declare("Singapore noise", team="sre-apac")
            await tail.until(2)

    # While no hub answers, another process on the same database commits a
    # London event: the tail can only get it by resuming from its cursor.
    offline = replicas.hub()
    await offline.start(run_scheduler=False)
    await offline.flows.add_note(first.id, "noted while the hub was down", actor="olivia")
    await offline.stop()

    async with serve_on(replicas.hub(), port) as live:
        async with HubClient(url, ADMIN_TOKEN, actor="olivia") as sdk:
            # Written at once, before the tail has reconnected: they must come
            # from the replay by cursor.
            second = await sdk.declare("After restart", team="sre-emea")
            await sdk.note(first.ref, "still degraded after restart")
            await sdk.change_status(second.ref, "INVESTIGATING")
            written = await london_sequences(sdk, since=tail.sequences()[0])
            while tail.sequences()[-1] < written[-1]:
                await tail.until(len(tail.lines) + 1)
            # Reactions (escalation steps) add London events of their own:
            # read the record, then wait for the tail to reach its end.
            expected = await london_sequences(sdk, since=tail.sequences()[0])
            while tail.sequences()[-1] < expected[-1]:
                await tail.until(len(tail.lines) + 1)
        proc.terminate()
        _, stderr = await proc.communicate()

    assert tail.sequences() == expected
    assert "connection lost" in stderr.decode()
    assert not any("Singapore noise" in line for line in tail.lines)
    assert any("After restart" in line and "incident.declared" in line for line in tail.lines)
    assert all("UTC)" in line for line in tail.lines)
