"""Resume by cursor: a subscriber dropped mid-stream misses nothing, sees nothing twice."""

from __future__ import annotations

import asyncio

import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import serve
from tests.events.helpers import add_notes, declare
from tests.events.wsclient import connect, next_event, next_message, subscribe
from tests.wsclient import until_live

MUTATIONS = 1000


async def test_dropped_subscriber_resumes_with_every_event_once_in_order(
    hub: Hub, demo: DemoData
) -> None:
    incidents = await declare(hub, demo, n=5)
    first_seq = await hub.events.last_seq()
    async with serve(hub) as live:
        seen: list[dict[str, object]] = []
        async with connect(live.ws_url) as ws:
            await subscribe(ws, region="London")
            await until_live(hub)
            writer = asyncio.create_task(add_notes(hub, incidents, MUTATIONS, workers=4))
            async with asyncio.timeout(10):  # no task per read, unlike wait_for
                while len(seen) < 100:
                    seen.append(await next_event(ws))
            # The connection dies without a close handshake, frames in flight.
            ws.transport.abort()
        # The socket is gone mid-stream while the writer keeps going.
        assert not writer.done(), "the drop must happen while mutations still run"
        async with connect(live.ws_url) as ws:
            await subscribe(ws, region="London", after=seen[-1]["cursor"])
            async with asyncio.timeout(60):
                while len(seen) < MUTATIONS:
                    seen.append(await next_event(ws))
            await writer
            # Nothing more arrives: no duplicate was waiting at the seam.
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.5):
                    extra = await next_event(ws)
                    pytest.fail(f"an event beyond the {MUTATIONS} written: {extra}")
    sequences = [e["sequence"] for e in seen]
    logged = await hub.events.read(after=first_seq)
    assert sequences == [e.seq for e in logged if e.type == "incident.note_added"]
    assert sequences == sorted(set(sequences)) and len(sequences) == MUTATIONS


async def test_expired_cursor_tells_the_client_to_requery(hub: Hub, demo: DemoData) -> None:
    await declare(hub, demo)
    async with serve(hub) as live, connect(live.ws_url) as ws:
        await subscribe(ws, region="London", after="ZXYxOjk5OTk")  # seq 9999: unknown
        message = await asyncio.wait_for(next_message(ws), 5)
        # Refused before the stream starts: one `error` message, no `complete`.
        assert message["type"] == "error"
        error = message["payload"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "re-query" in error["message"]
