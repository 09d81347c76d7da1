"""Case A3: hostile or huge bodies are refused or parsed fast, never hang."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import orjson
import pytest

from hub.alerts.limits import PayloadTooLarge, decode_json
from hub.alerts.sources import AlertAction, parse
from hub.errors import BadInput
from hub.jsonlimits import check_json_depth

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64


def decode(raw: bytes) -> object:
    return decode_json(raw, max_bytes=MAX_BYTES, max_depth=MAX_DEPTH)


@pytest.mark.parametrize("opener", [b"[", b'{"a":'])
def test_ten_thousand_levels_refused_quickly(opener: bytes) -> None:
    closer = b"]" if opener == b"[" else b"}"
    raw = opener * 10_000 + b"1" + closer * 10_000
    started = time.perf_counter()

    with pytest.raises(BadInput, match=f"JSON nested deeper than {MAX_DEPTH} levels"):
        decode(raw)
    assert time.perf_counter() - started < 0.5


def test_brackets_inside_strings_do_not_count() -> None:
    raw = orjson.dumps({"text": "[" * 500 + '\\"{{{', "list": [[1]]})

    check_json_depth(raw, 3)
    with pytest.raises(BadInput, match="deeper than 2 levels"):
        check_json_depth(raw, 2)
    assert decode(raw) == orjson.loads(raw)


def test_unterminated_string_full_of_escaped_quotes_scans_linearly() -> None:
    raw = b'{"a": "' + b'\\"' * 500_000
    started = time.perf_counter()

    with pytest.raises(BadInput, match="malformed JSON"):
        decode(raw)
    assert time.perf_counter() - started < 0.5


def test_over_size_is_payload_too_large() -> None:
    with pytest.raises(PayloadTooLarge) as info:
        decode_json(b"[" + b"1," * 600 + b"1]", max_bytes=1000, max_depth=MAX_DEPTH)

    assert info.value.http_status == 413
    assert "limit is 1000" in info.value.message


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "body is empty"),
        (b"  \n", "body is empty"),
        (b'{"query":', "malformed JSON at line 1 column 10"),
        (b'{"alerts": [1, 2', "malformed JSON at line 1"),
        (b"{'single': 1}", "malformed JSON at line 1 column 2"),
    ],
)
def test_truncated_or_empty_json_is_bad_input(raw: bytes, message: str) -> None:
    with pytest.raises(BadInput) as info:
        decode(raw)

    assert not isinstance(info.value, PayloadTooLarge)
    assert message in info.value.message


def _big_group(count: int, truncated: int) -> bytes:
    alerts = [
        {
            "status": "firing",
            "labels": {"alertname": "DiskFull", "instance": f"node-{i}:9100", "severity": "page"},
            "annotations": {"summary": f"disk full on node-{i}"},
            "startsAt": "2024-01-05T10:00:00.123456789Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph",
            "fingerprint": f"{i:016x}",
        }
        for i in range(count)
    ]
    body = {"version": "4", "status": "firing", "receiver": "hub", "groupKey": "{}:{}"}
    return orjson.dumps({**body, "alerts": alerts, "truncatedAlerts": truncated})


def test_five_thousand_alert_group_parses_whole_and_keeps_truncated_count() -> None:
    # How fast is measured in bench/, not asserted here.
    raw = _big_group(5000, 1200)

    payload = decode(raw)
    batch = parse("alertmanager", payload, received_at=datetime(2030, 1, 1, tzinfo=UTC))

    assert len(batch.signals) == 5000 and batch.truncated == 1200
    assert {s.dedup_key for s in batch.signals} == {"{}:{}"}
    assert all(s.action is AlertAction.TRIGGER for s in batch.signals)
