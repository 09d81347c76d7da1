"""Running the ordered rules over one alert: a pure function of its inputs.

Fan-out: every team a matching rule reaches is kept, in order. The first
becomes the incident's owning team (and so its region); the others are
recorded on the incident's alert group as responder teams and hear every
event of it. Members reached by expertise become responders. One alert thus
opens one incident, however many teams it reaches: a shared record, never
copies that drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hub.alerts.routing.conditions import failed_matcher, failed_time
from hub.alerts.routing.explain import Explanation, RuleOutcome, Verdict
from hub.alerts.routing.models import ActionKind, Rule, RuleAction
from hub.alerts.routing.view import AlertView
from hub.errors import BadInput
from hub.handoffs.rotation import on_duty
from hub.teams.models import Region, Team


@dataclass(frozen=True)
class World:
    """Teams and regions as they are when the alert is routed."""

    at: datetime
    default_team_id: str
    teams: dict[str, Team]
    regions: dict[str, Region]


def evaluate(rules: Sequence[Rule], view: AlertView, world: World) -> Explanation:
    out = Explanation(at=world.at, severity=view.severity)
    stopped_by: str | None = None
    for rule in rules:
        if stopped_by is not None:
            reason = f"not reached: {stopped_by!r} matched and does not continue"
            out.rules.append(RuleOutcome(rule.id, rule.name, Verdict.NOT_REACHED, [reason]))
        elif not rule.enabled:
            out.rules.append(RuleOutcome(rule.id, rule.name, Verdict.DISABLED, ["disabled"]))
        else:
            outcome = _check(rule, view, world)
            out.rules.append(outcome)
            if outcome.matched:
                outcome.reasons = [_apply(a, out, world) for a in rule.actions]
                if out.suppressed or not rule.continue_matching:
                    stopped_by = rule.name
    if not out.team_ids and not out.suppressed:
        out.team_ids.append(world.default_team_id)
        default = world.teams.get(world.default_team_id)
        if default is not None:
            out.region_ids.append(default.region_id)
        out.default_route = True
        out.notes.append("no rule routed to a team: the integration's team (default route)")
    return out


def _check(rule: Rule, view: AlertView, world: World) -> RuleOutcome:
    reasons = [r for m in rule.matchers if (r := failed_matcher(m, view)) is not None]
    if rule.during is not None:
        region = world.regions.get(rule.during.region_id)
        late = failed_time(rule.during, region, world.at)
        if late is not None:
            reasons.append(late)
    verdict = Verdict.NOT_MATCHED if reasons else Verdict.MATCHED
    return RuleOutcome(rule.id, rule.name, verdict, reasons)


def _apply(action: RuleAction, out: Explanation, world: World) -> str:
    kind = action.kind
    if kind is ActionKind.ROUTE_TEAM:
        assert action.team_id is not None
        return _reach(out, world, action.team_id, "routed to")
    if kind is ActionKind.ROUTE_ON_DUTY:
        return _on_duty(action, out, world)
    if kind is ActionKind.ROUTE_EXPERTISE:
        return _experts(action, out, world)
    if kind is ActionKind.SET_SEVERITY:
        assert action.severity is not None
        out.severity = action.severity
        return f"severity set to {action.severity.value}"
    if kind is ActionKind.SET_CATEGORY:
        assert action.category is not None
        out.category = action.category
        return f"category set to {action.category.value}"
    out.suppressed = True
    out.suppressed_by = action.reason or "suppressed"
    return f"suppressed: {out.suppressed_by}"


def _reach(out: Explanation, world: World, team_id: str, how: str) -> str:
    team = world.teams.get(team_id)
    if team is None:
        return f"team {team_id} no longer exists; skipped"
    if team_id not in out.team_ids:
        out.team_ids.append(team_id)
    if team.region_id not in out.region_ids:
        out.region_ids.append(team.region_id)
    return f"{how} {team.slug}"


def _on_duty(action: RuleAction, out: Explanation, world: World) -> str:
    teams = [world.teams[t] for t in action.team_ids if t in world.teams] or list(
        world.teams.values()
    )
    regions = [
        world.regions[r] for r in dict.fromkeys(t.region_id for t in teams) if r in world.regions
    ]
    try:
        duty = on_duty(regions, world.at)
    except BadInput as exc:
        return f"no region on duty: {exc.message}"
    team = next(t for t in teams if t.region_id == duty.region.id)
    gap = "" if duty.in_window else " (out of hours: nobody in window, it kept ownership)"
    return _reach(out, world, team.id, f"on duty: {duty.region.name}{gap}; routed to")


def _experts(action: RuleAction, out: Explanation, world: World) -> str:
    found = [
        m.handle for t in world.teams.values() for m in t.members if action.tag in m.expertise
    ]
    for handle in found:
        if handle not in out.responders:
            out.responders.append(handle)
    if not found:
        return f"nobody has expertise {action.tag!r}"
    return f"expertise {action.tag!r}: {', '.join(found)}"
