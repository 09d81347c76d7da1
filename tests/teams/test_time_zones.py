"""Zone names must name the same zone on every host the hub runs on."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hub.clock import ManualClock
from hub.teams.models import RegionCreate
from tests.conftest import GraphQLFailed, gql
from tests.escalation.world import DAY, api_for, demo_hub

HOST_DEPENDENT = ["localtime", "posixrules", "posix/Europe/London", "right/UTC"]


@pytest.mark.parametrize("zone", HOST_DEPENDENT)
def test_a_region_refuses_a_zone_that_depends_on_the_host(zone: str) -> None:
    with pytest.raises(ValidationError, match="IANA time zone"):
        RegionCreate(name="Somewhere", time_zone=zone)


def test_ordinary_zone_names_still_work() -> None:
    for zone in ("UTC", "Europe/London", "America/Argentina/Buenos_Aires", "Etc/GMT-14"):
        assert RegionCreate(name="Somewhere", time_zone=zone).time_zone == zone


async def test_members_and_reports_refuse_them_through_the_api() -> None:
    hub, demo = await demo_hub(ManualClock(DAY))
    member = {"handle": "kai", "displayName": "Kai", "timeZone": "localtime"}
    team = {"name": "Host", "slug": "host", "regionId": demo.region_ids["London"]}
    async with api_for(hub) as api:
        with pytest.raises(GraphQLFailed) as failed:
            await gql(
                api,
                "mutation($i: TeamInput!) { createTeam(input: $i) { id } }",
                {"i": {**team, "members": [member]}},
            )
        assert failed.value.codes == ["BAD_USER_INPUT"]
        with pytest.raises(GraphQLFailed) as failed:
            await gql(
                api,
                """{ incidentMetrics(from: "2025-06-01T00:00:00Z", to: "2025-06-02T00:00:00Z",
                     timeZone: "localtime") { total { count } } }""",
            )
        assert failed.value.codes == ["BAD_USER_INPUT"]
