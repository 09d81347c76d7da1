from __future__ import annotations

import pytest

from hub.settings import Settings
from tests.api.node import install
from tests.conftest import make_settings


@pytest.fixture(scope="session")
def node_packages() -> None:
    install()


@pytest.fixture
def settings() -> Settings:
    # The live feed's poll of the log would add round trips of its own to the
    # counts these tests take; nothing here needs a second replica's events.
    return make_settings(tail_interval=3600.0)
