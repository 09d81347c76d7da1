"""A subscriber that stops reading is closed with 4499; the others keep their pace."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import time
import tracemalloc
from datetime import datetime
from typing import Any

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from hub.core import Hub
from hub.demo import DemoData
from hub.settings import Settings
from schema.ws_member import BEHIND_CODE
from tests.conftest import WS_INIT, make_settings, serve
from tests.events.helpers import add_notes, declare
from tests.wsclient import until_live

# Each note's text comes back ten times over, uncompressed: frames of 160 KB
# fill the kernel's socket buffers (up to 4 MB here) after a few dozen events.
ALIASES = " ".join(f"d{i}: data" for i in range(10))
FAT = (
    "subscription Fat($region: String) { incidentEvents(region: $region) { "
    f"cursor sequence occurredAt {ALIASES} }} }}"
)
NOTES = 100
NOTE_TEXT = "x" * 16_000
BUFFER = 8


async def open_client(
    url: str, *, receive_buffer: int | None = None, query: str = FAT
) -> Any:
    port = int(url.split(":")[2].split("/")[0])
    sock = socket.socket()
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    ws = await websockets.connect(
        url,
        sock=sock,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_queue=1,
        ping_interval=None,
        compression=None,
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": WS_INIT}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": query, "variables": {"region": "London"}},
            }
        )
    )
    return ws


async def read_all(ws: Any, lags: list[float] | None = None) -> tuple[list[int], int | None]:
    sequences: list[int] = []
    try:
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "ping":
                await ws.send('{"type":"pong"}')
            elif message["type"] == "next":
                event = message["payload"]["data"]["incidentEvents"]
                sequences.append(event["sequence"])
                if lags is not None:
                    sent = datetime.fromisoformat(event["occurredAt"]).timestamp()
                    lags.append(time.time() - sent)
                if len(sequences) == NOTES and lags is not None:
                    return sequences, None
    except ConnectionClosed as closed:
        return sequences, closed.rcvd.code if closed.rcvd else None


@pytest.fixture
def settings() -> Settings:
    # The shared hub fixture, with a send buffer small enough to overrun.
    return make_settings(ws_send_buffer=BUFFER)


@pytest.fixture
async def incident(hub: Hub, demo: DemoData) -> str:
    [declared] = await declare(hub, demo)
    return declared


async def test_a_subscriber_that_never_reads_is_closed_and_others_keep_pace(
    hub: Hub, incident: str
) -> None:
    # A full collection of the whole test process's heap would stall every
    # socket at once for as long as it takes; done now, none falls due while
    # the lag is measured.
    gc.collect()
    async with serve(hub) as live:
        stuck = await open_client(live.ws_url, receive_buffer=4096)
        healthy = await open_client(live.ws_url)
        await until_live(hub, 2)
        lags: list[float] = []
        reader = asyncio.create_task(read_all(healthy, lags))
        await add_notes(hub, [incident], NOTES, workers=1, text=NOTE_TEXT)
        async with asyncio.timeout(20):
            got, _ = await reader
        # Only now does the stuck client read what reached it.
        async with asyncio.timeout(20):
            partial, code = await read_all(stuck)
        await healthy.close()

    assert len(got) == NOTES
    assert sorted(lags)[int(len(lags) * 0.99)] < 1.0  # p99 lag, in seconds
    assert code == BEHIND_CODE
    # What it did get is a gap-free prefix, so its last cursor resumes exactly.
    assert partial == got[: len(partial)] and len(partial) < NOTES


STUCK = 6
MEMORY_NOTES = 60


def fat_query(tag: int) -> str:
    # A distinct document per client: each is a group of its own, so nothing
    # it holds is shared with another and an unbounded buffer would show.
    return (
        f"subscription Fat{tag}($region: String) {{ incidentEvents(region: $region) {{ "
        f"cursor sequence {ALIASES} }} }}"
    )


async def test_memory_stays_bounded_while_subscribers_never_read(
    hub: Hub, incident: str
) -> None:
    """The stated bound: a subscriber costs the hub at most its send buffer of
    frames (HUB_WS_SEND_BUFFER) plus the frame its socket is writing."""
    async with serve(hub) as live:
        stuck = [
            await open_client(live.ws_url, receive_buffer=4096, query=fat_query(i))
            for i in range(STUCK)
        ]
        await until_live(hub, STUCK)
        tracemalloc.start()
        try:
            await add_notes(hub, [incident], MEMORY_NOTES, workers=1, text=NOTE_TEXT)
            await asyncio.sleep(0.5)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        async with asyncio.timeout(20):
            codes = [(await read_all(ws))[1] for ws in stuck]

    frame = len(NOTE_TEXT) * 10
    # What the stuck clients would cost if the hub kept everything for them.
    unbounded = STUCK * MEMORY_NOTES * frame
    bound = STUCK * (BUFFER + 2) * frame + 12 * 2**20  # plus the writes themselves
    assert codes == [BEHIND_CODE] * STUCK
    assert peak < bound < unbounded / 2, (peak, bound, unbounded)
