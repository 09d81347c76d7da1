"""Alert tests run on a hub whose clock they move (routing reads local time).

Outbound calls only ever reach loopback: the SNS confirmation pattern is
narrowed to 127.0.0.1, so a payload naming amazonaws.com is refused, never
fetched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from hub.clock import ManualClock
from hub.core import Hub
from hub.settings import Settings
from tests.conftest import _drop, make_settings

LOOPBACK_ONLY = r"^http://127\.0\.0\.1:\d+/"


@pytest.fixture
def settings() -> Settings:
    return make_settings(sns_subscribe_url_pattern=LOOPBACK_ONLY)


@pytest.fixture
async def hub(settings: Settings, clock: ManualClock) -> AsyncIterator[Hub]:
    h = Hub(settings, clock=clock)
    await h.start(run_scheduler=False)
    yield h
    await h.stop()
    await _drop(h)
