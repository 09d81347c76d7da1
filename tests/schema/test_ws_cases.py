"""graphql-transport-ws edge cases from the field (W1-W4, W6)."""

from __future__ import annotations

import asyncio
import gc
import json
import logging

import pytest
import websockets

from hub.core import Hub
from hub.demo import DemoData
from hub.events.models import encode_cursor
from tests.conftest import LiveServer, make_settings, serve
from tests.wsclient import PROTOCOL, collect, connect, receive, silent, subscribe, until_live

SUB = 'subscription { incidentEvents(region: "London") { sequence type } }'


async def declare(live: LiveServer, demo: DemoData) -> None:
    from hub.incidents.models import IncidentDeclare

    await live.hub.flows.declare(
        IncidentDeclare(title="x", team_id=demo.team_ids["sre-emea"]), actor="t"
    )


async def test_w1_duplicate_subscribe_ids_close_4409_and_at_most_one_stream_emits(
    live: LiveServer, demo: DemoData
) -> None:
    # Events already in the log, and a subscription replaying them from the
    # start: a stream that runs emits at once, so a second one would show up
    # as every event arriving twice.
    for _ in range(3):
        await declare(live, demo)
    query = 'subscription($a: String) { incidentEvents(region: "London", after: $a) { sequence } }'
    message = {"id": "dup", "type": "subscribe",
               "payload": {"query": query, "variables": {"a": encode_cursor(0)}}}
    async with connect(live.ws_url) as ws:
        # Both frames in one write, right after the ack.
        frame = json.dumps(message)
        ws.protocol.send_text(frame.encode())
        ws.protocol.send_text(frame.encode())
        ws.transport.write(b"".join(ws.protocol.data_to_send()))
        nexts = []
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                got = await receive(ws, 2)
                if got["type"] == "next":
                    nexts.append(got["payload"]["data"]["incidentEvents"]["sequence"])
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4409
    assert len(nexts) == len(set(nexts)), nexts
    # The same subscribe sent once replays the three events at once: what a
    # second stream would have added.
    async with connect(live.ws_url) as ws:
        await ws.send(json.dumps(message))
        replayed = await collect(ws, 3)
    assert [m["type"] for m in replayed] == ["next"] * 3


async def test_w2_complete_for_an_unknown_id_is_ignored(live: LiveServer, demo: DemoData) -> None:
    async with connect(live.ws_url) as ws:
        await subscribe(ws, "live", SUB)
        await ws.send(json.dumps({"id": "never-used", "type": "complete"}))
        await until_live(live.hub)
        await declare(live, demo)
        [message] = await collect(ws, 1)
        assert message["id"] == "live" and message["type"] == "next"


async def test_w3_unknown_field_gives_one_error_message_and_no_complete(
    live: LiveServer, demo: DemoData
) -> None:
    async with connect(live.ws_url) as ws:
        await subscribe(ws, "bad", "subscription { noSuchField }")
        first = await receive(ws)
        rest = await silent(ws, 0.5)
    assert first["type"] == "error" and first["id"] == "bad"
    assert isinstance(first["payload"], list) and first["payload"]
    assert "noSuchField" in first["payload"][0]["message"]
    assert rest == []


async def test_w4_silent_socket_closes_4408_and_a_prompt_one_never_does(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    quick = make_settings(ws_init_timeout=0.5)
    hub.settings = quick
    caplog.set_level(logging.WARNING)
    async with serve(hub) as live:
        async with websockets.connect(live.ws_url, subprotocols=[PROTOCOL]) as mute, \
                connect(live.ws_url) as prompt:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await receive(mute, 3)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4408
            await asyncio.sleep(0.7)
            await prompt.send(json.dumps({"type": "ping"}))
            assert (await receive(prompt))["type"] == "pong"
    # A task dropped while pending is only reported when it is collected.
    gc.collect()
    await asyncio.sleep(0)
    assert "Task was destroyed but it is pending" not in caplog.text


@pytest.mark.parametrize("ping", [{"type": "ping"}, {"type": "ping", "payload": {"t": 1}}])
async def test_w6_ping_is_answered_with_a_pong_whose_payload_is_absent_or_an_object(
    live: LiveServer, ping: dict
) -> None:
    async with connect(live.ws_url) as ws:
        await ws.send(json.dumps(ping))
        pong = await receive(ws)
    assert pong["type"] == "pong"
    assert "payload" not in pong or isinstance(pong["payload"], dict)
