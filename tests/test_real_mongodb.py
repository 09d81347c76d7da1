"""What only a real MongoDB server has: run when HUB_TEST_MONGODB_URI is set.

The rest of the suite also runs against the server when the variable is set
(see conftest); these tests cover the paths the embedded engine lacks.
"""

from __future__ import annotations

import asyncio

import pytest

from hub.core import Hub
from hub.demo import DemoData
from hub.incidents.models import IncidentDeclare
from tests.conftest import REAL_URI, make_settings

pytestmark = pytest.mark.skipif(
    not REAL_URI,
    reason="HUB_TEST_MONGODB_URI is not set: no MongoDB server here; the embedded "
    "engine has no change streams, so these tests need a real replica set",
)


async def test_a_replica_hears_the_other_through_a_change_stream(
    hub: Hub, demo: DemoData
) -> None:
    assert hub.db.supports_change_streams
    # Tailing is slowed to a crawl so only the change stream can deliver in time.
    other = Hub(make_settings(database=hub.settings.database, tail_interval=60))
    await other.start(run_scheduler=False)
    sub = other.feed.subscribe(lambda e: True)
    try:
        incident = await hub.flows.declare(
            IncidentDeclare(title="db", team_id=demo.team_ids["sre-emea"]), actor="t"
        )
        event = await asyncio.wait_for(sub.get(), 5)
        assert event.incident_id == incident.id
    finally:
        other.feed.unsubscribe(sub)
        await other.stop()


async def test_server_answers_ping_and_reports_a_replica_set(hub: Hub) -> None:
    assert await hub.db.ping()
    hello = await hub.db._db.command("hello")
    assert hello.get("setName"), "change streams need a replica set"
