"""A postmortem draft on resolution: the timeline across three regions, in local times."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from hub.app import create_app
from hub.auth.models import Principal, Role
from hub.clock import ManualClock
from hub.core import Hub
from hub.demo import DemoData, seed
from hub.handoffs.models import ActionItem, Brief, HandoffPropose
from hub.incidents.flows import incident_event
from hub.incidents.models import Incident, IncidentDeclare, Status
from hub.incidents.service import Change
from hub.knowledge.models import KnowledgeArticle
from tests.conftest import AUTH, gql, make_settings

# 11:00 in Singapore, 04:00 in London, 20:00 the day before in San Francisco.
T0 = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)
POSTMORTEM = """
query($id: ID!) {
  incident(id: $id) {
    postmortem { kind title body incidentId tags revision incident { ref } }
  }
}"""


@pytest.fixture
async def world() -> AsyncIterator[tuple[Hub, DemoData, ManualClock]]:
    clock = ManualClock(T0)
    hub = Hub(make_settings(), clock=clock)
    await hub.start(run_scheduler=False)
    demo = await seed(hub)
    # Reactions start from the present: take the checkpoint before the story.
    await hub.reactions.run_pending()
    yield hub, demo, clock
    await hub.stop()


async def hand_off(hub: Hub, demo: DemoData, incident_id: str, giver: str, taker: str) -> None:
    """What the handoff flow appends when the receiving region accepts."""
    teams = {"Singapore": "sre-apac", "London": "sre-emea", "San Francisco": "sre-amer"}

    def step(incident: Incident) -> Change:
        event = incident_event(
            incident,
            "handoff.accepted",
            actor="olivia" if taker == "London" else "sam",
            at=hub.clock.now(),
            from_region=giver,
            to_region=taker,
            from_region_id=demo.region_ids[giver],
            to_region_id=demo.region_ids[taker],
            brief="status, tried, next",
        )
        moved = {"region_id": demo.region_ids[taker], "team_id": demo.team_ids[teams[taker]]}
        return Change(set=moved, events=[event])

    await hub.incidents.mutate(incident_id, step)


async def escalate(hub: Hub, incident_id: str) -> None:
    def step(incident: Incident) -> Change:
        event = incident_event(
            incident,
            "incident.escalated",
            actor="escalation",  # the escalation engine's own actor
            at=hub.clock.now(),
            level=2,
            target="database expertise",
        )
        return Change(events=[event])

    await hub.incidents.mutate(incident_id, step)


async def run_story(hub: Hub, demo: DemoData, clock: ManualClock) -> str:
    data = IncidentDeclare(
        title="Search results empty",
        team_id=demo.team_ids["sre-apac"],
        service_ids=[demo.service_ids["search"]],
        tags=["search"],
    )
    incident = await hub.flows.declare(data, actor="mei")
    await hub.flows.assign_responder(incident.id, "mei", role="commander", actor="mei")
    clock.advance(timedelta(hours=6))  # 09:00 UTC: 17:00 Singapore, 10:00 London
    await hand_off(hub, demo, incident.id, "Singapore", "London")
    await hub.flows.assign_responder(incident.id, "olivia", actor="olivia")
    clock.advance(timedelta(hours=3))  # 12:00 UTC: 13:00 London
    await escalate(hub, incident.id)
    clock.advance(timedelta(hours=4))  # 16:00 UTC: 17:00 London, 09:00 San Francisco
    await hand_off(hub, demo, incident.id, "London", "San Francisco")
    await hub.flows.add_note(incident.id, "index rebuilt | shards green", actor="sam")
    clock.advance(timedelta(hours=2, minutes=30))  # 18:30 UTC: 11:30 San Francisco
    await hub.flows.change_status(incident.id, Status.RESOLVED, actor="sam")
    return incident.id


async def test_resolving_drafts_a_postmortem_with_the_timeline_in_local_times(
    world: tuple[Hub, DemoData, ManualClock],
) -> None:
    hub, demo, clock = world
    incident_id = await run_story(hub, demo, clock)
    await hub.reactions.run_pending()
    app = create_app(hub.settings, hub=hub)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub.test", headers=AUTH
    ) as api:
        draft = (await gql(api, POSTMORTEM, {"id": incident_id}))["incident"]["postmortem"]

    assert draft["kind"] == "POSTMORTEM"
    assert draft["incidentId"] == incident_id
    assert draft["incident"]["ref"].startswith("INC-")
    assert "draft" in draft["tags"]
    body = draft["body"]
    rows = [line for line in body.splitlines() if line.startswith("| 2025")]
    assert [r.split(" | ")[2] for r in rows] == [
        "incident.declared",
        "incident.responder_assigned",
        "Handoff Singapore → London (handoff.accepted)",
        "incident.responder_assigned",
        "incident.escalated",
        "Handoff London → San Francisco (handoff.accepted)",
        "incident.note_added",
        "incident.status_changed",
    ]
    assert rows[0].startswith("| 2025-06-02 03:00 UTC | 2025-06-02 11:00 +08 (Singapore) |")
    assert (
        "| 2025-06-02 09:00 UTC | 2025-06-02 17:00 +08 (Singapore) → "
        "2025-06-02 10:00 BST (London) |"
    ) in rows[2]
    assert "| 2025-06-02 09:00 UTC | 2025-06-02 10:00 BST (London) |" in rows[3]
    assert "| 2025-06-02 12:00 UTC | 2025-06-02 13:00 BST (London) |" in rows[4]
    assert ("2025-06-02 17:00 BST (London) → 2025-06-02 09:00 PDT (San Francisco)") in rows[5]
    assert "| 2025-06-02 09:00 PDT (San Francisco) |" in rows[6]
    assert "index rebuilt \\| shards green" in rows[6]
    assert "2025-06-02 11:30 PDT (San Francisco)" in rows[7]
    assert "- Owning region at declaration: Singapore" in body
    assert "- Start: 2025-06-02 03:00 UTC / 2025-06-02 11:00 +08 (Singapore)" in body
    assert "- End: 2025-06-02 18:30 UTC / 2025-06-02 11:30 PDT (San Francisco)" in body
    assert "- Duration: 15 h 30 min" in body
    handoffs = body.split("## Handoffs and escalations")[1].split("##")[0]
    assert (
        handoffs.index("Singapore → London")
        < handoffs.index("incident.escalated")
        < handoffs.index("London → San Francisco")
    )
    assert "- London: olivia\n- San Francisco: sam\n- Singapore: mei" in body
    assert "## Contributing causes" in body and "## Follow-ups" in body


async def test_a_replayed_or_repeated_resolution_keeps_one_draft(
    world: tuple[Hub, DemoData, ManualClock],
) -> None:
    hub, demo, clock = world
    incident_id = await run_story(hub, demo, clock)
    await hub.reactions.run_pending()
    resolved = [
        e for e in await hub.events.for_incident(incident_id) if e.data.get("to") == "RESOLVED"
    ]
    await hub.postmortems.on_event(resolved[0])  # as after a crash before the checkpoint
    await hub.flows.change_status(incident_id, Status.INVESTIGATING, actor="sam")
    await hub.flows.change_status(incident_id, Status.RESOLVED, actor="sam")
    await hub.reactions.run_pending()

    drafts = await hub.knowledge.collection.count({"postmortem_of": incident_id})
    assert drafts == 1


async def test_an_incident_that_is_not_resolved_gets_no_draft(
    world: tuple[Hub, DemoData, ManualClock],
) -> None:
    hub, demo, _ = world
    data = IncidentDeclare(title="Flaky login", team_id=demo.team_ids["sre-emea"])
    incident = await hub.flows.declare(data, actor="olivia")
    await hub.flows.change_status(incident.id, Status.MITIGATED, actor="olivia")
    await hub.reactions.run_pending()

    assert await hub.knowledge.postmortems_of([incident.id]) == {}


async def resolved_draft(hub: Hub, incident_id: str, actor: str) -> KnowledgeArticle:
    await hub.flows.change_status(incident_id, Status.RESOLVED, actor=actor)
    await hub.reactions.run_pending()
    return (await hub.knowledge.postmortems_of([incident_id]))[incident_id]


async def test_the_draft_reads_as_text_and_names_every_responder_by_region(
    world: tuple[Hub, DemoData, ManualClock],
) -> None:
    hub, demo, clock = world
    data = IncidentDeclare(title="Search slow", team_id=demo.team_ids["sre-apac"])
    # Token names are actors too: the demo tokens are not member handles.
    incident = await hub.flows.declare(data, actor="demo-responder")
    clock.advance(timedelta(minutes=5))
    brief = Brief(
        current_status="p99 at 3 s, holding",
        tried=["Restarted the indexer"],
        next_actions=[ActionItem(text="Watch the queue")],
    )
    proposed = await hub.handoffs.propose(
        HandoffPropose(
            incident_ids=[incident.id], to_team_id=demo.team_ids["sre-emea"], brief=brief
        ),
        actor="mei",
    )
    clock.advance(timedelta(minutes=5))
    await hub.handoffs.accept(proposed.id, by=Principal(actor="olivia", role=Role.RESPONDER))
    clock.advance(timedelta(minutes=5))
    draft = await resolved_draft(hub, incident.id, "demo-automation")

    timeline = draft.body.split("## Timeline")[1].split("\n## ")[0]
    for python_repr in ("{'", "['", "None", "True", "False", "_id"):
        assert python_repr not in timeline, python_repr
    proposal = next(r for r in timeline.splitlines() if "(handoff.proposed)" in r)
    assert "current status: p99 at 3 s, holding" in proposal
    assert "tried: Restarted the indexer" in proposal
    assert "next actions: Watch the queue" in proposal
    responders = draft.body.split("## Responders by region")[1].split("\n## ")[0]
    assert "- London: olivia" in responders
    assert "- Singapore: mei" in responders
    assert "- Other: demo-automation, demo-responder" in responders
    assert "postmortem-drafter" not in responders


async def test_a_drill_draft_is_marked_as_a_drill_and_never_suggested(
    world: tuple[Hub, DemoData, ManualClock],
) -> None:
    hub, demo, _ = world
    checkout = demo.service_ids["checkout"]
    data = IncidentDeclare(
        title="Checkout down (game day)",
        team_id=demo.team_ids["sre-emea"],
        service_ids=[checkout],
        exercise=True,
    )
    drill = await hub.flows.declare(data, actor="olivia")
    draft = await resolved_draft(hub, drill.id, "olivia")
    real = await hub.flows.declare(
        IncidentDeclare(
            title="Checkout down", team_id=demo.team_ids["sre-emea"], service_ids=[checkout]
        ),
        actor="olivia",
    )

    [suggested] = await hub.suggestions.for_incident_ids([real.id], limit=20)

    assert "drill" in draft.tags
    assert draft.title.startswith("Drill postmortem (draft):")
    assert draft.id not in [s.article.id for s in suggested]
    assert suggested  # the checkout runbook still is
