"""docker-compose.yml: a MongoDB replica set with a health check and two hubs on it."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from tests.conftest import ROOT


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def test_mongo_runs_as_a_replica_set_with_a_health_check() -> None:
    mongo = compose()["services"]["mongo"]
    command = mongo["command"]
    assert "--replSet" in command
    replica_set = command[command.index("--replSet") + 1]
    health = " ".join(mongo["healthcheck"]["test"])
    assert "rs.initiate" in health and replica_set in health


def test_two_hub_replicas_point_at_the_replica_set_and_wait_for_it() -> None:
    services = compose()["services"]
    hubs = [s for name, s in services.items() if name.startswith("hub-")]
    assert len(hubs) == 2
    replica_set = services["mongo"]["command"][services["mongo"]["command"].index("--replSet") + 1]
    # Replicas of one hub: the same server and the same database.
    shared = {(h["environment"]["HUB_MONGODB_URI"], h["environment"]["HUB_DATABASE"])
              for h in hubs}
    assert len(shared) == 1
    ports = set()
    for hub in hubs:
        uri = hub["environment"]["HUB_MONGODB_URI"]
        parts = urlsplit(uri)
        assert parts.hostname == "mongo"
        assert parse_qs(parts.query)["replicaSet"] == [replica_set]
        assert hub["depends_on"]["mongo"]["condition"] == "service_healthy"
        assert "/readyz" in " ".join(hub["healthcheck"]["test"])
        ports.add(hub["ports"][0])
    assert len(ports) == 2  # each replica reachable on its own port
