"""Acceptance 3: time windows in two regions send the same alert to Singapore
at 04:00 UTC and to London at 10:00 UTC, and ``routeAlert`` says why."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData
from tests.alerts.helpers import incidents, post
from tests.alerts.routing_api import add_rule, alert, route, to_team, verdicts

DAY = "2025-06-02"  # a Monday; London is on summer time (UTC+1)
EARLY, LATE = f"{DAY}T04:00:00Z", f"{DAY}T10:00:00Z"


@pytest.fixture
async def two_regions(api: httpx.AsyncClient, demo: DemoData) -> DemoData:
    for region, slug in (("Singapore", "sre-apac"), ("London", "sre-emea")):
        await add_rule(
            api,
            name=f"{region} hours",
            during={"regionId": demo.region_ids[region]},
            actions=[to_team(demo.team_ids[slug])],
        )
    return demo


async def test_route_alert_explains_singapore_at_four_utc(
    api: httpx.AsyncClient, two_regions: DemoData
) -> None:
    routed = await route(api, EARLY)

    assert routed["decision"] == "OPEN"
    assert [t["slug"] for t in routed["explanation"]["teams"]] == ["sre-apac"]
    assert verdicts(routed) == [("Singapore hours", "MATCHED"), ("London hours", "NOT_REACHED")]
    assert routed["explanation"]["rules"][0]["reasons"] == ["routed to sre-apac"]


async def test_route_alert_explains_london_at_ten_utc(
    api: httpx.AsyncClient, two_regions: DemoData
) -> None:
    routed = await route(api, LATE)

    assert [t["slug"] for t in routed["explanation"]["teams"]] == ["sre-emea"]
    assert verdicts(routed) == [("Singapore hours", "NOT_MATCHED"), ("London hours", "MATCHED")]
    assert routed["explanation"]["rules"][0]["reasons"] == [
        "10:00 UTC is Mon 18:00 in Singapore, outside its working hours"
    ]


async def test_real_alerts_land_in_each_region_with_the_explanation_on_the_timeline(
    hub: Hub, api: httpx.AsyncClient, clock: ManualClock, two_regions: DemoData
) -> None:
    for at, name in ((EARLY, "early"), (LATE, "late")):
        clock.set(datetime.fromisoformat(at).astimezone(UTC))
        await post(api, "generic", alert() | {"dedup_key": name})

    early, late = await incidents(hub)
    ids = two_regions.region_ids
    assert (early.region_id, late.region_id) == (ids["Singapore"], ids["London"])
    for incident, team in ((early, "sre-apac"), (late, "sre-emea")):
        [routed] = [
            e for e in await hub.events.for_incident(incident.id) if e.type == "alerts.routed"
        ]
        explained = routed.data["explanation"]
        assert explained["team_ids"] == [two_regions.team_ids[team]]
        assert {r["name"]: r["verdict"] for r in explained["rules"]}["Singapore hours"] == (
            "MATCHED" if team == "sre-apac" else "NOT_MATCHED"
        )


@pytest.mark.parametrize(
    ("at", "team"),
    [(EARLY, "sre-apac"), (LATE, "sre-emea"), (f"{DAY}T17:00:00Z", "sre-amer")],
)
async def test_on_duty_action_follows_the_sun(
    api: httpx.AsyncClient, demo: DemoData, at: str, team: str
) -> None:
    await add_rule(api, name="follow the sun", actions=[{"kind": "ROUTE_ON_DUTY"}])

    routed = await route(api, at)

    assert [t["slug"] for t in routed["explanation"]["teams"]] == [team]
    assert routed["explanation"]["rules"][0]["reasons"][0].startswith("on duty: ")


async def test_custom_windows_are_read_in_the_regions_local_time(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    # Starts Sunday 22:00 and crosses midnight into Monday.
    night = {"days": ["SUN"], "start": "22:00", "end": "06:00"}
    await add_rule(
        api,
        name="London night",
        actions=[to_team(demo.team_ids["sre-amer"])],
        during={"regionId": demo.region_ids["London"], "windows": [night]},
    )

    inside = await route(api, f"{DAY}T04:30:00Z")  # 05:30 BST
    outside = await route(api, f"{DAY}T05:30:00Z")  # 06:30 BST

    assert [t["slug"] for t in inside["explanation"]["teams"]] == ["sre-amer"]
    assert outside["explanation"]["defaultRoute"] is True
    assert outside["explanation"]["rules"][0]["reasons"] == [
        "05:30 UTC is Mon 06:30 in London, outside its windows"
    ]
