"""A pending handoff does not outlive its incidents.

An incident resolved or closed while offered is no longer anybody's to take
over: accepting does not move it, and the offer expiring pages nobody.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData
from tests.conftest import GraphQLFailed, as_actor, gql
from tests.handoffs.ops import accept, declare, handoffs, incident, propose

STATUS = (
    "mutation($id: ID!, $s: IncidentStatus!) { changeIncidentStatus(id: $id, status: $s) { id } }"
)


async def finish(api: httpx.AsyncClient, incident_id: str, *, close: bool = False) -> None:
    for status in ("RESOLVED", "CLOSED") if close else ("RESOLVED",):
        await gql(api, STATUS, {"id": incident_id, "s": status}, headers=as_actor("mei"))


async def test_accepting_when_every_incident_has_closed_is_refused_and_moves_nothing(
    api: httpx.AsyncClient, demo: DemoData, clock: ManualClock
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    proposed = await propose(api, [incident_id], demo.team_ids["sre-emea"])
    clock.advance(timedelta(minutes=5))
    await finish(api, incident_id, close=True)
    before = await incident(api, incident_id)

    clock.advance(timedelta(minutes=1))
    with pytest.raises(GraphQLFailed) as failed:
        await accept(api, proposed["id"], "olivia")

    assert failed.value.codes == ["INVALID_TRANSITION"]
    assert "INC-1 is CLOSED" in failed.value.errors[0]["message"]
    after = await incident(api, incident_id)
    assert (after["team"]["slug"], after["ownership"]) == ("sre-apac", before["ownership"])
    assert (await handoffs(api, "London"))[0]["status"] == "PROPOSED"


async def test_accepting_moves_only_the_incidents_still_open_and_says_which_it_left(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    still_open = await declare(api, demo.team_ids["sre-apac"], "Still burning")
    resolved = await declare(api, demo.team_ids["sre-apac"], "Fixed meanwhile")
    proposed = await propose(api, [still_open, resolved], demo.team_ids["sre-emea"])
    await finish(api, resolved)

    accepted = await accept(api, proposed["id"], "olivia")

    owners = {i["id"]: i["team"]["slug"] for i in accepted["incidents"]}
    assert owners == {still_open: "sre-emea", resolved: "sre-apac"}
    moved = await incident(api, still_open)
    [event] = [e for e in moved["timeline"] if e["type"] == "handoff.accepted"]
    assert event["data"]["left_out"] == [{"ref": "INC-2", "status": "RESOLVED"}]
    left = await incident(api, resolved)
    assert "incident.ownership_changed" not in [e["type"] for e in left["timeline"]]


async def test_a_handoff_of_incidents_all_closed_expires_without_paging_anyone(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    await propose(api, [incident_id], demo.team_ids["sre-emea"])
    await finish(api, incident_id)

    clock.advance(timedelta(minutes=15))
    await hub.scheduler.run_due()

    [expired] = await handoffs(api, "London")
    assert expired["status"] == "EXPIRED"
    timeline = (await incident(api, incident_id))["timeline"]
    kinds = [e["type"] for e in timeline]
    assert "handoff.escalated" not in kinds
    [event] = [e for e in timeline if e["type"] == "handoff.expired"]
    assert event["data"]["escalated"] is False
    assert event["data"]["reason"] == "INC-1 is RESOLVED: nothing is left to hand over"
