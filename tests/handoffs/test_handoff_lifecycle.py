"""Proposing, accepting, rejecting and expiring handoffs over GraphQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData
from hub.handoffs.models import HandoffStatus
from tests.conftest import GraphQLFailed
from tests.handoffs.ops import accept, declare, handoffs, incident, propose, reject

T0 = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)
BRIEF = {
    "currentStatus": "Checkout 5xx at 2%, holding",
    "tried": ["Rolled back 4.2.1", "  "],
    "nextActions": [{"text": "Watch the error rate", "done": False}],
    "risks": ["Payday traffic at 09:00 London"],
    "links": ["https://dash.example/checkout"],
}


async def test_accepting_moves_ownership_and_both_regions_record_it(
    api: httpx.AsyncClient, demo: DemoData, clock: ManualClock
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    proposed = await propose(api, [incident_id], demo.team_ids["sre-emea"], BRIEF)
    assert proposed["status"] == "PROPOSED"
    assert (proposed["fromRegion"]["name"], proposed["toRegion"]["name"]) == (
        "Singapore",
        "London",
    )
    assert proposed["expiresAt"] == "2025-06-02T03:15:00+00:00"
    assert proposed["brief"]["tried"] == ["Rolled back 4.2.1"]
    # Nothing moves on a proposal.
    assert (await incident(api, incident_id))["team"]["slug"] == "sre-apac"

    clock.advance(timedelta(minutes=10))
    accepted = await accept(api, proposed["id"], "olivia")

    assert (accepted["status"], accepted["respondedBy"]) == ("ACCEPTED", "olivia")
    after = await incident(api, incident_id)
    assert (after["team"]["slug"], after["region"]["name"]) == ("sre-emea", "London")
    spans = [(s["region"]["name"], s["since"], s["until"], s["via"]) for s in after["ownership"]]
    assert spans == [
        ("Singapore", "2025-06-02T03:00:00+00:00", "2025-06-02T03:10:00+00:00", "declared"),
        ("London", "2025-06-02T03:10:00+00:00", None, "handoff"),
    ]
    assert after["ownership"][0]["durationSeconds"] == 600
    steps = [e for e in after["timeline"] if e["type"] != "incident.declared"]
    assert [e["type"] for e in steps] == [
        "handoff.proposed",
        "handoff.accepted",
        "incident.ownership_changed",
    ]
    both = sorted([demo.region_ids["Singapore"], demo.region_ids["London"]])
    assert all(sorted(e["regionIds"]) == both for e in steps)
    assert steps[1]["data"]["from_team"] == "sre-apac"
    assert steps[1]["data"]["to_region"] == "London"


async def test_unaccepted_handoff_expires_on_time_and_escalates_to_the_receiving_lead(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    proposed = await propose(api, [incident_id], demo.team_ids["sre-emea"], BRIEF)

    clock.advance(timedelta(minutes=15) - timedelta(seconds=1))
    await hub.scheduler.run_due()
    assert (await handoffs(api, "London"))[0]["status"] == "PROPOSED"

    clock.advance(timedelta(seconds=1))
    await hub.scheduler.run_due()

    [expired] = await handoffs(api, "London")
    assert (expired["status"], expired["respondedBy"]) == ("EXPIRED", None)
    after = await incident(api, incident_id)
    # Never ownerless: the sending team still owns it, in one open span.
    assert after["team"]["slug"] == "sre-apac"
    assert [s["until"] for s in after["ownership"]] == [None]
    kinds = [e["type"] for e in after["timeline"]]
    assert kinds[-2:] == ["handoff.expired", "handoff.escalated"]
    escalated = after["timeline"][-1]
    assert escalated["data"]["lead"] == "olivia"
    assert escalated["data"]["to_team"] == "sre-emea"
    assert escalated["data"]["reason"] == "not accepted within 15 minutes"
    assert len(escalated["regionIds"]) == 2

    with pytest.raises(GraphQLFailed) as failed:
        await accept(api, proposed["id"], "olivia")
    assert failed.value.codes == ["INVALID_TRANSITION"]
    assert "EXPIRED" in failed.value.errors[0]["message"]


async def test_accepting_after_the_deadline_is_refused_even_before_the_job_runs(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    proposed = await propose(api, [incident_id], demo.team_ids["sre-emea"])
    clock.advance(timedelta(minutes=15))

    with pytest.raises(GraphQLFailed) as failed:
        await accept(api, proposed["id"], "olivia")

    assert failed.value.codes == ["INVALID_TRANSITION"]
    assert (await hub.handoffs.handoffs.get(proposed["id"])).status is HandoffStatus.EXPIRED
    assert (await incident(api, incident_id))["team"]["slug"] == "sre-apac"
    # The deadline job, when it does run, finds nothing more to do.
    await hub.scheduler.run_due()
    kinds = [e["type"] for e in (await incident(api, incident_id))["timeline"]]
    assert kinds.count("handoff.escalated") == 1


async def test_rejection_keeps_ownership_and_says_why_on_both_timelines(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    proposed = await propose(api, [incident_id], demo.team_ids["sre-emea"])

    rejected = await reject(api, proposed["id"], "  No database expert on shift ", "olivia")

    assert (rejected["status"], rejected["rejectReason"]) == (
        "REJECTED",
        "No database expert on shift",
    )
    after = await incident(api, incident_id)
    assert (after["team"]["slug"], len(after["ownership"])) == ("sre-apac", 1)
    for region in ("Singapore", "London"):
        region_id = demo.region_ids[region]
        seen = await hub.events.read(after=0, query={"region_ids": region_id})
        said = [e.data.get("reason") for e in seen if e.type == "handoff.rejected"]
        assert said == ["No database expert on shift"], region
    assert [h["status"] for h in await handoffs(api, "Singapore", "REJECTED")] == ["REJECTED"]
    # The incidents are free again: a new proposal is accepted.
    again = await propose(api, [incident_id], demo.team_ids["sre-amer"])
    assert again["status"] == "PROPOSED"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
async def test_rejection_needs_a_reason(
    api: httpx.AsyncClient, demo: DemoData, reason: str
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    proposed = await propose(api, [incident_id], demo.team_ids["sre-emea"])
    with pytest.raises(GraphQLFailed) as failed:
        await reject(api, proposed["id"], reason, "olivia")
    assert failed.value.codes == ["BAD_USER_INPUT"]
    assert (await handoffs(api, "London"))[0]["status"] == "PROPOSED"


async def test_two_accepts_at_once_move_the_incident_once(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    proposed = await propose(api, [incident_id], demo.team_ids["sre-emea"])

    results = await asyncio.gather(
        accept(api, proposed["id"], "olivia"),
        accept(api, proposed["id"], "tomasz"),
        return_exceptions=True,
    )

    failures = [r for r in results if isinstance(r, GraphQLFailed)]
    assert len(failures) == 1 and failures[0].codes == ["INVALID_TRANSITION"]
    after = await incident(api, incident_id)
    assert len(after["ownership"]) == 2
    kinds = [e["type"] for e in after["timeline"]]
    assert kinds.count("incident.ownership_changed") == 1


async def test_an_accepted_handoff_lands_even_if_the_hub_stopped_half_way(
    api: httpx.AsyncClient, hub: Hub, demo: DemoData, clock: ManualClock
) -> None:
    incident_id = await declare(api, demo.team_ids["sre-apac"])
    proposed = await propose(api, [incident_id], demo.team_ids["sre-emea"])
    handoff = await hub.handoffs.handoffs.get(proposed["id"])
    # The acceptance is stored, then the process dies before moving anything.
    await hub.handoffs.handoffs.respond(
        handoff,
        HandoffStatus.ACCEPTED,
        events=[],
        changes={"responded_by": "olivia", "responded_at": clock.now()},
    )
    assert (await incident(api, incident_id))["team"]["slug"] == "sre-apac"

    clock.advance(timedelta(minutes=15))
    await hub.scheduler.run_due()

    after = await incident(api, incident_id)
    assert after["team"]["slug"] == "sre-emea"
    moved = [e for e in after["timeline"] if e["type"] == "handoff.accepted"]
    assert [e["actor"] for e in moved] == ["olivia"]


async def test_an_incident_is_in_one_pending_handoff_at_a_time(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    first = await declare(api, demo.team_ids["sre-apac"])
    second = await declare(api, demo.team_ids["sre-apac"], "Search latency")
    await propose(api, [first], demo.team_ids["sre-emea"])

    with pytest.raises(GraphQLFailed) as failed:
        await propose(api, [second, first], demo.team_ids["sre-amer"])

    assert failed.value.codes == ["CONFLICT"]
    assert "INC-1" in failed.value.errors[0]["message"]
    # The refused proposal held nothing back: the second incident is free.
    assert (await propose(api, [second], demo.team_ids["sre-amer"]))["status"] == "PROPOSED"


async def test_proposals_that_make_no_sense_are_refused(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    sg = await declare(api, demo.team_ids["sre-apac"])
    ldn = await declare(api, demo.team_ids["sre-emea"])
    cases = [
        ([sg], demo.team_ids["sre-apac"], {}, "BAD_USER_INPUT"),  # to its own owner
        ([sg, ldn], demo.team_ids["sre-amer"], {}, "BAD_USER_INPUT"),  # two owners
        ([sg], "65f000000000000000000000", {}, "NOT_FOUND"),
        (["65f000000000000000000000"], demo.team_ids["sre-emea"], {}, "NOT_FOUND"),
        ([sg], demo.team_ids["sre-emea"], {"links": ["javascript:alert(1)"]}, "BAD_USER_INPUT"),
        ([], demo.team_ids["sre-emea"], {}, "BAD_USER_INPUT"),
    ]
    for ids, team, brief, code in cases:
        with pytest.raises(GraphQLFailed) as failed:
            await propose(api, ids, team, brief)
        assert failed.value.codes == [code], (ids, team, brief)
    assert await handoffs(api) == []


async def test_a_resolved_incident_is_not_handed_off(
    api: httpx.AsyncClient, demo: DemoData
) -> None:
    from tests.conftest import gql

    incident_id = await declare(api, demo.team_ids["sre-apac"])
    await gql(
        api,
        "mutation($id: ID!) { changeIncidentStatus(id: $id, status: RESOLVED) { id } }",
        {"id": incident_id},
    )
    with pytest.raises(GraphQLFailed) as failed:
        await propose(api, [incident_id], demo.team_ids["sre-emea"])
    assert failed.value.codes == ["INVALID_TRANSITION"]
