"""What one escalation step does: a pure decision, shared by the engine and the preview.

Given a policy, an incident, a snapshot of teams and regions, the position on
the ladder and an instant, :func:`decide` says which level fires, whom it
engages (or why it is skipped), which rules matched and when the next step is
due. It reads nothing and writes nothing, so the preview shows exactly what the
engine would do.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

from hub.escalation.conditions import Facts, Person, Verdict, evaluate
from hub.escalation.models import EscalationPolicy, RuleAction, Target
from hub.escalation.targets import Directory, resolve_all, unique
from hub.incidents.models import Incident


class Action(StrEnum):
    ENGAGE = "ENGAGE"
    SKIP = "SKIP"


class RuleHit(BaseModel):
    name: str
    action: RuleAction
    reasons: list[str]


class Position(BaseModel):
    step: int = Field(ge=1)
    level: int = Field(ge=0)  # 0-based
    round: int = Field(ge=0)  # 0-based
    due_at: datetime


class StepPlan(BaseModel):
    step: int
    level: int
    round: int
    due_at: datetime
    decided_at: datetime
    action: Action
    people: list[Person]
    rules: list[RuleHit] = Field(default_factory=list)
    reason: str
    manual: bool = False
    next: Position | None = None


def base_facts(
    incident: Incident, directory: Directory, at: datetime, last_update: datetime
) -> Facts:
    team = directory.teams.get(incident.team_id)
    return Facts(
        at=at,
        severity=incident.severity,
        category=incident.category,
        service_ids=incident.service_ids,
        created_at=incident.created_at,
        last_update=last_update,
        owning_team=directory.team_people(team, at) if team else [],
    )


def decide(
    policy: EscalationPolicy,
    incident: Incident,
    directory: Directory,
    pos: Position,
    *,
    at: datetime,
    last_update: datetime,
    manual: bool = False,
) -> StepPlan:
    """The step at ``pos``, decided at ``at``; ``manual`` steps never skip or jump."""
    facts = base_facts(incident, directory, at, last_update)
    hits: list[RuleHit] = []
    level_no = pos.level if manual else _jump(policy, facts, pos.level, hits)
    level = policy.levels[level_no]
    own = resolve_all(level.targets, directory, incident, at)
    facts = replace(facts, level_targets=own)
    targets = _targets(policy, facts, level_no, list(level.targets), hits)
    people = own if targets == level.targets else resolve_all(targets, directory, incident, at)
    nxt = _next(policy, level_no, pos.round)
    plan = StepPlan(
        step=pos.step,
        level=level_no,
        round=pos.round,
        due_at=pos.due_at,
        decided_at=at,
        action=Action.ENGAGE,
        people=unique(people),
        rules=hits,
        manual=manual,
        reason=f"level {level_no + 1}: {', '.join(t.label for t in targets)}",
    )
    skip = None if manual else _skip_reason(policy, level_no, facts, plan.people, nxt)
    if skip is not None:
        plan.action, plan.reason = Action.SKIP, skip
    if nxt is not None:
        wait = timedelta(0) if skip else timedelta(minutes=level.delay_minutes)
        plan.next = Position(
            step=pos.step + 1, level=nxt[0], round=nxt[1], due_at=pos.due_at + wait
        )
    return plan


def _jump(policy: EscalationPolicy, facts: Facts, level: int, hits: list[RuleHit]) -> int:
    # Only forward, and only the first rule that moves: a jump never loops.
    for rule in policy.rules:
        if rule.action is not RuleAction.JUMP_TO_LEVEL or rule.level is None:
            continue
        verdict = evaluate(rule.when, facts)
        if verdict.matched and rule.level - 1 > level:
            hits.append(_hit(rule.name, rule.action, verdict))
            return rule.level - 1
    return level


def _targets(
    policy: EscalationPolicy,
    facts: Facts,
    level: int,
    targets: list[Target],
    hits: list[RuleHit],
) -> list[Target]:
    replaced = False
    for rule in policy.rules:
        if rule.action is RuleAction.JUMP_TO_LEVEL or not rule.applies_to(level):
            continue
        if rule.action is RuleAction.REPLACE_TARGETS and replaced:
            continue
        verdict = evaluate(rule.when, facts)
        if not verdict.matched:
            continue
        hits.append(_hit(rule.name, rule.action, verdict))
        if rule.action is RuleAction.REPLACE_TARGETS:
            targets, replaced = list(rule.targets), True
        else:
            targets = [*targets, *(t for t in rule.targets if t not in targets)]
    return targets


def _skip_reason(
    policy: EscalationPolicy,
    level_no: int,
    facts: Facts,
    people: list[Person],
    nxt: tuple[int, int] | None,
) -> str | None:
    level = policy.levels[level_no]
    if level.when is not None:
        verdict = evaluate(level.when, facts)
        if not verdict.matched:
            return f"level {level_no + 1} condition not met: {'; '.join(verdict.reasons)}"
    if not people:
        return f"level {level_no + 1} resolves to nobody"
    off = all(not p.working for p in people)
    if level.skip_when_off_duty and off and nxt is not None:
        names = ", ".join(f"{p.handle} ({p.local_time})" for p in people)
        return f"all {len(people)} targets of level {level_no + 1} are off duty: {names}"
    return None


def _next(policy: EscalationPolicy, level: int, round_: int) -> tuple[int, int] | None:
    if level + 1 < len(policy.levels):
        return level + 1, round_
    if round_ < policy.repeat:
        return 0, round_ + 1
    return None


def _hit(name: str, action: RuleAction, verdict: Verdict) -> RuleHit:
    return RuleHit(name=name, action=action, reasons=verdict.reasons)
