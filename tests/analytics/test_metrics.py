"""Incident metrics over incidents with known timestamps, figures worked out by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from hub.auth.models import Principal, Role
from hub.events.models import Event
from hub.handoffs.models import HandoffPropose
from hub.incidents.models import Incident, Severity, Status
from hub.teams.models import RegionCreate, TeamCreate
from tests.analytics.clocked import Clocked, clocked_hub
from tests.conftest import GraphQLFailed, bearer, gql

DAY = datetime(2025, 6, 2, tzinfo=UTC)

METRICS = """
query($from: DateTime!, $to: DateTime!, $by: MetricsGroupBy!, $tz: String, $team: ID) {
  incidentMetrics(from: $from, to: $to, groupBy: $by, timeZone: $tz, teamId: $team) {
    from to timeZone
    total { count acknowledged resolved mttaSeconds mttrSeconds handoffs handoffsAccepted
            handoffAcceptanceSeconds }
    groups { key label count mttaSeconds mttrSeconds handoffs handoffsAccepted
             handoffAcceptanceSeconds }
    days { key count mttaSeconds }
  }
}"""


def at(hour: int, minute: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute)


@pytest.fixture
async def world() -> AsyncIterator[Clocked]:
    async with clocked_hub(at(7)) as c:
        yield c


async def handoff(c: Clocked, incident: Incident, kind: str, key: str, when: datetime) -> None:
    # The handoff flows are built elsewhere; the metrics only read their
    # events by type from the log, so the events they store are written here.
    event = Event(
        type=f"handoff.{kind}",
        occurred_at=when,
        actor="olivia",
        incident_id=incident.id,
        data={"handoff_id": key},
    )
    await c.hub.events.flush("incidents", incident.id, [event])


async def move(c: Clocked, incident: Incident, when: datetime, status: Status) -> None:
    c.clock.set(when)
    if status is Status.ACKNOWLEDGED:
        await c.hub.flows.acknowledge(incident.id, actor="olivia")
    else:
        await c.hub.flows.change_status(incident.id, status, actor="olivia")


async def known_incidents(c: Clocked) -> None:
    emea, apac, amer = (c.demo.team_ids[t] for t in ("sre-emea", "sre-apac", "sre-amer"))
    a = await c.declare_at(at(8), emea, severity=Severity.SEV1)
    await move(c, a, at(8, 5), Status.ACKNOWLEDGED)  # MTTA 300 s
    await move(c, a, at(9), Status.RESOLVED)  # MTTR 3,600 s
    b = await c.declare_at(at(10), emea, severity=Severity.SEV1)
    await move(c, b, at(10, 15), Status.ACKNOWLEDGED)  # 900 s
    await handoff(c, b, "proposed", "h1", at(10, 30))
    await handoff(c, b, "accepted", "h1", at(10, 40))  # accepted after 600 s
    await move(c, b, at(10, 50), Status.INVESTIGATING)
    cc = await c.declare_at(at(11), apac, severity=Severity.SEV2)
    await move(c, cc, at(11, 1), Status.ACKNOWLEDGED)  # 60 s, never resolved
    await handoff(c, b, "proposed", "h2", at(11, 0))
    await handoff(c, b, "accepted", "h2", at(11, 20))  # accepted after 1,200 s
    await handoff(c, cc, "proposed", "h3", at(11, 30))  # never accepted
    await move(c, b, at(12), Status.RESOLVED)  # 7,200 s
    drill = await c.declare_at(at(12, 30), emea, severity=Severity.SEV1, exercise=True)
    await move(c, drill, at(12, 31), Status.ACKNOWLEDGED)
    await handoff(c, drill, "proposed", "h4", at(12, 32))
    await handoff(c, drill, "accepted", "h4", at(12, 33))
    await move(c, drill, at(12, 40), Status.RESOLVED)
    e = await c.declare_at(at(13), amer, severity=Severity.SEV3)
    await move(c, e, at(13, 30), Status.RESOLVED)  # resolved outright: ack and MTTR 1,800 s
    late = await c.declare_at(at(25), emea, severity=Severity.SEV1)  # the next day
    await move(c, late, at(25, 1), Status.ACKNOWLEDGED)


async def test_metrics_give_the_hand_computed_figures_and_leave_the_drill_out(
    world: Clocked,
) -> None:
    await known_incidents(world)
    variables = {
        "from": DAY.isoformat(),
        "to": (DAY + timedelta(days=1)).isoformat(),
        "by": "SEVERITY",
    }
    report = (await gql(world.api, METRICS, variables))["incidentMetrics"]

    total = report["total"]
    assert total["count"] == 4
    assert (total["acknowledged"], total["resolved"]) == (4, 3)
    assert total["mttaSeconds"] == (300 + 900 + 60 + 1800) / 4
    assert total["mttrSeconds"] == (3600 + 7200 + 1800) / 3
    assert (total["handoffs"], total["handoffsAccepted"]) == (3, 2)
    assert total["handoffAcceptanceSeconds"] == (600 + 1200) / 2

    groups = {g["key"]: g for g in report["groups"]}
    assert list(groups) == ["SEV1", "SEV2", "SEV3"]
    sev1, sev2, sev3 = groups["SEV1"], groups["SEV2"], groups["SEV3"]
    assert (sev1["count"], sev1["mttaSeconds"], sev1["mttrSeconds"]) == (2, 600, 5400)
    assert (sev1["handoffs"], sev1["handoffAcceptanceSeconds"]) == (2, 900)
    assert (sev2["count"], sev2["mttaSeconds"], sev2["mttrSeconds"]) == (1, 60, None)
    assert (sev2["handoffs"], sev2["handoffsAccepted"]) == (1, 0)
    assert sev2["handoffAcceptanceSeconds"] is None
    assert (sev3["count"], sev3["mttaSeconds"], sev3["mttrSeconds"]) == (1, 1800, 1800)
    assert report["days"] == [{"key": "2025-06-02", "count": 4, "mttaSeconds": 765}]


async def test_metrics_group_by_the_team_and_region_that_took_the_incident(
    world: Clocked,
) -> None:
    await known_incidents(world)
    window = {"from": DAY.isoformat(), "to": (DAY + timedelta(days=1)).isoformat()}
    by_team = await gql(world.api, METRICS, {**window, "by": "TEAM"})
    by_region = await gql(world.api, METRICS, {**window, "by": "REGION"})

    teams = {g["label"]: g["count"] for g in by_team["incidentMetrics"]["groups"]}
    assert teams == {"AMER SRE": 1, "APAC SRE": 1, "EMEA SRE": 2}
    regions = {
        g["label"]: (g["count"], g["mttaSeconds"]) for g in by_region["incidentMetrics"]["groups"]
    }
    assert regions == {"London": (2, 600), "San Francisco": (1, 1800), "Singapore": (1, 60)}


async def sydney_team(c: Clocked) -> str:
    region = await c.hub.teams.create_region(
        data=RegionCreate(name="Sydney", time_zone="Australia/Sydney", rotation_order=0)
    )
    team = await c.hub.teams.create_team(
        data=TeamCreate(name="ANZ SRE", slug="sre-anz", region_id=region.id)
    )
    return team.id


async def test_a_sydney_incident_at_seven_local_counts_on_that_local_day(
    world: Clocked,
) -> None:
    team = await sydney_team(world)
    # 07:00 on Monday 2 June in Sydney (AEST, UTC+10) is 21:00 on Sunday in UTC.
    await world.declare_at(datetime(2025, 6, 1, 21, 0, tzinfo=UTC), team)

    local = {
        "from": "2025-06-02T00:00:00",
        "to": "2025-06-04T00:00:00",
        "by": "TEAM",
        "team": team,
    }
    report = (await gql(world.api, METRICS, local))["incidentMetrics"]
    assert report["timeZone"] == "Australia/Sydney"
    assert report["from"] == "2025-06-01T14:00:00+00:00"  # Sydney midnight
    assert [(d["key"], d["count"]) for d in report["days"]] == [
        ("2025-06-02", 1),
        ("2025-06-03", 0),
    ]

    in_utc = {
        "from": "2025-06-01T00:00:00Z",
        "to": "2025-06-03T00:00:00Z",
        "by": "TEAM",
        "tz": "UTC",
    }
    report = (await gql(world.api, METRICS, in_utc))["incidentMetrics"]
    assert [(d["key"], d["count"]) for d in report["days"]] == [
        ("2025-06-01", 1),
        ("2025-06-02", 0),
    ]


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"tz": "Mars/Olympus"}, "timeZone"),
        ({"tz": ""}, "timeZone"),
        ({"to": "2025-06-01T00:00:00Z"}, "to"),
        ({"to": "2027-06-01T00:00:00Z"}, "to"),
    ],
)
async def test_bad_metrics_arguments_are_refused_with_a_named_argument(
    world: Clocked, variables: dict[str, str], argument: str
) -> None:
    base = {"from": "2025-06-02T00:00:00Z", "to": "2025-06-03T00:00:00Z", "by": "TEAM"}
    with pytest.raises(GraphQLFailed) as failed:
        await gql(world.api, METRICS, {**base, **variables})
    assert failed.value.codes == ["BAD_USER_INPUT"]
    assert failed.value.errors[0]["extensions"]["argument"] == argument


async def test_a_handoff_of_several_incidents_counts_one_acceptance_per_incident(
    world: Clocked,
) -> None:
    apac, emea = world.demo.team_ids["sre-apac"], world.demo.team_ids["sre-emea"]
    first = await world.declare_at(at(8), apac)
    second = await world.declare_at(at(8, 10), apac)
    world.clock.set(at(8, 20))
    proposed = await world.hub.handoffs.propose(
        HandoffPropose(incident_ids=[first.id, second.id], to_team_id=emea), actor="mei"
    )
    world.clock.set(at(8, 25))
    await world.hub.handoffs.accept(proposed.id, by=Principal(actor="olivia", role=Role.RESPONDER))

    variables = {"from": at(0).isoformat(), "to": at(24).isoformat(), "by": "TEAM"}
    total = (await gql(world.api, METRICS, variables))["incidentMetrics"]["total"]

    assert (total["handoffs"], total["handoffsAccepted"]) == (2, 2)
    assert total["handoffAcceptanceSeconds"] == 300


async def test_a_scoped_token_measures_only_the_incidents_it_may_see(world: Clocked) -> None:
    await known_incidents(world)
    london = await bearer(world.hub, "london", region_ids=[world.demo.region_ids["London"]])
    window = {"from": DAY.isoformat(), "to": (DAY + timedelta(days=1)).isoformat()}

    scoped = await gql(world.api, METRICS, {**window, "by": "REGION"}, headers=london)
    everyone = await gql(world.api, METRICS, {**window, "by": "REGION"})

    report = scoped["incidentMetrics"]
    assert {g["label"]: g["count"] for g in report["groups"]} == {"London": 2}
    assert (report["total"]["count"], report["total"]["handoffs"]) == (2, 2)
    assert everyone["incidentMetrics"]["total"]["count"] == 4


@pytest.mark.parametrize(
    "variables",
    [
        {"from": "0001-01-01T00:00:00", "to": "0001-01-02T00:00:00", "tz": "Australia/Sydney"},
        {"from": "0001-01-01T00:00:00Z", "to": "0001-01-02T00:00:00Z", "tz": "America/Denver"},
        {"from": "9999-12-30T00:00:00", "to": "9999-12-31T23:00:00", "tz": "Pacific/Honolulu"},
        {"from": "0001-01-01T00:00:00+10:00", "to": "0001-01-02T00:00:00+10:00", "tz": "UTC"},
    ],
)
async def test_dates_at_the_ends_of_the_calendar_are_refused_not_a_crash(
    world: Clocked, variables: dict[str, str]
) -> None:
    with pytest.raises(GraphQLFailed) as failed:
        await gql(world.api, METRICS, {**variables, "by": "TEAM"})
    assert failed.value.codes == ["BAD_USER_INPUT"]


async def test_acknowledgement_is_the_first_move_out_of_triggered_by_a_person(
    world: Clocked,
) -> None:
    emea = world.demo.team_ids["sre-emea"]
    straight = await world.declare_at(at(8), emea)
    await move(world, straight, at(8, 10), Status.INVESTIGATING)  # 600 s, no ACKNOWLEDGED
    await move(world, straight, at(8, 20), Status.MITIGATED)  # later: not the first
    healed = await world.declare_at(at(9), emea)
    world.clock.set(at(9, 5))
    # As the alert ingest does when every alert of the group resolves.
    await world.hub.flows.change_status(healed.id, Status.RESOLVED, actor="alert:prometheus")
    relayed = await world.declare_at(at(10), emea)
    world.clock.set(at(10, 2))
    # An acknowledgement relayed from the paging tool is someone's acknowledgement.
    await world.hub.flows.acknowledge(relayed.id, actor="alert:pagerduty")

    variables = {"from": at(0).isoformat(), "to": at(24).isoformat(), "by": "TEAM"}
    total = (await gql(world.api, METRICS, variables))["incidentMetrics"]["total"]

    assert (total["count"], total["acknowledged"]) == (3, 2)
    assert total["mttaSeconds"] == (600 + 120) / 2
    assert total["mttrSeconds"] == 300
