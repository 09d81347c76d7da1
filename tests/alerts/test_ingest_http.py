"""Acceptance 1: every payload, captured or our own, ingested over HTTP through
its source, creates or updates the incident a responder would expect.

Each example is replayed after the examples before it in the same file for
the same source, so an acknowledge or resolve meets the incident its trigger
opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import file_params, incidents, post, shared_files
from tests.alerts.payloads import OWN_DIR, SHARED_MISSING, shared_dir
from tests.alerts.test_sources import _shared_source

OPENS, UPDATES, NONE, IGNORED, RESPONSE = "opens", "updates", "none", "ignored", "response"

# What a responder expects each captured payload to do, replayed in file
# order. A new captured example without an entry fails the test.
SHARED_EXPECTED: dict[str, dict[str, Any]] = {
    "am_exec_notifier_fixture_minimal": {"incident": OPENS, "firing": 1},
    "grouped_two_alerts_firing": {"incident": OPENS, "firing": 2, "severity": "SEV1"},
    "kube_prometheus_firing": {"incident": OPENS, "firing": 1, "severity": "SEV3"},
    "kube_prometheus_resolved": {"incident": UPDATES, "status": "RESOLVED", "firing": 0},
    "old_format_no_fingerprint_tz_offset": {"incident": OPENS, "firing": 1},
    "grouped_three_alerts_promstack": {"incident": OPENS, "firing": 3, "severity": "SEV4"},
    "oncall_alertmanager_demo_payload": {"incident": OPENS, "firing": 2},
    "grafana_docs_firing_two_alerts": {"incident": OPENS, "firing": 2},
    # A resolution of an alert never seen firing opens nothing.
    "grafana9_resolved": {"incident": NONE},
    "grafana9_mixed_firing_and_resolved": {"incident": OPENS, "firing": 1},
    "grafana11_values_imageURL": {"incident": OPENS, "firing": 1},
    "oncall_grafana_alerting_demo": {"incident": OPENS, "firing": 3},
    "oncall_outgoing_webhook_resolve_event": {"incident": NONE},
    "pagerduty_events_v2_trigger": {"incident": OPENS, "firing": 1, "severity": "SEV1"},
    "pagerduty_events_v2_acknowledge": {"incident": UPDATES, "status": "ACKNOWLEDGED"},
    "pagerduty_events_v2_resolve": {"incident": UPDATES, "status": "RESOLVED", "firing": 0},
    "pagerduty_change_event_build": {"incident": IGNORED},
    "pagerduty_events_v2_success_response": {"incident": RESPONSE},
    "pagerduty_events_v2_error_response": {"incident": RESPONSE},
    "opsgenie_webhook_create": {"incident": OPENS, "firing": 1},
    # Closes alias "aliastest", which nothing here created.
    "opsgenie_webhook_close": {"incident": NONE},
    "cloudwatch_alarm_via_sns_lambda_event": {"incident": OPENS, "firing": 1},
}


def _shared_source_of(path: Path, ex: dict[str, Any]) -> str:
    return _shared_source(path.name, ex["name"])


def _own_source_of(path: Path, ex: dict[str, Any]) -> str:
    return path.stem


def _shared_params() -> list[Any]:
    if shared_dir() is None:
        return [pytest.param(None, [], {}, id="shared-missing")]
    return file_params(shared_files(), _shared_source_of)


async def _replay(hub: Hub, api: httpx.AsyncClient, source: str, payload: Any) -> dict[str, Any]:
    before = {i.id for i in await incidents(hub)}
    response = await post(api, source, payload)
    assert response.status_code == 202, response.text
    after = await incidents(hub)
    return {"body": response.json(), "new": [i for i in after if i.id not in before]}


async def _check(
    hub: Hub,
    api: httpx.AsyncClient,
    source: str,
    before: list[Any],
    ex: dict[str, Any],
    expect: dict[str, Any],
) -> None:
    opened = None
    for earlier in before:
        if SHARED_EXPECTED.get(earlier["name"], {}).get("incident") == RESPONSE:
            continue
        done = await _replay(hub, api, source, earlier["payload"])
        opened = done["new"][0] if done["new"] else opened
    done = await _replay(hub, api, source, ex["payload"])
    kind = expect["incident"]

    if kind in (NONE, IGNORED):
        assert done["new"] == []
        if kind == IGNORED:
            assert done["body"]["status"] in ("ignored", "success")
        return
    if kind == OPENS:
        assert len(done["new"]) == 1, done["body"]
        incident = done["new"][0]
    else:
        assert done["new"] == [] and opened is not None
        incident = await hub.incidents.get(opened.id)
    assert incident.status.value == expect.get("status", "TRIGGERED")
    assert incident.alert_group is not None
    if "firing" in expect:
        assert incident.alert_group.firing_count == expect["firing"]
    if "severity" in expect:
        assert incident.severity.value == expect["severity"]


@pytest.mark.parametrize(("source", "before", "ex"), _shared_params())
async def test_captured_payload_does_what_a_responder_expects(
    hub: Hub,
    api: httpx.AsyncClient,
    demo: DemoData,
    source: str | None,
    before: list[Any],
    ex: dict[str, Any],
) -> None:
    if source is None:
        pytest.skip(SHARED_MISSING)
    expect = SHARED_EXPECTED[ex["name"]]
    if expect["incident"] == RESPONSE:
        pytest.skip("a PagerDuty response body, checked by test_pagerduty_api")
    await _check(hub, api, source, before, ex, expect)


@pytest.mark.parametrize(
    ("source", "before", "ex"),
    file_params(sorted(OWN_DIR.glob("*.json")), _own_source_of),
)
async def test_own_fixture_does_what_a_responder_expects(
    hub: Hub,
    api: httpx.AsyncClient,
    demo: DemoData,
    source: str,
    before: list[Any],
    ex: dict[str, Any],
) -> None:
    await _check(hub, api, source, before, ex, ex["expect"]["ingest"])


async def test_every_source_has_a_demo_key(hub: Hub, demo: DemoData) -> None:
    from hub.alerts.sources import SOURCES

    for source in SOURCES:
        integration = await hub.integrations.by_key(source, f"demo-{source}")
        assert integration.team_id == demo.team_ids["sre-apac"]
