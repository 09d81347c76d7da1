"""Status updates and the cadence reminder, driven by a manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from hub.events.models import Event
from hub.incidents.models import Incident, Severity, Status
from hub.incidents.reminders import UPDATE_DUE_JOB
from tests.analytics.clocked import Clocked, clocked_hub
from tests.conftest import GraphQLFailed, as_actor, gql

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)

POST = """
mutation($id: ID!, $body: String!, $audience: UpdateAudience) {
  postStatusUpdate(incidentId: $id, body: $body, audience: $audience) {
    id body audience author postedAt incident { ref }
  }
}"""

SHOW = """
query($id: ID!) {
  incident(id: $id) {
    protocol { updateCadenceMinutes nextUpdateDue overdueUpdate }
    statusUpdates { body audience }
    stakeholder: statusUpdates(audience: STAKEHOLDER) { body }
    timeline { type data }
  }
}"""


@pytest.fixture
async def world() -> AsyncIterator[Clocked]:
    async with clocked_hub(T0) as c:
        yield c


async def sev1(c: Clocked, **fields: object) -> Incident:
    return await c.declare_at(T0, c.demo.team_ids["sre-emea"], severity=Severity.SEV1, **fields)


def overdue(events: list[Event]) -> list[Event]:
    return [e for e in events if e.type == "incident.update_overdue"]


async def test_a_missed_cadence_is_reminded_once_and_an_update_resets_it(
    world: Clocked,
) -> None:
    incident = await sev1(world)  # SEV1: an update every 30 minutes
    live = world.hub.feed.subscribe(lambda e: e.type == "incident.update_overdue")
    await world.settle()

    world.clock.advance(timedelta(minutes=29))
    await world.settle()
    assert overdue(await world.hub.events.for_incident(incident.id)) == []

    world.clock.advance(timedelta(minutes=2))  # 09:31: the 09:30 update was missed
    await world.settle()
    world.clock.advance(timedelta(minutes=20))
    await world.settle()
    # A job run again (a replica lost its lease mid-run) reminds nobody twice.
    await world.hub.scheduler.schedule(
        UPDATE_DUE_JOB, world.clock.now(), {"incident_id": incident.id}
    )
    await world.settle()
    reminders = overdue(await world.hub.events.for_incident(incident.id))
    assert [e.data["due_at"] for e in reminders] == ["2025-06-02T09:30:00+00:00"]
    assert (await live.get()).id == reminders[0].id  # heard live, like incidentEvents
    shown = (await gql(world.api, SHOW, {"id": incident.id}))["incident"]
    assert shown["protocol"]["overdueUpdate"] is True

    posted = await gql(
        world.api,
        POST,
        {"id": incident.id, "body": "Failover under way"},
        headers=as_actor("olivia"),
    )
    assert posted["postStatusUpdate"]["author"] == "olivia"
    await world.settle()
    shown = (await gql(world.api, SHOW, {"id": incident.id}))["incident"]
    assert shown["protocol"]["overdueUpdate"] is False
    assert shown["protocol"]["nextUpdateDue"] == "2025-06-02T10:21:00+00:00"

    world.clock.advance(timedelta(minutes=29))  # 10:20: not yet
    await world.settle()
    assert len(overdue(await world.hub.events.for_incident(incident.id))) == 1
    world.clock.advance(timedelta(minutes=1))  # 10:21: missed again, reminded again
    await world.settle()
    reminders = overdue(await world.hub.events.for_incident(incident.id))
    assert [e.data["due_at"] for e in reminders][1:] == ["2025-06-02T10:21:00+00:00"]


async def test_updates_keep_their_audience_in_order(world: Clocked) -> None:
    incident = await sev1(world)
    for body, audience in [
        ("Bridge open", "INTERNAL"),
        ("Checkout degraded", "STAKEHOLDER"),
        ("Root cause: pool size", "INTERNAL"),
    ]:
        world.clock.advance(timedelta(minutes=5))
        await gql(world.api, POST, {"id": incident.id, "body": body, "audience": audience})

    shown = (await gql(world.api, SHOW, {"id": incident.id}))["incident"]
    assert [u["body"] for u in shown["statusUpdates"]] == [
        "Bridge open",
        "Checkout degraded",
        "Root cause: pool size",
    ]
    assert shown["stakeholder"] == [{"body": "Checkout degraded"}]


async def test_resolving_stops_the_reminder(world: Clocked) -> None:
    incident = await sev1(world)
    await world.settle()
    assert len(await world.hub.scheduler.pending({"kind": UPDATE_DUE_JOB})) == 1
    world.clock.advance(timedelta(minutes=10))
    await world.hub.flows.change_status(incident.id, Status.RESOLVED, actor="olivia")
    await world.settle()
    assert await world.hub.scheduler.pending({"kind": UPDATE_DUE_JOB}) == []
    world.clock.advance(timedelta(hours=3))
    await world.settle()
    assert overdue(await world.hub.events.for_incident(incident.id)) == []


async def test_a_drill_runs_the_reminder_but_marks_everything_drill(world: Clocked) -> None:
    incident = await sev1(world, exercise=True)
    await world.settle()
    world.clock.advance(timedelta(minutes=31))
    await world.settle()

    events = await world.hub.events.for_incident(incident.id)
    documentation = [e.type for e in events if not e.type.startswith("incident.escalat")]
    assert documentation == ["incident.declared", "incident.update_overdue"]
    # Every event of a drill says so, escalation steps included.
    assert all(e.data.get("drill") is True for e in events)
    jobs = await world.hub.db["jobs"].find({"kind": UPDATE_DUE_JOB})
    assert jobs and all(j["payload"]["drill"] is True for j in jobs)


@pytest.mark.parametrize(
    ("body", "code"), [("   ", "BAD_USER_INPUT"), ("x" * 10_001, "BAD_USER_INPUT")]
)
async def test_bad_updates_are_refused_and_change_nothing(
    world: Clocked, body: str, code: str
) -> None:
    incident = await sev1(world)
    with pytest.raises(GraphQLFailed) as failed:
        await gql(world.api, POST, {"id": incident.id, "body": body})
    assert failed.value.codes == [code]
    assert (await world.hub.incidents.get(incident.id)).version == incident.version


async def test_a_closed_incident_takes_no_more_updates(world: Clocked) -> None:
    incident = await sev1(world)
    for status in (Status.RESOLVED, Status.CLOSED):
        await world.hub.flows.change_status(incident.id, status, actor="olivia")
    with pytest.raises(GraphQLFailed) as failed:
        await gql(world.api, POST, {"id": incident.id, "body": "late news"})
    assert failed.value.codes == ["INVALID_TRANSITION"]
