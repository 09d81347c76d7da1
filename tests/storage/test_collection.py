"""The driver wrapper: duplicates read the same whichever call met them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.core import Hub
from hub.events.log import outbox_push
from hub.events.models import Event
from hub.storage.collection import DuplicateKey
from tests.conftest import make_settings


async def test_a_duplicate_in_insert_many_is_a_duplicate_key(hub: Hub) -> None:
    things = hub.db["things"]
    await things.insert({"id": "a", "n": 1})
    with pytest.raises(DuplicateKey):
        await things.insert_many([{"id": "b"}, {"id": "a"}])


async def test_a_writer_that_died_after_storing_events_is_finished_by_the_next_start(
    hub: Hub,
) -> None:
    """Events stored, outbox not yet emptied: the next start must not trip on them."""
    now = hub.clock.now()
    event = Event(type="test.happened", occurred_at=now - timedelta(minutes=5), actor="t")
    doc_id = "6b11bbdbb6623a911555521e"
    await hub.db["incidents"].insert({"id": doc_id, "number": 999_999,
                                      **_outbox_only(outbox_push([event]))})
    stored = (await hub.events.read(after=0))
    before = len(stored)
    # What the dead writer managed: the event in the log, the outbox still full.
    await hub.db["events"].insert({**event.model_dump(), "seq": 10_000})

    second = Hub(make_settings(database=hub.settings.database),
                 shared_client=hub.db._client)
    await second.start(run_scheduler=False)
    try:
        doc = await second.db["incidents"].get(doc_id)
        assert doc is not None and doc.get("outbox") == []
        after = await second.events.read(after=0)
        assert [e.id for e in after].count(event.id) == 1
        assert len(after) == before + 1
    finally:
        await second.stop()


def _outbox_only(push: dict) -> dict:
    return {"outbox": push["outbox"]["$each"]}
