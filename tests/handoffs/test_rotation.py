"""Follow-the-sun ownership: on_duty and handoff_schedule.

Offsets used in the hand computations below:
  Asia/Singapore       SGT  UTC+8 all year
  Europe/London        GMT  UTC+0; BST UTC+1 from 2025-03-30 to 2025-10-26
  America/Los_Angeles  PST  UTC-8; PDT UTC-7 from 2025-03-09 to 2025-11-02
  America/Chicago      CST  UTC-6; CDT UTC-5 until 2024-11-03, from 2025-03-09
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

import pytest

from hub.errors import BadInput
from hub.handoffs.rotation import Schedule, handoff_schedule, on_duty, rotation
from hub.teams.hours import Span
from hub.teams.models import ALL_DAYS, WORK_DAYS, Region, Weekday, WorkingWindow


def z(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def region(
    name: str,
    zone: str,
    order: int,
    start: time = time(9),
    end: time = time(18),
    days: Sequence[Weekday] = ALL_DAYS,
) -> Region:
    return Region(
        id=name,
        name=name,
        time_zone=zone,
        rotation_order=order,
        working_hours=[WorkingWindow(days=tuple(days), start=start, end=end)],
        created_at=z(2024, 10, 1),
    )


def demo(days: Sequence[Weekday] = ALL_DAYS) -> list[Region]:
    """Singapore -> London -> San Francisco, each 09:00-18:00 local."""
    return [
        region("sg", "Asia/Singapore", 0, days=days),
        region("ldn", "Europe/London", 1, days=days),
        region("sf", "America/Los_Angeles", 2, days=days),
    ]


def t2() -> list[Region]:
    # Case T2. Chicago works 09:00-17:00 local. Singapore's 06:00-23:30 SGT
    # (22:00-15:30 UTC) covers the rest of the day whichever offset Chicago
    # is on, and contains 09:00 Chicago (14:00 or 15:00 UTC), so 09:00
    # Chicago is always the incoming shift start, i.e. the handoff.
    return [
        region("sg", "Asia/Singapore", 0, time(6), time(23, 30)),
        region("chi", "America/Chicago", 1, time(9), time(17)),
    ]


def gappy() -> list[Region]:
    # LA 09:00-17:00 hands to London 01:00-17:00. With both on summer time or
    # both on winter time they meet exactly (LA 16-00 / London 00-16 UTC, or
    # LA 17-01 / London 01-17 UTC). While LA is on PDT and London on GMT
    # (2025-03-09..03-30 and 10-26..11-02) there is a gap 00:00-01:00 UTC and
    # an overlap 16:00-17:00 UTC.
    return [
        region("la", "America/Los_Angeles", 0, time(9), time(17)),
        region("ldn", "Europe/London", 1, time(1), time(17)),
    ]


def night_and_day() -> list[Region]:
    return [
        region("day", "Europe/London", 0, time(6), time(22)),
        region("night", "Europe/London", 1, time(22), time(6)),
    ]


def summary(schedule: Schedule) -> list[tuple[datetime, str, str]]:
    return [(h.at, h.from_region.name, h.to_region.name) for h in schedule.handoffs]


def overlaps(schedule: Schedule) -> list[tuple[Span, list[str]]]:
    return [(o.span, [r.name for r in o.regions]) for o in schedule.overlaps]


# Case T2 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "owner", "in_window", "since", "until"),
    [
        # 2024-11-03 is CST: 08:30 = 14:30 UTC, still Singapore's (until
        # 15:00 UTC = 09:00 CST); 09:30 = 15:30 UTC, Chicago's since 15:00 UTC
        # until Singapore's 06:00 SGT start, 22:00 UTC.
        (z(2024, 11, 3, 14, 30), "sg", True, z(2024, 11, 2, 22), z(2024, 11, 3, 15)),
        (z(2024, 11, 3, 15, 30), "chi", True, z(2024, 11, 3, 15), z(2024, 11, 3, 22)),
        # 2025-03-09 is CDT: 08:30 = 13:30 UTC; 09:30 = 14:30 UTC.
        (z(2025, 3, 9, 13, 30), "sg", True, z(2025, 3, 8, 22), z(2025, 3, 9, 14)),
        (z(2025, 3, 9, 14, 30), "chi", True, z(2025, 3, 9, 14), z(2025, 3, 9, 22)),
    ],
)
def test_t2_owner_at_half_past_eight_and_half_past_nine(
    at: datetime, owner: str, in_window: bool, since: datetime, until: datetime
) -> None:
    duty = on_duty(t2(), at)
    assert (duty.region.name, duty.in_window, duty.since, duty.until) == (
        owner,
        in_window,
        since,
        until,
    )
    assert duty.next_region is not None
    assert duty.next_region.name != owner


def test_t2_handoff_stays_at_nine_chicago_across_fall_back() -> None:
    schedule = handoff_schedule(t2(), z(2024, 11, 2), z(2024, 11, 5))
    # 09:00 CDT on 11-02 is 14:00 UTC; 09:00 CST on 11-03 and 11-04 is 15:00.
    # Singapore comes back at 22:00 UTC (06:00 SGT): 17:00 CDT, then 16:00 CST.
    assert summary(schedule) == [
        (z(2024, 11, 2, 14), "sg", "chi"),
        (z(2024, 11, 2, 22), "chi", "sg"),
        (z(2024, 11, 3, 15), "sg", "chi"),
        (z(2024, 11, 3, 22), "chi", "sg"),
        (z(2024, 11, 4, 15), "sg", "chi"),
        (z(2024, 11, 4, 22), "chi", "sg"),
    ]
    to_chicago = [h.to_local for h in schedule.handoffs if h.to_region.name == "chi"]
    assert [(t.day, t.time()) for t in to_chicago] == [(d, time(9)) for d in (2, 3, 4)]
    assert schedule.gaps == []


def test_t2_handoff_stays_at_nine_chicago_across_spring_forward() -> None:
    schedule = handoff_schedule(t2(), z(2025, 3, 8), z(2025, 3, 11))
    # 09:00 CST on 03-08 is 15:00 UTC; 09:00 CDT on 03-09 and 03-10 is 14:00.
    assert summary(schedule) == [
        (z(2025, 3, 8, 15), "sg", "chi"),
        (z(2025, 3, 8, 22), "chi", "sg"),
        (z(2025, 3, 9, 14), "sg", "chi"),
        (z(2025, 3, 9, 22), "chi", "sg"),
        (z(2025, 3, 10, 14), "sg", "chi"),
        (z(2025, 3, 10, 22), "chi", "sg"),
    ]
    to_chicago = [h.to_local for h in schedule.handoffs if h.to_region.name == "chi"]
    assert [(t.day, t.time()) for t in to_chicago] == [(d, time(9)) for d in (8, 9, 10)]
    assert schedule.gaps == []


@pytest.mark.parametrize("start", [z(2024, 11, 2), z(2025, 3, 8)])
def test_t2_always_has_an_owner_in_window(start: datetime) -> None:
    for minutes in range(0, 3 * 24 * 60, 10):
        duty = on_duty(t2(), start + timedelta(minutes=minutes))
        assert duty.in_window


# The demo rotation on ordinary days ----------------------------------------


def test_demo_summer_day() -> None:
    schedule = handoff_schedule(demo(), z(2025, 6, 11), z(2025, 6, 12))
    # SG 01-10 UTC, London (BST) 08-17 UTC, SF (PDT) 16-01 UTC.
    assert summary(schedule) == [
        (z(2025, 6, 11, 1), "sf", "sg"),
        (z(2025, 6, 11, 8), "sg", "ldn"),
        (z(2025, 6, 11, 16), "ldn", "sf"),
    ]
    local = [(h.from_local.isoformat(), h.to_local.isoformat()) for h in schedule.handoffs]
    assert local == [
        ("2025-06-10T18:00:00-07:00", "2025-06-11T09:00:00+08:00"),
        ("2025-06-11T16:00:00+08:00", "2025-06-11T09:00:00+01:00"),
        ("2025-06-11T17:00:00+01:00", "2025-06-11T09:00:00-07:00"),
    ]
    assert overlaps(schedule) == [
        (Span(z(2025, 6, 11, 8), z(2025, 6, 11, 10)), ["sg", "ldn"]),
        (Span(z(2025, 6, 11, 16), z(2025, 6, 11, 17)), ["ldn", "sf"]),
    ]
    assert schedule.gaps == []


def test_demo_winter_day() -> None:
    schedule = handoff_schedule(demo(), z(2025, 1, 15), z(2025, 1, 16))
    # SG 01-10 UTC, London (GMT) 09-18 UTC, SF (PST) 17-02 UTC.
    assert summary(schedule) == [
        (z(2025, 1, 15, 1), "sf", "sg"),
        (z(2025, 1, 15, 9), "sg", "ldn"),
        (z(2025, 1, 15, 17), "ldn", "sf"),
    ]
    local = [(h.from_local.isoformat(), h.to_local.isoformat()) for h in schedule.handoffs]
    assert local == [
        ("2025-01-14T17:00:00-08:00", "2025-01-15T09:00:00+08:00"),
        ("2025-01-15T17:00:00+08:00", "2025-01-15T09:00:00+00:00"),
        ("2025-01-15T17:00:00+00:00", "2025-01-15T09:00:00-08:00"),
    ]
    assert overlaps(schedule) == [
        (Span(z(2025, 1, 15, 1), z(2025, 1, 15, 2)), ["sg", "sf"]),
        (Span(z(2025, 1, 15, 9), z(2025, 1, 15, 10)), ["sg", "ldn"]),
        (Span(z(2025, 1, 15, 17), z(2025, 1, 15, 18)), ["ldn", "sf"]),
    ]


def test_demo_day_when_us_has_changed_and_uk_has_not() -> None:
    schedule = handoff_schedule(demo(), z(2025, 3, 20), z(2025, 3, 21))
    # SG 01-10 UTC, London (GMT) 09-18 UTC, SF (PDT) 16-01 UTC: SF's shift now
    # ends as Singapore's starts (no SG/SF overlap) and London's overlap with
    # SF grows to two hours.
    assert summary(schedule) == [
        (z(2025, 3, 20, 1), "sf", "sg"),
        (z(2025, 3, 20, 9), "sg", "ldn"),
        (z(2025, 3, 20, 16), "ldn", "sf"),
    ]
    assert overlaps(schedule) == [
        (Span(z(2025, 3, 20, 9), z(2025, 3, 20, 10)), ["sg", "ldn"]),
        (Span(z(2025, 3, 20, 16), z(2025, 3, 20, 18)), ["ldn", "sf"]),
    ]
    assert schedule.gaps == []


def test_demo_on_duty_during_an_overlap() -> None:
    # 2025-03-20 09:30 UTC: London (09:00 GMT start) took over from Singapore,
    # which is still in window until 10:00 UTC.
    duty = on_duty(demo(), z(2025, 3, 20, 9, 30))
    assert duty.region.name == "ldn"
    assert (duty.since, duty.until) == (z(2025, 3, 20, 9), z(2025, 3, 20, 16))
    assert duty.next_region is not None and duty.next_region.name == "sf"
    assert [r.name for r in duty.overlapping] == ["sg"]
    assert duty.in_window


# DST changes in London and Los Angeles --------------------------------------


def handoffs_to(name: str, start: datetime, end: datetime) -> list[datetime]:
    schedule = handoff_schedule(demo(), start, end)
    return [h.at for h in schedule.handoffs if h.to_region.name == name]


def test_london_spring_forward_moves_the_utc_instant_not_the_local_time() -> None:
    # 09:00 GMT on 03-29 = 09:00 UTC; 09:00 BST on 03-30, 03-31 = 08:00 UTC.
    expected = [z(2025, 3, 29, 9), z(2025, 3, 30, 8), z(2025, 3, 31, 8)]
    assert handoffs_to("ldn", z(2025, 3, 29), z(2025, 4, 1)) == expected


def test_london_fall_back_moves_the_utc_instant_not_the_local_time() -> None:
    # 09:00 BST on 10-25 = 08:00 UTC; 09:00 GMT on 10-26, 10-27 = 09:00 UTC.
    expected = [z(2025, 10, 25, 8), z(2025, 10, 26, 9), z(2025, 10, 27, 9)]
    assert handoffs_to("ldn", z(2025, 10, 25), z(2025, 10, 28)) == expected


def test_los_angeles_spring_forward_moves_the_utc_instant_not_the_local_time() -> None:
    # 09:00 PST on 03-08 = 17:00 UTC; 09:00 PDT on 03-09, 03-10 = 16:00 UTC.
    expected = [z(2025, 3, 8, 17), z(2025, 3, 9, 16), z(2025, 3, 10, 16)]
    assert handoffs_to("sf", z(2025, 3, 8), z(2025, 3, 11)) == expected


def test_los_angeles_fall_back_moves_the_utc_instant_not_the_local_time() -> None:
    # 09:00 PDT on 11-01 = 16:00 UTC; 09:00 PST on 11-02, 11-03 = 17:00 UTC.
    expected = [z(2025, 11, 1, 16), z(2025, 11, 2, 17), z(2025, 11, 3, 17)]
    assert handoffs_to("sf", z(2025, 11, 1), z(2025, 11, 4)) == expected


def test_demo_handoffs_are_at_nine_incoming_local_all_year() -> None:
    schedule = handoff_schedule(demo(), z(2025, 1, 1), z(2026, 1, 1))
    assert len(schedule.handoffs) == 365 * 3
    assert {h.to_local.time() for h in schedule.handoffs} == {time(9)}
    assert schedule.gaps == []


# Gaps, midnight, ties --------------------------------------------------------


def test_dst_mismatch_opens_a_gap_and_an_overlap() -> None:
    schedule = handoff_schedule(gappy(), z(2025, 3, 20), z(2025, 3, 21))
    # LA (PDT) 16:00-00:00 UTC, London (GMT) 01:00-17:00 UTC.
    assert schedule.gaps == [Span(z(2025, 3, 20, 0), z(2025, 3, 20, 1))]
    assert overlaps(schedule) == [(Span(z(2025, 3, 20, 16), z(2025, 3, 20, 17)), ["la", "ldn"])]
    assert summary(schedule) == [
        (z(2025, 3, 20, 1), "la", "ldn"),
        (z(2025, 3, 20, 16), "ldn", "la"),
    ]
    # The same happens in the autumn week: UK back on GMT 10-26, US on 11-02.
    autumn = handoff_schedule(gappy(), z(2025, 10, 28), z(2025, 10, 29))
    assert autumn.gaps == [Span(z(2025, 10, 28, 0), z(2025, 10, 28, 1))]


def test_dst_aligned_days_have_neither_gap_nor_overlap() -> None:
    for day in (z(2025, 1, 15), z(2025, 6, 11)):
        schedule = handoff_schedule(gappy(), day, day + timedelta(days=1))
        assert (schedule.gaps, schedule.overlaps) == ([], [])


def test_in_a_gap_the_last_owner_keeps_ownership() -> None:
    # 2025-03-20 00:30 UTC: LA's shift ended at 00:00 UTC (17:00 PDT) and
    # London starts at 01:00 UTC (01:00 GMT); LA took over at 16:00 UTC.
    duty = on_duty(gappy(), z(2025, 3, 20, 0, 30))
    assert (duty.region.name, duty.in_window) == ("la", False)
    assert (duty.since, duty.until) == (z(2025, 3, 19, 16), z(2025, 3, 20, 1))
    assert duty.next_region is not None and duty.next_region.name == "ldn"
    assert duty.overlapping == []


def test_weekend_gap_is_held_by_friday_last_region() -> None:
    # Weekdays only. SF's Friday 2025-06-13 shift is 16:00 UTC to Saturday
    # 01:00 UTC; Singapore next starts Monday 06-16 09:00 SGT = 01:00 UTC.
    duty = on_duty(demo(WORK_DAYS), z(2025, 6, 15, 12))
    assert (duty.region.name, duty.in_window) == ("sf", False)
    assert (duty.since, duty.until) == (z(2025, 6, 13, 16), z(2025, 6, 16, 1))
    schedule = handoff_schedule(demo(WORK_DAYS), z(2025, 6, 13), z(2025, 6, 17))
    assert Span(z(2025, 6, 14, 1), z(2025, 6, 16, 1)) in schedule.gaps


def test_windows_crossing_midnight_hand_off_at_local_times() -> None:
    schedule = handoff_schedule(night_and_day(), z(2025, 3, 29), z(2025, 3, 31))
    # 06:00 and 22:00 London: GMT on 03-29, BST (an hour earlier in UTC) on 03-30.
    assert summary(schedule) == [
        (z(2025, 3, 29, 6), "night", "day"),
        (z(2025, 3, 29, 22), "day", "night"),
        (z(2025, 3, 30, 5), "night", "day"),
        (z(2025, 3, 30, 21), "day", "night"),
    ]
    assert (schedule.gaps, schedule.overlaps) == ([], [])
    # 23:30 BST on 03-30 is 22:30 UTC: the night shift that began at 22:00.
    duty = on_duty(night_and_day(), z(2025, 3, 30, 22, 30))
    assert (duty.region.name, duty.since, duty.until) == (
        "night",
        z(2025, 3, 30, 21),
        z(2025, 3, 31, 5),
    )


def test_short_shift_inside_a_long_one_hands_back_when_it_ends() -> None:
    # Both in UTC. "long" works 08:00-20:00, "short" 12:00-14:00: short is the
    # incoming shift at 12:00; at 14:00 long is the only one left in window.
    regions = [
        region("long", "UTC", 0, time(8), time(20)),
        region("short", "UTC", 1, time(12), time(14)),
    ]
    schedule = handoff_schedule(regions, z(2025, 1, 6, 7), z(2025, 1, 6, 21))
    assert summary(schedule) == [
        (z(2025, 1, 6, 12), "long", "short"),
        (z(2025, 1, 6, 14), "short", "long"),
    ]


def test_simultaneous_starts_go_to_the_earlier_region_in_rotation() -> None:
    regions = [region("b", "UTC", 2), region("a", "UTC", 1)]
    duty = on_duty(regions, z(2025, 1, 6, 10))
    assert duty.region.name == "a"
    assert [r.name for r in duty.overlapping] == ["b"]
    assert [r.name for r in rotation(regions)] == ["a", "b"]


def test_one_region_rotation_never_hands_off() -> None:
    duty = on_duty([region("only", "UTC", 0)], z(2025, 1, 6, 20))
    # Out of window (shift ended 18:00) but still the owner; since = shift start.
    assert (duty.region.name, duty.in_window, duty.since) == ("only", False, z(2025, 1, 6, 9))
    assert (duty.until, duty.next_region) == (None, None)


def test_bad_input_is_refused() -> None:
    with pytest.raises(BadInput):
        on_duty([], z(2025, 1, 1))
    with pytest.raises(BadInput):
        on_duty(demo(), datetime(2025, 1, 1))
    with pytest.raises(BadInput):
        handoff_schedule(demo(), z(2025, 1, 2), z(2025, 1, 1))
    idle = Region(id="x", name="x", time_zone="UTC", created_at=z(2024, 10, 1))
    with pytest.raises(BadInput):
        on_duty([idle], z(2025, 1, 1))


# on_duty and handoff_schedule agree ------------------------------------------

ROTATIONS = {
    "demo": demo(),
    "demo-weekdays": demo(WORK_DAYS),
    "t2": t2(),
    "gappy": gappy(),
    "night-and-day": night_and_day(),
}
PERIODS = [(z(2025, 3, 4), z(2025, 4, 3)), (z(2025, 10, 22), z(2025, 11, 6))]


def sample_instants(schedule: Schedule, start: datetime, end: datetime) -> list[datetime]:
    rng = random.Random(f"{start}{end}")
    seconds = int((end - start).total_seconds())
    picks = [start + timedelta(seconds=rng.randrange(seconds)) for _ in range(150)]
    tick = timedelta(microseconds=1)
    edges = [h.at + d for h in schedule.handoffs for d in (-tick, timedelta(0), tick)]
    edges += [g.start for g in schedule.gaps] + [g.end - tick for g in schedule.gaps]
    return sorted(t for t in picks + edges if start <= t < end)


@pytest.mark.parametrize("name", ROTATIONS)
@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_on_duty_agrees_with_schedule(name: str, start: datetime, end: datetime) -> None:
    regions = ROTATIONS[name]
    schedule = handoff_schedule(regions, start, end)
    first_owner = on_duty(regions, start).region.name
    for t in sample_instants(schedule, start, end):
        duty = on_duty(regions, t)
        done = [h for h in schedule.handoffs if h.at <= t]
        ahead = [h for h in schedule.handoffs if h.at > t]

        assert duty.region.name == (done[-1].to_region.name if done else first_owner)
        if done:
            assert duty.since == done[-1].at
        if ahead:
            assert duty.until == ahead[0].at
            assert duty.next_region is not None
            assert duty.next_region.name == ahead[0].to_region.name

        assert duty.in_window == (not any(g.contains(t) for g in schedule.gaps))
        also = [o for o in schedule.overlaps if o.span.contains(t)]
        expected = [r.name for o in also for r in o.regions if r.name != duty.region.name]
        assert [r.name for r in duty.overlapping] == expected
