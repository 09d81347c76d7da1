"""The README's run command as a new user meets it: a real process, real HTTP.

``incident-hub serve --demo`` is started on a free port with no
``HUB_MONGODB_URI``; its first log line must name the embedded engine. Every
Alertmanager payload of a file is then posted to the demo key, and a viewer's
GraphQL query must list one incident per alert group, each with its timeline.
The captured payloads in ../shared run when present; the project's own
fixtures run always, so a clone without ../shared checks the same path.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from hub import cli
from hub.http.server import HubServer
from tests.alerts.payloads import OWN_DIR, SHARED_MISSING, examples, shared_dir
from tests.conftest import ROOT, free_port

VIEWER = {"Authorization": "Bearer demo-viewer-token"}
LIST = """{ incidents(first: 100) { totalCount nodes {
  id ref title status timeline { sequence type actor occurredAt data } } } }"""


@dataclass
class Running:
    url: str
    log: Path
    process: subprocess.Popen[bytes]


def command() -> list[str]:
    # The console script pip installed beside this interpreter, as the README runs it.
    script = Path(sys.executable).with_name("incident-hub")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "hub.cli"]


@pytest.fixture
def demo_process(tmp_path: Path) -> Iterator[Running]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    log = tmp_path / "hub.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command(), "serve", "--demo", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"the hub exited early:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"the hub never got ready:\n{log.read_text()}"
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield Running(url, log, process)
    finally:
        # Ctrl-C, as a user stops it.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"the hub did not stop on Ctrl-C:\n{log.read_text()}")


def payload_files() -> list[Any]:
    own = pytest.param(OWN_DIR / "alertmanager.json", id="own")
    directory = shared_dir()
    if directory is None:
        # Decided before the hub is started, so a skip costs nothing.
        return [own, pytest.param(None, id="shared", marks=pytest.mark.skip(SHARED_MISSING))]
    return [own, pytest.param(directory / "a_alertmanager_webhooks.json", id="shared")]


def alert_identity(alert: dict[str, Any]) -> str:
    return str(alert.get("fingerprint") or json.dumps(alert.get("labels"), sort_keys=True))


def expected_groups(payloads: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per group key: the alerts that fired in it, and whether all ended resolved."""
    groups: dict[str, dict[str, Any]] = {}
    for payload in payloads:
        group = groups.setdefault(payload["groupKey"], {"fired": set(), "state": {}})
        for alert in payload["alerts"]:
            status = alert.get("status", payload["status"])
            group["state"][alert_identity(alert)] = status
            if status == "firing":
                group["fired"].add(alert_identity(alert))
    return groups


@pytest.mark.parametrize("source", payload_files())
def test_demo_command_turns_posted_alerts_into_listed_incidents_with_timelines(
    source: Path, demo_process: Running
) -> None:
    bodies = [e["payload"] for e in examples(source)]
    first_line = demo_process.log.read_text().splitlines()[0]
    assert "event=hub.starting engine=embedded" in first_line, first_line
    assert f"url={demo_process.url}/graphql" in first_line, first_line

    opened: dict[str, str] = {}
    for body in bodies:
        response = httpx.post(
            f"{demo_process.url}/ingest/alertmanager/demo-alertmanager", json=body, timeout=10
        )
        assert response.status_code == 202, response.text
        answer = response.json()
        # One alert group, one incident: every delivery of a group names the same one.
        assert opened.setdefault(body["groupKey"], answer["incident"]) == answer["incident"]

    response = httpx.post(
        f"{demo_process.url}/graphql", json={"query": LIST}, headers=VIEWER, timeout=10
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert "errors" not in data, data
    listed = {n["ref"]: n for n in data["data"]["incidents"]["nodes"]}

    groups = expected_groups(bodies)
    assert len(set(opened.values())) == len(groups)
    assert set(listed) == set(opened.values())
    assert data["data"]["incidents"]["totalCount"] == len(groups)
    for key, group in groups.items():
        incident = listed[opened[key]]
        kinds = [e["type"] for e in incident["timeline"]]
        assert kinds[0] == "incident.declared", (key, kinds)
        sequences = [e["sequence"] for e in incident["timeline"]]
        assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
        fired = sum(e["data"]["count"] for e in incident["timeline"]
                    if e["type"] == "alerts.fired")
        assert fired == len(group["fired"]), (key, incident["timeline"])
        all_resolved = set(group["state"].values()) == {"resolved"}
        assert (incident["status"] == "RESOLVED") == all_resolved, (key, incident["status"])
        assert ("alerts.resolved" in kinds) == all_resolved, (key, kinds)


def test_start_line_names_a_server_engine_without_its_credentials(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Only the start line is wanted: the server itself is not run.
    monkeypatch.setattr(HubServer, "run", lambda self: None)
    monkeypatch.setenv(
        "HUB_MONGODB_URI", "mongodb://alice:s3cret@db.example:27017/?replicaSet=rs0"
    )
    monkeypatch.setenv("HUB_DATABASE", "ops")
    caplog.set_level(logging.INFO, logger="hub")

    result = CliRunner().invoke(cli.app, ["serve", "--port", "8123"])

    assert result.exit_code == 0, result.output
    [line] = [r.getMessage() for r in caplog.records if "hub.starting" in r.getMessage()]
    assert "engine=mongodb://***@db.example:27017/ " in line
    assert "database=ops" in line and "url=http://127.0.0.1:8123/graphql" in line
    assert "s3cret" not in caplog.text and "alice" not in caplog.text
