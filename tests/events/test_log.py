"""The ordered log: a crash between a change and its flush loses nothing, invents nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from hub.core import Hub
from hub.demo import DemoData
from hub.errors import Conflict
from hub.events.feed import Overflow
from hub.events.models import Event
from hub.storage import counters
from tests.events.helpers import declare


class Crash(Exception):
    """The process 'dies' right after the state change committed."""


async def notes_in_log(hub: Hub, incident_id: str) -> list[Event]:
    return [
        e for e in await hub.events.for_incident(incident_id) if e.type == "incident.note_added"
    ]


async def test_a_crash_before_the_flush_is_published_once_by_the_sweep(
    hub: Hub, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    [incident_id] = await declare(hub, demo)
    heard: list[Event] = []
    hub.events.on_stored(heard.extend)

    async def crash(*args: Any, **kwargs: Any) -> list[Event]:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(hub.events, "flush", crash)
        with pytest.raises(Crash):
            await hub.flows.add_note(incident_id, "failover started", actor="mei")

    assert (await hub.incidents.get(incident_id)).version == 2  # the change committed
    assert await notes_in_log(hub, incident_id) == []
    later = hub.clock.now() + timedelta(minutes=1)
    assert await hub.events.sweep("incidents", older_than=later) == 1
    assert await hub.events.sweep("incidents", older_than=later) == 0
    [note] = await notes_in_log(hub, incident_id)
    assert note.data["text"] == "failover started"
    assert [e.id for e in heard] == [note.id]


async def test_a_sweep_racing_the_live_flush_stores_each_event_once(
    hub: Hub, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    [incident_id] = await declare(hub, demo)
    real_flush = hub.events.flush
    stuck: list[tuple[Any, ...]] = []

    async def remember(*args: Any) -> list[Event]:
        stuck.append(args)
        return []

    with monkeypatch.context() as patch:
        patch.setattr(hub.events, "flush", remember)
        await hub.flows.add_note(incident_id, "paged db team", actor="mei")
    later = hub.clock.now() + timedelta(minutes=1)
    await asyncio.gather(real_flush(*stuck[0]), hub.events.sweep("incidents", older_than=later))
    assert len(await notes_in_log(hub, incident_id)) == 1
    assert (await hub.incidents.collection.get(incident_id) or {}).get("outbox") == []


async def test_a_write_that_does_not_commit_publishes_nothing(hub: Hub, demo: DemoData) -> None:
    [incident_id] = await declare(hub, demo)
    await hub.flows.add_note(incident_id, "first", actor="mei")
    before = await hub.events.last_seq()
    with pytest.raises(Conflict):
        await hub.flows.add_note(incident_id, "stale", actor="mei", expected_version=1)
    assert await hub.events.last_seq() == before
    assert [e.data["text"] for e in await notes_in_log(hub, incident_id)] == ["first"]
    doc = await hub.incidents.collection.get(incident_id)
    assert doc is not None and doc["outbox"] == []


async def test_a_subscriber_past_its_bound_is_told_instead_of_losing_one_event(
    hub: Hub, demo: DemoData
) -> None:
    sub = hub.feed.subscribe(lambda e: True, maxsize=3)
    await declare(hub, demo, n=4)
    with pytest.raises(Overflow):
        await sub.get()
    hub.feed.unsubscribe(sub)


async def test_a_number_taken_but_never_stored_holds_the_feed_only_briefly(
    hub: Hub, demo: DemoData
) -> None:
    sub = hub.feed.subscribe(lambda e: True)
    await counters.reserve(hub.db, "events")  # a writer that died after reserving
    await declare(hub, demo)
    async with asyncio.timeout(hub.settings.sequence_gap_wait + 2):
        event = await sub.get()
    assert event is not None and event.type == "incident.declared"
    assert hub.feed.released == await hub.events.last_seq()
