"""Demo data: three follow-the-sun regions, a team in each, and a way in for alerts.

Only ``serve --demo`` runs this; the fixed ``demo-<source>`` integration keys
below exist nowhere else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import time

from hub.alerts.routing.models import ActionKind, RuleCreate
from hub.alerts.routing.models import RuleAction as RoutingAction
from hub.alerts.sources import SOURCES
from hub.auth.demo_tokens import seed_demo_tokens
from hub.core import Hub
from hub.escalation.conditions import Condition, HoursClause
from hub.escalation.models import (
    EscalationLevel,
    EscalationRule,
    PolicyCreate,
    RuleAction,
    Target,
    TargetKind,
)
from hub.incidents.models import Category, Severity
from hub.knowledge.models import ArticleCreate, ArticleKind
from hub.teams.models import (
    ALL_DAYS,
    Member,
    RegionCreate,
    ServiceCreate,
    ServiceTier,
    TeamCreate,
    TeamUpdate,
    WorkingWindow,
)

log = logging.getLogger(__name__)

# One integration per source, each with a key anyone can read here.
DEMO_KEYS = {source: f"demo-{source}" for source in SOURCES}


def _day(start: int, end: int) -> list[WorkingWindow]:
    return [WorkingWindow(days=tuple(ALL_DAYS), start=time(start), end=time(end))]


# Each region works 08:00-17:00 local time, every day: together they cover the
# clock, with the briefing overlaps that daylight saving moves around.
REGIONS = [
    RegionCreate(name="Singapore", time_zone="Asia/Singapore", working_hours=_day(8, 17),
                 rotation_order=1),
    RegionCreate(name="London", time_zone="Europe/London", working_hours=_day(8, 17),
                 rotation_order=2),
    RegionCreate(name="San Francisco", time_zone="America/Los_Angeles",
                 working_hours=_day(8, 17), rotation_order=3),
]

TEAMS = {
    "Singapore": ("APAC SRE", "sre-apac", [
        Member(handle="mei", display_name="Mei Tan", time_zone="Asia/Singapore",
               expertise=["database", "triage"], is_lead=True),
        Member(handle="arjun", display_name="Arjun Rao", time_zone="Asia/Singapore",
               expertise=["network"]),
    ]),
    "London": ("EMEA SRE", "sre-emea", [
        Member(handle="olivia", display_name="Olivia Hughes", time_zone="Europe/London",
               expertise=["payments", "database"], is_lead=True),
        Member(handle="tomasz", display_name="Tomasz Nowak", time_zone="Europe/Warsaw",
               expertise=["security"]),
    ]),
    "San Francisco": ("AMER SRE", "sre-amer", [
        Member(handle="sam", display_name="Sam Rivera", time_zone="America/Los_Angeles",
               expertise=["payments", "postmortems"], is_lead=True),
        Member(handle="priya", display_name="Priya Shah", time_zone="America/Denver",
               expertise=["security", "network"]),
    ]),
}

SERVICES = {
    "sre-apac": [("search", ServiceTier.TIER_2)],
    "sre-emea": [("checkout", ServiceTier.TIER_1)],
    "sre-amer": [("payments-api", ServiceTier.TIER_1)],
}


@dataclass
class DemoData:
    region_ids: dict[str, str] = field(default_factory=dict)
    team_ids: dict[str, str] = field(default_factory=dict)
    service_ids: dict[str, str] = field(default_factory=dict)
    policy_id: str = ""


async def seed(hub: Hub) -> DemoData:
    """Create the demo world; safe to call on a database that already has it."""
    out = DemoData()
    if await hub.teams.region_by_name("Singapore") is not None:
        log.info("event=demo.already_seeded database=%s", hub.db.name)
        await seed_demo_tokens(hub.tokens, hub.teams)
        return out
    for data in REGIONS:
        out.region_ids[data.name] = (await hub.teams.create_region(data=data)).id
    policy = await hub.policies.create(data=_policy())
    out.policy_id = policy.id
    for region, (name, slug, members) in TEAMS.items():
        team = await hub.teams.create_team(
            data=TeamCreate(name=name, slug=slug, region_id=out.region_ids[region],
                            members=members, escalation_policy_id=policy.id)
        )
        out.team_ids[slug] = team.id
        for service, tier in SERVICES[slug]:
            created = await hub.teams.create_service(
                data=ServiceCreate(name=service, team_id=team.id, tier=tier)
            )
            out.service_ids[service] = created.id
    await _articles(hub, out)
    for source, key in DEMO_KEYS.items():
        await hub.integrations.create(
            source=source, name=f"demo {source}", team_id=out.team_ids["sre-apac"], key=key
        )
    await hub.teams.update_team(
        team_id=out.team_ids["sre-apac"], data=TeamUpdate(escalation_policy_id=policy.id)
    )
    await seed_demo_tokens(hub.tokens, hub.teams)
    # The rotation exists only now: store its coming shift ends at once
    # rather than at the next planning round.
    await hub.shifts.plan()
    log.info("event=demo.seeded regions=%d teams=%d", len(REGIONS), len(TEAMS))
    return out


async def seed_showcase(hub: Hub) -> DemoData:
    """The demo world plus a routing rule that sends alerts to the region on duty.

    ``serve --demo`` uses this; tests build on :func:`seed`, whose alerts stay
    with their integration's team unless a test adds rules of its own.
    """
    out = await seed(hub)
    if out.region_ids and not await hub.routing.rules():
        await hub.routing.create(_follow_the_sun_rule())
    return out


def _follow_the_sun_rule() -> RuleCreate:
    # Without it every alert would go to its integration's team (Singapore):
    # the demo shows alerts reaching whichever region is awake.
    return RuleCreate(
        name="Follow the sun",
        actions=[RoutingAction(kind=ActionKind.ROUTE_ON_DUTY,
                               reason="alerts go to the region on duty")],
    )


def _policy() -> PolicyCreate:
    return PolicyCreate(
        name="Follow the sun",
        description="The on-duty team, then database experts who are awake, then the "
        "commander; a SEV1 out of the owning team's hours goes to the on-duty lead first.",
        levels=[
            EscalationLevel(targets=[Target(kind=TargetKind.ON_DUTY_TEAM)], delay_minutes=10),
            EscalationLevel(targets=[Target(kind=TargetKind.EXPERTISE, value="database")],
                            delay_minutes=15, skip_when_off_duty=True),
            EscalationLevel(targets=[Target(kind=TargetKind.ROLE, value="commander")],
                            delay_minutes=30),
        ],
        repeat=1,
        rules=[
            EscalationRule(
                name="sev1-off-hours",
                when=Condition(severities=[Severity.SEV1],
                               working_hours=HoursClause(working=False)),
                action=RuleAction.REPLACE_TARGETS,
                targets=[Target(kind=TargetKind.ON_DUTY_LEAD)],
                levels=[1],
            ),
            EscalationRule(
                name="security-experts",
                when=Condition(categories=[Category.SECURITY]),
                action=RuleAction.ADD_TARGETS,
                targets=[Target(kind=TargetKind.EXPERTISE, value="security")],
            ),
        ],
    )


async def _articles(hub: Hub, out: DemoData) -> None:
    articles = [
        ArticleCreate(
            title="Payments API: elevated 5xx",
            kind=ArticleKind.RUNBOOK,
            tags=["payments", "5xx"],
            service_ids=[out.service_ids["payments-api"]],
            body="## Check\n1. Error rate by upstream.\n2. Recent deploys.\n\n"
            "## Mitigate\nRoll back the last deploy; fail over to the secondary PSP.",
        ),
        ArticleCreate(
            title="Checkout: database connection pool exhausted",
            kind=ArticleKind.RUNBOOK,
            tags=["database", "checkout"],
            service_ids=[out.service_ids["checkout"]],
            body="Raise the pool only after finding the slow query; see the DB dashboard.",
        ),
        ArticleCreate(
            title="How to hand off an incident across regions",
            kind=ArticleKind.HOWTO,
            tags=["handoff", "process"],
            body="Write the brief: status, what was tried, next actions, risks, links. "
            "The receiving team accepts explicitly; until then you still own it.",
        ),
    ]
    for article in articles:
        await hub.knowledge.create(data=article, actor="demo")
