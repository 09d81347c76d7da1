"""Handoff tests run on a manual clock, starting Monday 2025-06-02 03:00 UTC.

On that day (summer time in London and San Francisco) the demo regions work
Singapore 00:00-09:00, London 07:00-16:00 and San Francisco 15:00-24:00 UTC,
so the rotation hands Singapore -> London at 07:00 and London -> San
Francisco at 15:00.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from hub.clock import ManualClock
from hub.core import Hub
from hub.settings import Settings


@pytest.fixture
async def hub(settings: Settings, clock: ManualClock) -> AsyncIterator[Hub]:
    h = Hub(settings, clock=clock)
    await h.start(run_scheduler=False)
    yield h
    await h.stop()
    if not h.db.embedded:
        await h.db._client.drop_database(h.db.name)
