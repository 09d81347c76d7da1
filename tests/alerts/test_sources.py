"""Every example payload, real and hand-written, parses to the right actions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from hub.alerts.sources import AlertAction, AlertBatch, pagerduty, parse
from hub.errors import NotFound
from tests.alerts.payloads import OWN_DIR, SHARED_MISSING, examples, shared_dir

RECEIVED = datetime(2030, 1, 1, tzinfo=UTC)
T, A, R = AlertAction.TRIGGER, AlertAction.ACKNOWLEDGE, AlertAction.RESOLVE
IGNORED = "ignored"
RESPONSE = "response"

# What each captured payload in ../shared must become. A new shared example
# without an entry here fails, so nobody adds data that no test reads.
SHARED_EXPECTED: dict[str, list[AlertAction] | str] = {
    "am_exec_notifier_fixture_minimal": [T],
    "grouped_two_alerts_firing": [T, T],
    "kube_prometheus_firing": [T],
    "kube_prometheus_resolved": [R],
    "old_format_no_fingerprint_tz_offset": [T],
    "grouped_three_alerts_promstack": [T, T, T],
    "oncall_alertmanager_demo_payload": [T, T],
    "grafana_docs_firing_two_alerts": [T, T],
    "grafana9_resolved": [R],
    "grafana9_mixed_firing_and_resolved": [R, R, T],
    "grafana11_values_imageURL": [T],
    "oncall_grafana_alerting_demo": [T, T, T],
    "oncall_outgoing_webhook_resolve_event": [R],
    "pagerduty_events_v2_trigger": [T],
    "pagerduty_events_v2_acknowledge": [A],
    "pagerduty_events_v2_resolve": [R],
    "pagerduty_change_event_build": IGNORED,
    "pagerduty_events_v2_success_response": RESPONSE,
    "pagerduty_events_v2_error_response": RESPONSE,
    "opsgenie_webhook_create": [T],
    "opsgenie_webhook_close": [R],
    "cloudwatch_alarm_via_sns_lambda_event": [T],
}
_FILE_SOURCES = {"a_": "alertmanager", "b_": "grafana"}


def _shared_source(file_name: str, example_name: str) -> str:
    return _FILE_SOURCES.get(file_name[:2]) or example_name.split("_")[0]


def _shared_params() -> list[Any]:
    directory = shared_dir()
    if directory is None:
        return [pytest.param(None, None, None, id="shared-missing")]
    return [
        pytest.param(
            _shared_source(path.name, ex["name"]), ex["name"], ex["payload"], id=ex["name"]
        )
        for path in sorted(directory.glob("*.json"))
        for ex in examples(path)
    ]


def _own_params() -> list[Any]:
    return [
        pytest.param(path.stem, ex["expect"], ex["payload"], id=ex["name"])
        for path in sorted(OWN_DIR.glob("*.json"))
        for ex in examples(path)
    ]


def _parse(source: str, payload: object) -> AlertBatch:
    return parse(source, payload, received_at=RECEIVED)


@pytest.mark.parametrize(("source", "name", "payload"), _shared_params())
def test_shared_example_parses_to_expected_actions(
    source: str | None, name: str | None, payload: object
) -> None:
    if source is None or name is None:
        pytest.skip(SHARED_MISSING)
    expected = SHARED_EXPECTED[name]
    if expected == RESPONSE:
        _assert_same_shape(name, payload)
        return
    batch = _parse(source, payload)
    if expected == IGNORED:
        assert batch.signals == [] and batch.ignored_reason
    else:
        assert [s.action for s in batch.signals] == expected
        _assert_well_formed(batch)


@pytest.mark.parametrize(("source", "expect", "payload"), _own_params())
def test_own_fixture_parses_to_expected_actions(
    source: str, expect: dict[str, Any], payload: object
) -> None:
    batch = _parse(source, payload)
    if expect.get("ignored"):
        assert batch.signals == [] and batch.ignored_reason
    else:
        assert [s.action.value for s in batch.signals] == expect["actions"]
        _assert_well_formed(batch)


def _assert_well_formed(batch: AlertBatch) -> None:
    for signal in batch.signals:
        assert signal.dedup_key and signal.alert_key
        for moment in (signal.starts_at, signal.ends_at, signal.occurred_at):
            assert moment is None or moment.utcoffset() is not None
            assert moment is None or moment.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def _assert_same_shape(name: str, payload: Any) -> None:
    if "success" in name:
        ours: dict[str, object] = pagerduty.success_response(payload["dedup_key"])
        assert ours == payload
    else:
        ours = pagerduty.error_response(payload["message"], payload["errors"])
        assert ours.keys() == payload.keys()


def test_unknown_source_is_not_found() -> None:
    with pytest.raises(NotFound, match="nagios"):
        _parse("nagios", {})
