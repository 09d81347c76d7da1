"""The rules each parser must keep, beyond mapping actions."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from hub.alerts.sources import AlertAction, AlertBatch, parse
from hub.alerts.sources.pagerduty import generated_dedup_key
from hub.errors import BadInput
from tests.alerts.payloads import OWN_DIR, SHARED_MISSING, examples, shared_dir

RECEIVED = datetime(2030, 1, 1, tzinfo=UTC)


def own(source: str, name: str) -> Any:
    found = {ex["name"]: ex["payload"] for ex in examples(OWN_DIR / f"{source}.json")}
    return copy.deepcopy(found[name])


def run(source: str, payload: object, received_at: datetime = RECEIVED) -> AlertBatch:
    return parse(source, payload, received_at=received_at)


def test_alertmanager_pair_shares_keys_and_orders_by_own_times() -> None:
    firing = run("alertmanager", own("alertmanager", "am_firing")).signals[0]
    resolved = run("alertmanager", own("alertmanager", "am_resolved")).signals[0]

    assert (firing.dedup_key, firing.alert_key) == (resolved.dedup_key, resolved.alert_key)
    assert firing.occurred_at == firing.starts_at
    assert resolved.occurred_at == resolved.ends_at
    assert firing.occurred_at < resolved.occurred_at
    assert firing.ends_at is None


def test_shared_alertmanager_pair_shares_keys() -> None:
    directory = shared_dir()
    if directory is None:
        pytest.skip(SHARED_MISSING)
    payloads = {
        ex["name"]: ex["payload"] for ex in examples(directory / "a_alertmanager_webhooks.json")
    }
    firing = run("alertmanager", payloads["kube_prometheus_firing"]).signals[0]
    resolved = run("alertmanager", payloads["kube_prometheus_resolved"]).signals[0]

    assert (firing.dedup_key, firing.alert_key) == (resolved.dedup_key, resolved.alert_key)
    assert resolved.action is AlertAction.RESOLVE
    assert firing.occurred_at < resolved.occurred_at


def test_old_alertmanager_format_reads_offset_and_hashes_labels() -> None:
    batch = run("alertmanager", own("alertmanager", "am_old_format_offset"))
    signal = batch.signals[0]

    assert signal.starts_at == datetime(2019, 11, 2, 19, 8, 55, 120934, tzinfo=UTC)
    assert signal.ends_at is None
    assert len(signal.alert_key) == 64
    assert signal.dedup_key == '{}:{alertname="NodeFilesystemAlmostFull"}'


def test_old_alertmanager_format_past_end_time_resolves_inside_firing_group() -> None:
    payload = own("alertmanager", "am_old_format_offset")
    payload["alerts"][0]["endsAt"] = "2019-11-02T15:00:00-05:00"

    assert run("alertmanager", payload).signals[0].action is AlertAction.RESOLVE
    early = datetime(2019, 11, 2, 19, 30, tzinfo=UTC)
    assert run("alertmanager", payload, early).signals[0].action is AlertAction.TRIGGER


def test_t1_nine_digit_offset_time_is_truncated_to_utc_microseconds() -> None:
    payload = own("alertmanager", "am_old_format_offset")
    payload["alerts"][0]["startsAt"] = "2018-03-07T06:33:21.873077559-05:00"
    signal = run("alertmanager", payload).signals[0]

    assert signal.starts_at is not None
    assert signal.starts_at.isoformat() == "2018-03-07T11:33:21.873077+00:00"
    assert run("alertmanager", payload).signals[0] == signal


def test_grafana_mixed_group_resolves_only_resolved_alerts() -> None:
    batch = run("grafana", own("grafana", "grafana_mixed"))
    by_key = {s.alert_key: s.action for s in batch.signals}

    assert by_key == {
        "0b7f9a2c3d4e5f61": AlertAction.TRIGGER,
        "9c8d7e6f5a4b3c21": AlertAction.RESOLVE,
        "1a2b3c4d5e6f7a8b": AlertAction.RESOLVE,
    }
    assert len({s.dedup_key for s in batch.signals}) == 1
    assert "https://grafana.example.org/d/pay01" in batch.signals[0].links
    assert batch.signals[0].fields["org_id"] == "3"


def test_grafana_without_group_key_falls_back_to_fingerprint() -> None:
    payload = own("grafana", "grafana_firing")
    del payload["groupKey"]

    assert run("grafana", payload).signals[0].dedup_key == "0b7f9a2c3d4e5f61"


def test_opsgenie_nanosecond_integers_keep_their_precision() -> None:
    created = run("opsgenie", own("opsgenie", "og_create")).signals[0]
    closed = run("opsgenie", own("opsgenie", "og_close")).signals[0]

    assert created.dedup_key == closed.dedup_key == "ingest-queue-depth"
    assert created.occurred_at == datetime(2024, 4, 25, 13, 35, 0, 123000, tzinfo=UTC)
    assert closed.ends_at == datetime(2024, 4, 25, 14, 5, 0, 987654, tzinfo=UTC)
    assert closed.occurred_at == closed.ends_at
    assert created.severity == "P2"


def test_opsgenie_without_alias_dedups_by_alert_id() -> None:
    payload = own("opsgenie", "og_create")
    del payload["alert"]["alias"]

    assert run("opsgenie", payload).group_key == "7e3b1d2a-90c4-4f6e-b8a1-2c3d4e5f6a7b"


def test_opsgenie_note_is_ignored_with_reason() -> None:
    payload = own("opsgenie", "og_create")
    payload["action"] = "AddNote"
    batch = run("opsgenie", payload)

    assert batch.signals == [] and "AddNote" in (batch.ignored_reason or "")


def test_cloudwatch_decodes_message_string_and_pairs_alarm_with_ok() -> None:
    alarm = run("cloudwatch", own("cloudwatch", "cw_alarm")).signals[0]
    ok = run("cloudwatch", own("cloudwatch", "cw_ok")).signals[0]

    assert alarm.dedup_key == ok.dedup_key
    assert alarm.dedup_key.endswith(":alarm:rds-cpu-high")
    assert alarm.labels["DBInstanceIdentifier"] == "orders-primary"
    assert alarm.fields["account"] == "210987654321"
    assert ok.ends_at == datetime(2024, 6, 11, 8, 15, 2, 118000, tzinfo=UTC)


def test_cloudwatch_lambda_wrapper_matches_bare_envelope() -> None:
    envelope = own("cloudwatch", "cw_alarm")
    wrapped = {"Records": [{"EventSource": "aws:sns", "Sns": envelope}]}

    assert run("cloudwatch", wrapped) == run("cloudwatch", envelope)


def test_cloudwatch_insufficient_data_and_confirmation_open_nothing() -> None:
    payload = own("cloudwatch", "cw_alarm")
    message = orjson.loads(payload["Message"])
    message["NewStateValue"] = "INSUFFICIENT_DATA"
    payload["Message"] = orjson.dumps(message).decode()
    confirm = run("cloudwatch", own("cloudwatch", "cw_subscription_confirmation"))

    assert run("cloudwatch", payload).ignored_reason
    assert confirm.signals == []
    assert (confirm.subscribe_url or "").startswith("https://sns.eu-central-1.amazonaws.com/")


def test_pagerduty_trigger_without_dedup_key_gets_a_deterministic_one() -> None:
    payload = own("pagerduty", "pd_trigger")
    del payload["dedup_key"]
    first = run("pagerduty", payload).signals[0]
    again = run("pagerduty", payload, RECEIVED + timedelta(hours=1)).signals[0]

    assert first.dedup_key == again.dedup_key
    assert first.dedup_key == generated_dedup_key(
        payload["routing_key"], payload["payload"]["summary"], payload["payload"]["source"]
    )


def test_pagerduty_trigger_keeps_details_links_and_routing_fields() -> None:
    signal = run("pagerduty", own("pagerduty", "pd_trigger")).signals[0]

    assert signal.annotations["rate"] == "0.07"
    assert signal.annotations["backends"] == '["web-1","web-2"]'
    assert signal.links[0] == "https://nagios.example.org/host/lb-eu-1"
    assert signal.fields["component"] == "haproxy" and signal.fields["class"] == "http"
    # payload.timestamp is when the alert began; arrival orders its actions.
    assert signal.starts_at == datetime(2023, 9, 30, 3, 12, 45, 807000, tzinfo=UTC)
    assert signal.by_arrival


@pytest.mark.parametrize(("field", "limit"), [("dedup_key", 255), ("summary", 1024)])
def test_pagerduty_limits_accept_the_limit_and_refuse_one_more(field: str, limit: int) -> None:
    def with_length(length: int) -> Any:
        payload = own("pagerduty", "pd_trigger")
        target = payload if field == "dedup_key" else payload["payload"]
        target[field] = "x" * length
        return payload

    assert run("pagerduty", with_length(limit)).signals
    with pytest.raises(BadInput) as info:
        run("pagerduty", with_length(limit + 1))
    assert field in info.value.message and str(limit) in info.value.message
    assert info.value.details["limit"] == limit


def test_generic_resolve_uses_its_epoch_time() -> None:
    signal = run("generic", own("generic", "generic_resolve")).signals[0]

    assert signal.occurred_at == datetime(2024, 7, 2, 0, 40, 9, tzinfo=UTC)
