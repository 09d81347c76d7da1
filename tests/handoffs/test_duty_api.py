"""onDuty and handoffSchedule over GraphQL: case T2, daylight saving, midnight, gaps.

Offsets: Singapore UTC+8 all year; London GMT, BST (UTC+1) 2025-03-30 to
10-26; Los Angeles PST UTC-8, PDT (UTC-7) 2025-03-09 to 11-02; Chicago CST
UTC-6, CDT (UTC-5) until 2024-11-03 and from 2025-03-09.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.demo import DemoData
from tests.conftest import GraphQLFailed, gql

ON_DUTY = """query($at: DateTime) { onDuty(at: $at) {
  region { name } team { slug } since until nextRegion { name } inWindow
  overlapping { name } } }"""
SCHEDULE = """query($f: DateTime!, $t: DateTime!) { handoffSchedule(from: $f, to: $t) {
  handoffs { at fromRegion { name } toRegion { name } fromLocal toLocal }
  gaps { start end } overlaps { start end regions { name } } } }"""
EVERY_DAY = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]


async def rotation(api: httpx.AsyncClient, *regions: tuple[str, str, str, str]) -> None:
    """Regions (name, zone, start, end), each with a team, in rotation order."""
    for order, (name, zone, start, end) in enumerate(regions):
        created = await gql(
            api,
            "mutation($i: RegionInput!) { createRegion(input: $i) { id } }",
            {
                "i": {
                    "name": name,
                    "timeZone": zone,
                    "rotationOrder": order,
                    "workingHours": [{"days": EVERY_DAY, "start": start, "end": end}],
                }
            },
        )
        await gql(
            api,
            "mutation($i: TeamInput!) { createTeam(input: $i) { id } }",
            {
                "i": {
                    "name": f"{name} team",
                    "slug": name.lower(),
                    "regionId": created["createRegion"]["id"],
                    "members": [
                        {
                            "handle": f"{name.lower()}-lead",
                            "displayName": "Lead",
                            "timeZone": zone,
                            "isLead": True,
                        }
                    ],
                }
            },
        )


async def on_duty(api: httpx.AsyncClient, at: str) -> dict[str, Any]:
    return dict((await gql(api, ON_DUTY, {"at": at}))["onDuty"])


async def schedule(api: httpx.AsyncClient, start: str, end: str) -> dict[str, Any]:
    return dict((await gql(api, SCHEDULE, {"f": start, "t": end}))["handoffSchedule"])


def moves(found: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(h["at"], h["fromRegion"]["name"], h["toRegion"]["name"]) for h in found["handoffs"]]


# Case T2 ---------------------------------------------------------------------

T2 = (
    ("Singapore", "Asia/Singapore", "06:00", "23:30"),
    ("Chicago", "America/Chicago", "09:00", "17:00"),
)


@pytest.mark.parametrize(
    ("at", "owner", "since", "until"),
    [
        # 2024-11-03, CST: 08:30 and 09:30 local are 14:30 and 15:30 UTC.
        (
            "2024-11-03T08:30:00-06:00",
            "Singapore",
            "2024-11-02T22:00:00+00:00",
            "2024-11-03T15:00:00+00:00",
        ),
        (
            "2024-11-03T09:30:00-06:00",
            "Chicago",
            "2024-11-03T15:00:00+00:00",
            "2024-11-03T22:00:00+00:00",
        ),
        # 2025-03-09, CDT: 13:30 and 14:30 UTC.
        (
            "2025-03-09T08:30:00-05:00",
            "Singapore",
            "2025-03-08T22:00:00+00:00",
            "2025-03-09T14:00:00+00:00",
        ),
        (
            "2025-03-09T09:30:00-05:00",
            "Chicago",
            "2025-03-09T14:00:00+00:00",
            "2025-03-09T22:00:00+00:00",
        ),
    ],
)
async def test_t2_owner_at_half_past_eight_and_half_past_nine_chicago(
    api: httpx.AsyncClient, at: str, owner: str, since: str, until: str
) -> None:
    await rotation(api, *T2)
    duty = await on_duty(api, at)
    assert (duty["region"]["name"], duty["team"]["slug"]) == (owner, owner.lower())
    assert (duty["since"], duty["until"], duty["inWindow"]) == (since, until, True)


@pytest.mark.parametrize(
    ("start", "end", "utc_times"),
    [
        ("2024-11-02T00:00:00Z", "2024-11-05T00:00:00Z", ["14:00", "15:00", "15:00"]),
        ("2025-03-08T00:00:00Z", "2025-03-11T00:00:00Z", ["15:00", "14:00", "14:00"]),
    ],
)
async def test_t2_handoff_stays_at_nine_chicago_across_the_change(
    api: httpx.AsyncClient, start: str, end: str, utc_times: list[str]
) -> None:
    await rotation(api, *T2)
    found = await schedule(api, start, end)
    to_chicago = [h for h in found["handoffs"] if h["toRegion"]["name"] == "Chicago"]
    assert [h["at"][11:16] for h in to_chicago] == utc_times
    assert {h["toLocal"][11:19] for h in to_chicago} == {"09:00:00"}
    assert found["gaps"] == []


# The demo rotation across London's and Los Angeles's 2025 changes -------------


@pytest.mark.parametrize(
    ("region", "start", "end", "utc_times", "offsets"),
    [
        (
            "London",
            "2025-03-29",
            "2025-04-01",
            ["08:00", "07:00", "07:00"],
            ["+00:00", "+01:00", "+01:00"],
        ),
        (
            "London",
            "2025-10-25",
            "2025-10-28",
            ["07:00", "08:00", "08:00"],
            ["+01:00", "+00:00", "+00:00"],
        ),
        (
            "San Francisco",
            "2025-03-08",
            "2025-03-11",
            ["16:00", "15:00", "15:00"],
            ["-08:00", "-07:00", "-07:00"],
        ),
        (
            "San Francisco",
            "2025-11-01",
            "2025-11-04",
            ["15:00", "16:00", "16:00"],
            ["-07:00", "-08:00", "-08:00"],
        ),
    ],
)
async def test_demo_handoffs_keep_local_time_across_each_2025_change(
    api: httpx.AsyncClient,
    demo: DemoData,
    region: str,
    start: str,
    end: str,
    utc_times: list[str],
    offsets: list[str],
) -> None:
    found = await schedule(api, f"{start}T00:00:00Z", f"{end}T00:00:00Z")
    incoming = [h for h in found["handoffs"] if h["toRegion"]["name"] == region]
    assert [h["at"][11:16] for h in incoming] == utc_times
    assert [h["toLocal"][11:] for h in incoming] == [f"08:00:00{o}" for o in offsets]
    assert found["gaps"] == []


async def test_on_duty_follows_london_onto_summer_time(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    # 07:30 UTC: on GMT London starts at 08:00 UTC, on BST at 07:00 UTC.
    before = await on_duty(api, "2025-03-29T07:30:00Z")
    after = await on_duty(api, "2025-03-30T07:30:00Z")
    assert (before["region"]["name"], before["until"], before["nextRegion"]["name"]) == (
        "Singapore",
        "2025-03-29T08:00:00+00:00",
        "London",
    )
    assert (after["region"]["name"], after["since"], after["team"]["slug"]) == (
        "London",
        "2025-03-30T07:00:00+00:00",
        "sre-emea",
    )
    assert [r["name"] for r in after["overlapping"]] == ["Singapore"]


# Midnight, gaps and overlaps ------------------------------------------------


async def test_a_window_crossing_midnight(api: httpx.AsyncClient) -> None:
    await rotation(
        api,
        ("Day", "Europe/London", "06:00", "22:00"),
        ("Night", "Europe/London", "22:00", "06:00"),
    )
    found = await schedule(api, "2025-03-29T00:00:00Z", "2025-03-31T00:00:00Z")
    assert moves(found) == [
        ("2025-03-29T06:00:00+00:00", "Night", "Day"),
        ("2025-03-29T22:00:00+00:00", "Day", "Night"),
        ("2025-03-30T05:00:00+00:00", "Night", "Day"),
        ("2025-03-30T21:00:00+00:00", "Day", "Night"),
    ]
    assert (found["gaps"], found["overlaps"]) == ([], [])
    duty = await on_duty(api, "2025-03-30T23:30:00+01:00")
    assert (duty["region"]["name"], duty["since"]) == ("Night", "2025-03-30T21:00:00+00:00")


async def test_a_day_when_one_region_has_changed_and_the_other_not(
    api: httpx.AsyncClient,
) -> None:
    # LA 09-17 hands to London 01-17. On 2025-03-20 LA is on PDT (16:00-00:00
    # UTC) and London still on GMT (01:00-17:00 UTC): a gap and an overlap.
    await rotation(
        api,
        ("LA", "America/Los_Angeles", "09:00", "17:00"),
        ("London", "Europe/London", "01:00", "17:00"),
    )
    found = await schedule(api, "2025-03-20T00:00:00Z", "2025-03-21T00:00:00Z")
    assert found["gaps"] == [
        {"start": "2025-03-20T00:00:00+00:00", "end": "2025-03-20T01:00:00+00:00"}
    ]
    assert found["overlaps"] == [
        {
            "start": "2025-03-20T16:00:00+00:00",
            "end": "2025-03-20T17:00:00+00:00",
            "regions": [{"name": "LA"}, {"name": "London"}],
        }
    ]
    in_gap = await on_duty(api, "2025-03-20T00:30:00Z")
    assert (in_gap["region"]["name"], in_gap["inWindow"], in_gap["nextRegion"]["name"]) == (
        "LA",
        False,
        "London",
    )
    # A week later both are on summer time: they meet exactly.
    aligned = await schedule(api, "2025-04-02T00:00:00Z", "2025-04-03T00:00:00Z")
    assert (aligned["gaps"], aligned["overlaps"]) == ([], [])


async def test_bad_ranges_and_empty_rotations_are_clear_errors(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    for start, end in [
        ("2025-03-02T00:00:00Z", "2025-03-01T00:00:00Z"),
        ("2025-01-01T00:00:00Z", "2025-12-31T00:00:00Z"),
        ("2025-01-01T00:00:00", "2025-01-02T00:00:00"),
    ]:
        with pytest.raises(GraphQLFailed) as failed:
            await schedule(api, start, end)
        assert failed.value.codes == ["BAD_USER_INPUT"], (start, end)


async def test_on_duty_without_regions_says_so(api: httpx.AsyncClient) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await on_duty(api, "2025-03-02T00:00:00Z")
    assert failed.value.codes == ["BAD_USER_INPUT"]
    assert "region" in failed.value.errors[0]["message"]


@pytest.mark.parametrize(
    ("field", "variables"),
    [
        ("onDuty", {"at": "9999-12-31T23:00:00Z"}),
        ("onDuty", {"at": "0001-01-01T05:00:00Z"}),
        ("handoffSchedule", {"f": "9999-12-01T00:00:00Z", "t": "9999-12-31T23:59:59Z"}),
        ("handoffSchedule", {"f": "0001-01-01T00:00:00Z", "t": "0001-01-02T00:00:00Z"}),
    ],
)
async def test_instants_beyond_the_supported_years_are_bad_input(
    api: httpx.AsyncClient, demo: DemoData, field: str, variables: dict[str, str]
) -> None:
    query = ON_DUTY if field == "onDuty" else SCHEDULE
    with pytest.raises(GraphQLFailed) as failed:
        await gql(api, query, variables)

    assert failed.value.codes == ["BAD_USER_INPUT"]
    assert "between 1971" in failed.value.errors[0]["message"]


async def test_a_too_long_range_names_its_real_length(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await schedule(api, "2025-01-01T00:00:00Z", "2025-04-03T00:00:00.000001Z")

    message = failed.value.errors[0]["message"]
    assert "at most 92 days" in message
    assert "92 days, 0:00:00.000001" in message


async def test_working_hours_on_no_day_are_refused(api: httpx.AsyncClient) -> None:
    region = {"name": "Nowhere", "timeZone": "Europe/London"}
    never = {"days": [], "start": "09:00", "end": "17:00"}
    with pytest.raises(GraphQLFailed) as failed:
        await gql(
            api,
            "mutation($i: RegionInput!) { createRegion(input: $i) { id } }",
            {"i": {**region, "workingHours": [never]}},
        )
    assert failed.value.codes == ["BAD_USER_INPUT"]
    assert "days" in failed.value.errors[0]["message"]
    regions = await gql(api, "{ regions { totalCount } }")
    assert regions["regions"]["totalCount"] == 0
