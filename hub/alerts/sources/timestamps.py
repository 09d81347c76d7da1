"""Sender timestamps, read strictly and returned in UTC.

Senders disagree on format: Alertmanager writes nine fractional digits and a
Go zero time for "not ended", PagerDuty writes ``+0000``, Opsgenie sends epoch
integers in milliseconds or nanoseconds. :func:`parse_timestamp` accepts all
of them and nothing vaguer, because a misread time reorders alerts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from hub.errors import BadInput

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})"
    r"(?:\.(\d{1,9}))?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))"
)

# Epoch magnitudes: 1e11 seconds is the year 5138, 1e11 milliseconds is 1973,
# so the ranges below cannot be confused for any plausible alert time.
_SECONDS_BELOW = 10**11
_MILLIS_BELOW = 10**14
_MICROS_BELOW = 10**17

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Go's time.Time{}: what Alertmanager writes for an alert that has not ended.
_GO_ZERO = (1, 1, 1, 0, 0, 0)


def parse_timestamp(value: object, *, field: str) -> datetime | None:
    """Read ``value`` as an instant; ``None`` when the sender gave no time.

    Absent values, empty strings and Go's zero time ``0001-01-01T00:00:00Z``
    all mean "no time". Raises :class:`BadInput` naming ``field`` otherwise.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _bad(field, value)
    if isinstance(value, int):
        return _from_epoch(value, field)
    if isinstance(value, str):
        return _from_text(value, field)
    raise _bad(field, value)


def _from_text(text: str, field: str) -> datetime | None:
    match = _RFC3339.fullmatch(text.strip())
    if match is None:
        raise _bad(field, text)
    *clock, frac, zulu, sign, off_h, off_m = match.groups()
    year, month, day, hour, minute, second = (int(part) for part in clock)
    if (year, month, day, hour, minute, second) == _GO_ZERO:
        return None
    # Python keeps microseconds; the nanoseconds past them are dropped, not
    # rounded, so a time never moves into the next microsecond.
    micros = int((frac or "0").ljust(6, "0")[:6])
    hours, minutes = int(off_h or 0), int(off_m or 0)
    # RFC 3339 offsets stop at 23:59; past that the sender's clock is wrong,
    # and an hour of 99 would otherwise be read as four days.
    if hours > 23 or minutes > 59:
        raise _bad(field, text)
    offset = timedelta(hours=hours, minutes=minutes)
    tz = UTC if zulu else timezone(-offset if sign == "-" else offset)
    try:
        moment = datetime(year, month, day, hour, minute, second, micros, tz)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise _bad(field, text) from None


def _from_epoch(number: int, field: str) -> datetime:
    if number < 0:
        raise _bad(field, number)
    if number < _SECONDS_BELOW:
        micros = number * 1_000_000
    elif number < _MILLIS_BELOW:
        micros = number * 1_000
    elif number < _MICROS_BELOW:
        micros = number
    else:
        # Integer division: these exceed 2**53, where a float loses digits.
        micros = number // 1_000
    try:
        return _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        raise _bad(field, number) from None


def _bad(field: str, value: object) -> BadInput:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return BadInput(
        f"{field} must be an RFC 3339 time or epoch integer, got {shown}",
        field=field,
    )
