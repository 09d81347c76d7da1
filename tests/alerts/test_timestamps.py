from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub.alerts.sources.timestamps import parse_timestamp
from hub.errors import BadInput


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-03-07T06:33:21.873077559-05:00", datetime(2018, 3, 7, 11, 33, 21, 873077)),
        ("2015-07-17T08:42:58.315+0000", datetime(2015, 7, 17, 8, 42, 58, 315000)),
        ("2021-10-12T09:51:03.157076+02:00", datetime(2021, 10, 12, 7, 51, 3, 157076)),
        ("2024-03-01T02:09:00Z", datetime(2024, 3, 1, 2, 9)),
        ("1970-01-01T00:00:00Z", datetime(1970, 1, 1)),
        (1502709956, datetime(2017, 8, 14, 11, 25, 56)),
        (1502709956288, datetime(2017, 8, 14, 11, 25, 56, 288000)),
        (1502709956288000110, datetime(2017, 8, 14, 11, 25, 56, 288000)),
        (1420452374669001603, datetime(2015, 1, 5, 10, 6, 14, 669001)),
    ],
)
def test_sender_formats_become_utc(value: object, expected: datetime) -> None:
    parsed = parse_timestamp(value, field="t")

    assert parsed == expected.replace(tzinfo=UTC)
    assert parsed is not None and parsed.tzinfo is UTC


@pytest.mark.parametrize("value", [None, "", "0001-01-01T00:00:00Z"])
def test_absent_and_go_zero_time_mean_no_time(value: object) -> None:
    assert parse_timestamp(value, field="t") is None


@pytest.mark.parametrize(
    "value",
    [
        "2018-03-07",
        "2018-13-01T00:00:00Z",
        "2018-03-07T06:33:21",
        "2018-03-07T06:33:21+24:00",
        "2018-03-07T06:33:21-99:99",
        "2018-03-07T06:33:21+05:60",
        "now",
        True,
        1.5,
        -1,
        {},
    ],
)
def test_malformed_times_name_the_field(value: object) -> None:
    with pytest.raises(BadInput, match=r"^alerts\[3\]\.startsAt must be"):
        parse_timestamp(value, field="alerts[3].startsAt")
