"""Impact windows and availability: overlaps merged, drills left out, errors named."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from hub.incidents.models import Severity
from tests.analytics.clocked import Clocked, clocked_hub
from tests.conftest import GraphQLFailed, bearer, gql

DAY = datetime(2025, 6, 2, tzinfo=UTC)

RECORD = """
mutation($service: ID!, $level: ImpactLevel!, $start: DateTime!, $end: DateTime,
         $incident: ID) {
  recordImpact(serviceId: $service, level: $level, start: $start, end: $end,
               incidentId: $incident) { id level start end drill incidentId service { name } }
}"""

END = """
mutation($id: ID!, $end: DateTime) { endImpact(id: $id, end: $end) { id end } }"""

AVAILABILITY = """
query($service: ID!, $from: DateTime!, $to: DateTime!) {
  serviceAvailability(serviceId: $service, from: $from, to: $to) {
    from to availability periodSeconds downSeconds degradedSeconds windows { level start }
  }
}"""


def at(hour: float) -> str:
    return (DAY + timedelta(hours=hour)).isoformat()


@pytest.fixture
async def world() -> AsyncIterator[Clocked]:
    async with clocked_hub(DAY + timedelta(days=1, hours=6)) as c:
        yield c


async def record(
    c: Clocked, level: str, start: str, end: str | None = None, incident: str | None = None
) -> dict:
    variables = {
        "service": c.demo.service_ids["checkout"],
        "level": level,
        "start": start,
        "end": end,
        "incident": incident,
    }
    return (await gql(c.api, RECORD, variables))["recordImpact"]


async def test_availability_merges_overlaps_clips_the_period_and_skips_drills(
    world: Clocked,
) -> None:
    emea = world.demo.team_ids["sre-emea"]
    real = await world.declare_at(DAY + timedelta(hours=8), emea, severity=Severity.SEV1)
    drill = await world.declare_at(DAY + timedelta(hours=12), emea, exercise=True)
    world.clock.set(DAY + timedelta(days=1, hours=6))

    await record(world, "DOWN", at(8), at(8.5), incident=real.id)
    await record(world, "DOWN", at(8 + 20 / 60), at(9))  # overlaps: 08:00-09:00 once
    await record(world, "DEGRADED", at(7.5), at(8 + 10 / 60))  # 07:30-08:00 not down
    await record(world, "DEGRADED", at(10), at(11))
    marked = await record(world, "DOWN", at(12.5), at(12 + 40 / 60), incident=drill.id)
    await record(world, "DOWN", at(-0.5), at(0.25))  # from the day before: 00:00-00:15
    assert marked["drill"] is True

    variables = {"service": world.demo.service_ids["checkout"], "from": at(0), "to": at(24)}
    found = (await gql(world.api, AVAILABILITY, variables))["serviceAvailability"]

    down = 3600 + 900
    assert found["periodSeconds"] == 86400
    assert found["downSeconds"] == down
    assert found["availability"] == 1 - down / 86400
    assert found["degradedSeconds"] == 1800 + 3600
    assert len(found["windows"]) == 5  # the drill's window is not among them


async def test_an_open_window_counts_until_now_and_the_period_stops_at_now(
    world: Clocked,
) -> None:
    # Now is 06:00 on the next day; the service went down at 05:00 and still is.
    opened = await record(world, "DOWN", at(29))
    assert opened["end"] is None
    variables = {"service": world.demo.service_ids["checkout"], "from": at(24), "to": at(48)}
    found = (await gql(world.api, AVAILABILITY, variables))["serviceAvailability"]
    assert found["to"] == at(30)
    assert found["availability"] == 1 - 3600 / (6 * 3600)

    world.clock.set(DAY + timedelta(hours=30, minutes=30))
    ended = (await gql(world.api, END, {"id": opened["id"]}))["endImpact"]
    assert ended["end"] == at(30.5)
    world.clock.set(DAY + timedelta(hours=40))
    found = (await gql(world.api, AVAILABILITY, variables))["serviceAvailability"]
    assert found["downSeconds"] == 5400
    assert found["availability"] == 1 - 5400 / (16 * 3600)


async def test_a_window_linked_to_an_incident_is_on_its_timeline(world: Clocked) -> None:
    incident = await world.declare_at(DAY + timedelta(hours=8), world.demo.team_ids["sre-emea"])
    world.clock.set(DAY + timedelta(hours=9))
    impact = await record(world, "DEGRADED", at(8), incident=incident.id)
    await gql(world.api, END, {"id": impact["id"], "end": at(8.75)})

    timeline = await world.hub.events.for_incident(incident.id)
    kinds = [(e.type, e.data.get("impact_id"), e.data.get("end")) for e in timeline]
    assert kinds[1:] == [
        ("incident.impact_recorded", impact["id"], None),
        ("incident.impact_ended", impact["id"], at(8.75)),
    ]


async def test_impact_errors_name_the_problem_and_change_nothing(world: Clocked) -> None:
    service = world.demo.service_ids["checkout"]
    cases = [
        ({"start": at(9), "end": at(8)}, "BAD_USER_INPUT"),  # ends before it starts
        ({"start": at(40)}, "BAD_USER_INPUT"),  # starts in the future
        ({"service": "0" * 24}, "NOT_FOUND"),
        ({"service": "nope"}, "BAD_USER_INPUT"),
        ({"incident": "0" * 24}, "NOT_FOUND"),
    ]
    for override, code in cases:
        variables = {"service": service, "level": "DOWN", "start": at(8), **override}
        with pytest.raises(GraphQLFailed) as failed:
            await gql(world.api, RECORD, variables)
        assert failed.value.codes == [code], override
    assert await world.hub.impacts.repo.collection.count({}) == 0

    impact = await record(world, "DOWN", at(8), at(9))
    with pytest.raises(GraphQLFailed) as failed:
        await gql(world.api, END, {"id": impact["id"]})
    assert failed.value.codes == ["CONFLICT"]  # it has ended already

    bad_period = {"service": service, "from": at(10), "to": at(9)}
    with pytest.raises(GraphQLFailed) as failed:
        await gql(world.api, AVAILABILITY, bad_period)
    assert failed.value.codes == ["BAD_USER_INPUT"]


async def test_a_scoped_token_reads_availability_only_of_services_its_teams_own(
    world: Clocked,
) -> None:
    london = await bearer(world.hub, "london", region_ids=[world.demo.region_ids["London"]])
    own = {"service": world.demo.service_ids["checkout"], "from": at(0), "to": at(24)}
    other = {**own, "service": world.demo.service_ids["payments-api"]}

    found = await gql(world.api, AVAILABILITY, own, headers=london)
    with pytest.raises(GraphQLFailed) as refused:
        await gql(world.api, AVAILABILITY, other, headers=london)

    assert found["serviceAvailability"]["availability"] == 1
    assert refused.value.codes == ["FORBIDDEN"]


async def test_dates_beyond_the_calendar_in_utc_are_refused_not_a_crash(world: Clocked) -> None:
    service = world.demo.service_ids["checkout"]
    early = "0001-01-01T00:00:00+10:00"
    with pytest.raises(GraphQLFailed) as availability:
        await gql(world.api, AVAILABILITY, {"service": service, "from": early, "to": at(1)})
    with pytest.raises(GraphQLFailed) as impact:
        await gql(world.api, RECORD, {"service": service, "level": "DOWN", "start": early})

    opened = await record(world, "DOWN", at(8))
    with pytest.raises(GraphQLFailed) as ended:
        await gql(world.api, END, {"id": opened["id"], "end": "9999-12-31T23:00:00-10:00"})

    assert availability.value.codes == ["BAD_USER_INPUT"]
    assert impact.value.codes == ["BAD_USER_INPUT"]
    assert ended.value.codes == ["BAD_USER_INPUT"]
