"""Weekly local windows turned into UTC spans, across midnight and DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from hub.errors import BadInput
from hub.teams.hours import Span, is_working, region_is_working, region_spans, window_spans
from hub.teams.models import ALL_DAYS, Region, Weekday, WorkingWindow


def z(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def window(start: time, end: time, days: tuple[Weekday, ...] = tuple(ALL_DAYS)) -> WorkingWindow:
    return WorkingWindow(days=days, start=start, end=end)


def region(zone: str, *windows: WorkingWindow) -> Region:
    return Region(
        id="r",
        name="r",
        time_zone=zone,
        working_hours=list(windows),
        created_at=z(2024, 10, 1),
    )


def test_day_window_in_singapore_is_fixed_in_utc() -> None:
    # SGT is UTC+8 all year: 09:00-18:00 SGT is 01:00-10:00 UTC.
    spans = window_spans(window(time(9), time(18)), "Asia/Singapore", z(2025, 6, 2), z(2025, 6, 4))
    assert spans == [
        Span(z(2025, 6, 2, 1), z(2025, 6, 2, 10)),
        Span(z(2025, 6, 3, 1), z(2025, 6, 3, 10)),
    ]


def test_days_are_the_local_days_a_window_starts_on() -> None:
    # 2025-06-02 is a Monday. 09:00 SGT Monday is 01:00 UTC Monday; with a
    # Monday-only window the Tuesday occurrence is absent.
    spans = window_spans(
        window(time(9), time(18), (Weekday.MON,)), "Asia/Singapore", z(2025, 6, 1), z(2025, 6, 8)
    )
    assert spans == [Span(z(2025, 6, 2, 1), z(2025, 6, 2, 10))]


def test_local_start_day_differs_from_utc_day() -> None:
    # 07:00 SGT Monday 2025-06-02 is 23:00 UTC on Sunday 06-01.
    spans = window_spans(
        window(time(7), time(8), (Weekday.MON,)), "Asia/Singapore", z(2025, 6, 1), z(2025, 6, 3)
    )
    assert spans == [Span(z(2025, 6, 1, 23), z(2025, 6, 2, 0))]


def test_window_crossing_midnight_ends_next_local_day() -> None:
    # Monday 2025-01-06 22:00 GMT to Tuesday 06:00 GMT (London is on UTC+0).
    night = window(time(22), time(6), (Weekday.MON,))
    expected = [Span(z(2025, 1, 6, 22), z(2025, 1, 7, 6))]
    assert window_spans(night, "Europe/London", z(2025, 1, 6), z(2025, 1, 8)) == expected
    # A range that starts mid-shift on Tuesday still sees Monday's shift.
    assert window_spans(night, "Europe/London", z(2025, 1, 7, 3), z(2025, 1, 7, 4)) == expected


def test_night_window_across_spring_forward_is_an_hour_shorter() -> None:
    # Sat 2025-03-29 22:00 GMT = 22:00 UTC; Sun 03-30 06:00 BST = 05:00 UTC.
    night = window(time(22), time(6), (Weekday.SAT,))
    spans = window_spans(night, "Europe/London", z(2025, 3, 29), z(2025, 3, 31))
    assert spans == [Span(z(2025, 3, 29, 22), z(2025, 3, 30, 5))]


def test_night_window_across_fall_back_is_an_hour_longer() -> None:
    # Sat 2025-10-25 22:00 BST = 21:00 UTC; Sun 10-26 06:00 GMT = 06:00 UTC.
    night = window(time(22), time(6), (Weekday.SAT,))
    spans = window_spans(night, "Europe/London", z(2025, 10, 25), z(2025, 10, 27))
    assert spans == [Span(z(2025, 10, 25, 21), z(2025, 10, 26, 6))]


def test_chicago_day_stays_at_nine_local_across_both_changes() -> None:
    # CDT is UTC-5, CST UTC-6. Fall back 2024-11-03, spring forward 2025-03-09.
    day = window(time(9), time(17))
    autumn = window_spans(day, "America/Chicago", z(2024, 11, 2, 12), z(2024, 11, 4, 18))
    assert [s.start for s in autumn] == [
        z(2024, 11, 2, 14),
        z(2024, 11, 3, 15),
        z(2024, 11, 4, 15),
    ]
    spring = window_spans(day, "America/Chicago", z(2025, 3, 8, 12), z(2025, 3, 10, 18))
    assert [s.start for s in spring] == [z(2025, 3, 8, 15), z(2025, 3, 9, 14), z(2025, 3, 10, 14)]


def test_nonexistent_local_time_shifts_forward() -> None:
    # 02:30 on 2025-03-09 does not exist in Chicago; fold=0 reads it at CST
    # (UTC-6): 08:30 UTC, which is 03:30 CDT. 05:00 CDT is 10:00 UTC.
    spans = window_spans(
        window(time(2, 30), time(5)), "America/Chicago", z(2025, 3, 9, 6), z(2025, 3, 9, 12)
    )
    assert spans == [Span(z(2025, 3, 9, 8, 30), z(2025, 3, 9, 10))]


def test_window_inside_the_gap_moves_with_it() -> None:
    # 02:10-02:50 on 2025-03-09 Chicago is wholly skipped; both ends read at
    # CST (UTC-6): 08:10-08:50 UTC, i.e. 03:10-03:50 CDT.
    spans = window_spans(
        window(time(2, 10), time(2, 50)), "America/Chicago", z(2025, 3, 9), z(2025, 3, 10)
    )
    assert spans == [Span(z(2025, 3, 9, 8, 10), z(2025, 3, 9, 8, 50))]


def test_window_the_gap_turns_inside_out_is_dropped() -> None:
    # 02:30-03:10 on 2025-03-09 Chicago: 02:30 reads as 08:30 UTC (03:30 CDT)
    # and 03:10 CDT is 08:10 UTC, before it. No span that day; the next day's
    # 02:30-03:10 CDT is 07:30-08:10 UTC.
    spans = window_spans(
        window(time(2, 30), time(3, 10)), "America/Chicago", z(2025, 3, 9), z(2025, 3, 11)
    )
    assert spans == [Span(z(2025, 3, 10, 7, 30), z(2025, 3, 10, 8, 10))]


def test_ambiguous_local_time_takes_first_occurrence() -> None:
    # 01:30 happens twice on 2024-11-03 in Chicago; the first is CDT (UTC-5),
    # 06:30 UTC. 03:00 is CST (UTC-6): 09:00 UTC. So the span is 2.5 hours.
    spans = window_spans(
        window(time(1, 30), time(3)), "America/Chicago", z(2024, 11, 3), z(2024, 11, 4)
    )
    assert spans == [Span(z(2024, 11, 3, 6, 30), z(2024, 11, 3, 9))]


def test_region_spans_merge_touching_and_overlapping_windows() -> None:
    # 09:00-12:00 + 12:00-14:00 touch, 13:00-17:00 overlaps: one 09:00-17:00.
    r = region(
        "Europe/London",
        window(time(9), time(12)),
        window(time(12), time(14)),
        window(time(13), time(17)),
    )
    assert region_spans(r, z(2025, 1, 6), z(2025, 1, 7)) == [
        Span(z(2025, 1, 6, 9), z(2025, 1, 6, 17))
    ]


def test_round_the_clock_windows_merge_into_one_span() -> None:
    r = region("Asia/Singapore", window(time(0), time(0)))
    spans = region_spans(r, z(2025, 1, 6), z(2025, 1, 9))
    assert len(spans) == 1
    assert spans[0].start <= z(2025, 1, 6) and spans[0].end >= z(2025, 1, 9)


def test_is_working_uses_the_given_zone() -> None:
    hours = [window(time(9), time(17))]
    # 2025-07-01 08:30 UTC is 09:30 BST but 01:30 PDT.
    at = z(2025, 7, 1, 8, 30)
    assert is_working("Europe/London", hours, at)
    assert not is_working("America/Los_Angeles", hours, at)


def test_is_working_is_half_open() -> None:
    r = region("Europe/London", window(time(9), time(17)))
    # 09:00-17:00 GMT on 2025-01-06 is 09:00-17:00 UTC.
    assert region_is_working(r, z(2025, 1, 6, 9))
    assert region_is_working(r, z(2025, 1, 6, 17) - timedelta(microseconds=1))
    assert not region_is_working(r, z(2025, 1, 6, 17))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(BadInput):
        window_spans(window(time(9), time(17)), "UTC", datetime(2025, 1, 1), z(2025, 1, 2))
    with pytest.raises(BadInput):
        is_working("UTC", [], datetime(2025, 1, 1))
